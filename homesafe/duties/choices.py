from django.db import models

from homesafe.protocol.facts import DutyKind, OwnerRole

DUTY_LABELS: dict[str, str] = {
    DutyKind.NOTIFY_SOCIAL_WORKER: "Tell the allocated social worker",
    DutyKind.NOTIFY_SCHOOL: "Tell the school",
    DutyKind.NOTIFY_PLACING_LA: "Tell the placing authority",
    DutyKind.NOTIFY_HOST_LA: "Tell the host authority",
    DutyKind.NOTIFY_IRO: "Tell the independent reviewing officer",
    DutyKind.NOTIFY_CP_CHAIR: "Tell the child protection chair",
    DutyKind.SENIOR_LEADER_ALERT: "Alert a senior leader",
    DutyKind.ESCALATE_TEAM_MANAGER: "Escalate to the team manager",
    DutyKind.ESCALATE_SERVICE_MANAGER: "Escalate to the service manager",
    DutyKind.ESCALATE_HEAD_OF_SERVICE: "Escalate to the head of service",
    DutyKind.HIGH_RISK_ALERT: "High risk: tell a senior manager",
    DutyKind.STRATEGY_MEETING: "Hold a strategy meeting",
    DutyKind.RHI_OFFER: "Offer a return home interview",
    DutyKind.RHI_COMPLETE: "Complete the return home interview",
    DutyKind.PRE_INCIDENT_REVIEW: "Review the pre-incident (Philomena) profile",
    DutyKind.REPEAT_MEETING: "Hold a multi-agency meeting (repeat episodes)",
    DutyKind.CONSIDER_MACE: "Consider a MACE referral",
    DutyKind.CONSIDER_NRM: "Consider a National Referral Mechanism referral",
    DutyKind.CONSIDER_RECOVERY_ORDER: "Consider a recovery order",
    DutyKind.EIGHTEENTH_BIRTHDAY: "18th birthday: review the open episode",
    DutyKind.SCREENING_REVIEW: "Review the exploitation screening",
}


class DutyState(models.TextChoices):
    """Stored state; 'overdue' is not stored: it is an open duty past its due time."""

    OPEN = "open", "Open"
    DONE = "done", "Done"
    NOT_NEEDED = "not_needed", "Not needed"


class DutyEventKind(models.TextChoices):
    PLANNED = "planned", "Planned"
    REPLANNED = "replanned", "Due time or owner changed"
    COMPLETED = "completed", "Completed"
    DONE_BY_RECORD = "done_by_record", "Done: the record shows it"
    REASSIGNED = "reassigned", "Reassigned"
    MARKED_NOT_NEEDED = "marked_not_needed", "Marked not needed"
    CLOSED_BY_PROTOCOL = "closed_by_protocol", "No longer needed"
    REMINDED = "reminded", "Reminder sent"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class ReminderState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"


DUTY_KIND_CHOICES = [(kind.value, DUTY_LABELS[kind]) for kind in DutyKind]

OWNER_LABELS: dict[str, str] = {
    OwnerRole.MISSING_COORDINATOR: "Missing coordinator",
    OwnerRole.SOCIAL_WORKER: "Allocated social worker",
    OwnerRole.TEAM_MANAGER: "Team manager",
    OwnerRole.SERVICE_MANAGER: "Service manager",
    OwnerRole.HEAD_OF_SERVICE: "Head of service",
    OwnerRole.SENIOR_LEADER: "Senior leader",
    OwnerRole.SCHOOL: "School safeguarding lead",
    OwnerRole.PLACING_LA: "Placing authority",
    OwnerRole.HOST_LA: "Host authority",
    OwnerRole.IRO: "Independent reviewing officer",
    OwnerRole.CP_CHAIR: "Child protection chair",
    OwnerRole.RHI_SERVICE: "Return interview service",
}
OWNER_ROLE_CHOICES = [(role.value, OWNER_LABELS[role]) for role in OwnerRole]
