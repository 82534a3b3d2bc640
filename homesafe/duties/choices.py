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
    DutyKind.ESCALATION_REVIEW: "Review the search after the escalation",
    DutyKind.SAFETY_PLAN_REVIEW: "Review the safety plan with the child",
    DutyKind.CONSIDER_PUBLICITY: "Consider publicity",
    DutyKind.CONTACT_MISSING_PEOPLE: "Contact the Missing People charity",
    DutyKind.WITHDRAW_PUBLICITY: "Withdraw the publicity",
    DutyKind.SAFE_AND_WELL: "Hold the police Safe and Well check",
    DutyKind.NOTIFY_EARLY_HELP: "Tell early help",
    DutyKind.NOTIFY_HEALTH: "Tell the child's health professional",
    DutyKind.NOTIFY_YOUTH_JUSTICE: "Tell the youth justice service",
    DutyKind.NOTIFY_EARLY_HELP_OF_RETURN: "Tell early help of the return",
    DutyKind.NOTIFY_HEALTH_OF_RETURN: "Tell the child's health professional of the return",
    DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN: "Tell the youth justice service of the return",
    DutyKind.NOTIFY_SCHOOL_OF_RETURN: "Tell the school of the return",
}


# What a told person's notice says happened (My work names the child before it).
NOTICE_TEXT: dict[str, str] = {
    DutyKind.NOTIFY_SOCIAL_WORKER: "reported missing: you are the allocated social worker",
    DutyKind.NOTIFY_SCHOOL: "reported missing: a pupil of your school",
    DutyKind.NOTIFY_PLACING_LA: "reported missing: a child your authority placed",
    DutyKind.NOTIFY_HOST_LA: "reported missing: a child placed in your area",
    DutyKind.NOTIFY_IRO: "reported missing: you are the independent reviewing officer",
    DutyKind.NOTIFY_CP_CHAIR: "reported missing: you chair the child protection conference",
    DutyKind.SENIOR_LEADER_ALERT: "senior leadership alert: still missing",
    DutyKind.HIGH_RISK_ALERT: "graded high risk by the police",
    DutyKind.ESCALATE_TEAM_MANAGER: "escalated to you: still missing",
    DutyKind.ESCALATE_SERVICE_MANAGER: "escalated to you: still missing",
    DutyKind.ESCALATE_HEAD_OF_SERVICE: "escalated to you: still missing",
    DutyKind.NOTIFY_EARLY_HELP: "reported missing: known to you (early help)",
    DutyKind.NOTIFY_HEALTH: "reported missing: known to you (health)",
    DutyKind.NOTIFY_YOUTH_JUSTICE: "reported missing: known to you (youth justice)",
    DutyKind.NOTIFY_EARLY_HELP_OF_RETURN: "returned after being missing: known to you (early help)",
    DutyKind.NOTIFY_HEALTH_OF_RETURN: "returned after being missing: known to you (health)",
    DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN: (
        "returned after being missing: known to you (youth justice)"
    ),
    DutyKind.NOTIFY_SCHOOL_OF_RETURN: "returned after being missing: a pupil of your school",
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
    TOLD = "told", "Told in HomeSafe"
    ACKNOWLEDGED = "acknowledged", "Notice acknowledged"
    SENT = "sent", "Sent by e-mail"
    SEND_FAILED = "send_failed", "Sending failed"
    TOLD_ANOTHER_WAY = "told_another_way", "Told outside HomeSafe"


class MessageChannel(models.TextChoices):
    """How a notification left HomeSafe: the e-mail backend (SMTP) or GOV.UK Notify."""

    EMAIL = "email", "E-mail"
    NOTIFY = "notify", "GOV.UK Notify"


class MessageState(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


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
    OwnerRole.SCHOOL: "School's safeguarding lead",
    OwnerRole.PLACING_LA: "Placing authority",
    OwnerRole.HOST_LA: "Host authority",
    OwnerRole.IRO: "Independent reviewing officer",
    OwnerRole.CP_CHAIR: "Child protection chair",
    OwnerRole.RHI_SERVICE: "Return interview service",
    OwnerRole.POLICE: "Police missing-person coordinator",
    OwnerRole.EARLY_HELP: "Early help (the child's network)",
    OwnerRole.HEALTH: "Health (the child's network)",
    OwnerRole.YOUTH_JUSTICE: "Youth justice (the child's network)",
}
OWNER_ROLE_CHOICES = [(role.value, OWNER_LABELS[role]) for role in OwnerRole]
