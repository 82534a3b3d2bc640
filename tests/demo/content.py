"""What the demo wrote, with ids replaced by what the rows say, so that two writes of one plan
can be compared whatever order their rows were inserted in (and whichever database)."""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.db import models

# Times of writing (they differ from one run to the next), not facts of the plan.
WRITTEN_AT = {
    "created_at",
    "updated_at",
    "planned_at",
    "closed_at",
    "at",
    "recorded_at",
    "date_joined",
    "granted_at",
    "last_login",
    "saved_at",
}
PAYLOAD_IDS = {
    "grading_id": "episodes.riskgrading",
    "organisation_id": "access.organisation",
    "owner_organisation_id": "access.organisation",
    "local_authority_id": "access.organisation",
    "provider_id": "access.organisation",
    "user_id": "access.user",
    "owner_person_id": "access.user",
    "child_id": "people.child",
    "episode_id": "episodes.missingepisode",
    "interview_id": "interviews.returninterview",
    "meeting_id": "meetings.meeting",
    "person_id": "concerns.personofconcern",
    "notice_id": "duties.notice",
}
# Payload keys that hold lists of ids.
PAYLOAD_ID_LISTS = {
    "child_ids": "people.child",
    "person_ids": "concerns.personofconcern",
    "shared_with": "access.organisation",
    "drafts_discarded": "interviews.interviewdraft",
    "children": "people.child",
}
DEMO_MODELS = (
    "access.organisation",
    "access.team",
    "access.user",
    "access.userrole",
    "access.caseaccessgrant",
    "people.child",
    "people.childalias",
    "people.cohortperiod",
    "people.careperiod",
    "people.placement",
    "people.networkmember",
    "episodes.location",
    "episodes.missingepisode",
    "episodes.riskgrading",
    "duties.duty",
    "duties.dutyevent",
    "duties.notice",
    "duties.protocolversion",
    "profiles.profileversion",
    "access.organisationcontact",
    "interviews.returninterview",
    "interviews.contactattempt",
    "meetings.meeting",
    "meetings.meetingchild",
    "meetings.meetinginvitation",
    "meetings.meetingnote",
    "meetings.meetingfulfilment",
    "screening.exploitationscreening",
    "concerns.personofconcern",
    "concerns.personlink",
)


def _frozen(value):
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


class _Rows:
    def __init__(self):
        self.raw: dict[str, tuple[list, dict[int, dict]]] = {}
        self.done: dict[tuple[str, int], tuple] = {}

    def natural(self, label: str, pk) -> tuple | None:
        """A row as what it says: its fields, and those of the rows it refers to."""
        if pk is None or pk == "":
            return None
        key = (label, int(pk))
        if key not in self.done:
            if label not in self.raw:
                model = apps.get_model(label)
                fields = [
                    f
                    for f in model._meta.concrete_fields
                    if not f.primary_key and f.name not in WRITTEN_AT and f.name != "password"
                ]
                values = model._base_manager.values("pk", *(f.attname for f in fields))
                self.raw[label] = (fields, {v["pk"]: v for v in values})
            fields, by_pk = self.raw[label]
            values = by_pk[int(pk)]
            self.done[key] = tuple((f.name, self._value(f, values[f.attname])) for f in fields)
        return self.done[key]

    def _value(self, field: models.Field, value):
        if field.is_relation:
            return self.natural(field.related_model._meta.label_lower, value)
        return _frozen(value)

    def payload(self, payload: dict) -> tuple:
        return tuple(
            sorted((key, self._payload_value(key, value)) for key, value in payload.items())
        )

    def _payload_value(self, key: str, value):
        if key in PAYLOAD_IDS:
            return self.natural(PAYLOAD_IDS[key], value)
        if key in PAYLOAD_ID_LISTS and isinstance(value, list):
            return tuple(sorted((self.natural(PAYLOAD_ID_LISTS[key], v) for v in value), key=repr))
        return _frozen(value)


def demo_content() -> dict[str, object]:
    """Every row the demo writes, as a multiset per model, and each child's audit trail in order."""
    from homesafe.access.models import AuditEntry

    rows = _Rows()
    content: dict[str, object] = {}
    for label in DEMO_MODELS:
        model = apps.get_model(label)
        content[label] = Counter(
            rows.natural(label, pk) for pk in model._base_manager.values_list("pk", flat=True)
        )
    content["profile locations"] = Counter(
        (rows.natural("profiles.profileversion", p), rows.natural("episodes.location", loc))
        for p, loc in apps.get_model(
            "profiles.profileversion"
        ).locations.through.objects.values_list("profileversion_id", "location_id")
    )
    trails: dict[object, list] = {}
    entries = AuditEntry.objects.order_by("pk").values_list(
        "actor_id", "verb", "target_type", "target_id", "child_id", "payload"
    )
    for actor_id, verb, target_type, target_id, child_id, payload in entries:
        entry = (
            rows.natural("access.user", actor_id),
            verb,
            rows.natural(target_type, target_id),
            rows.payload(payload),
        )
        trails.setdefault(rows.natural("people.child", child_id), []).append(entry)
    # A child's own entries in the order they were written; the rest (users, public places) as
    # a multiset: their order among children is not the plan's.
    content["audit, not a child's"] = Counter(trails.pop(None, []))
    content["audit, by child"] = trails
    return content
