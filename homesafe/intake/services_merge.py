"""Merging two records of the same child: everything of the duplicate moves to the kept one.

Every row that points at a child is in `CHILD_REFERENCES`, one entry per foreign key to
`people.Child` in the model registry, with the rule that moves it (a test fails naming a
foreign key that is not there, so a new model cannot be left behind by a merge). Rows owned
by an episode (risk gradings, corrections, police events) follow the episode; those that
also name the child (duties, the interview, concerns) are in the table and move with it, so
the duties' (episode, kind) stays unique and the re-plan finds them on the kept record.

The merged record stays, as a pointer (`ChildMerge`, `child.merged_into`): the audit log
refers to it, its page says which record it was merged into, and searches no longer find it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.intake.models import ChildMerge
from homesafe.people.models import Child, ChildAlias
from homesafe.use_cases import facts_changed, use_case

MERGE_SAME = "Choose two different records."
MERGE_ALREADY = "One of these records has already been merged."
IDENTIFIERS = ("la_child_id", "nhs_number", "upn", "police_person_id")


class Rule(StrEnum):
    """How the rows pointing at the merged record reach the kept one."""

    MOVE = "move"  # the row moves
    ONE_OPEN = "one open"  # a period with "one open" rule: the merged record's open one moves,
    # ended on the day of the merge when the kept record has one open already (history)
    FOLD = "fold"  # unique with other columns (FOLDS): the row moves unless the kept record
    # has the same one; then what it adds is folded into the kept record's and it goes
    ALIASES = "aliases"  # names move; one the kept record has already goes; the merged
    # record's own name becomes an alias
    VERSIONS = "versions"  # numbered versions: both records' in the order saved, the newest current
    NETWORK = "network"  # moves; a current involvement the kept record has too is ended
    FAMILY = "family"  # links between the two records go (one child is not their own
    # brother); a link the kept record has already goes; the rest move
    POINTER = "pointer"  # stays: the merge itself
    WORKED_OUT = "worked out"  # goes: worked out again from the rest (a re-plan's fingerprint)


# Every foreign key to people.Child, "app_label.Model.field": its rule.
CHILD_REFERENCES: dict[str, Rule] = {
    "access.CaseAccessGrant.child": Rule.MOVE,
    "people.ChildAlias.child": Rule.ALIASES,
    "people.ChildNeed.child": Rule.MOVE,
    "people.CohortPeriod.child": Rule.ONE_OPEN,
    "people.CarePeriod.child": Rule.ONE_OPEN,
    "people.Placement.child": Rule.ONE_OPEN,
    "people.NetworkMember.child": Rule.NETWORK,
    "episodes.MissingEpisode.child": Rule.MOVE,
    "duties.Duty.child": Rule.MOVE,
    "interviews.ReturnInterview.child": Rule.MOVE,
    "meetings.MeetingChild.child": Rule.FOLD,
    "meetings.MeetingNote.child": Rule.MOVE,
    "meetings.MeetingAction.child": Rule.MOVE,
    "meetings.ProfessionalDifference.child": Rule.MOVE,
    "screening.ExploitationScreening.child": Rule.MOVE,
    "concerns.PersonLink.child": Rule.FOLD,
    "concerns.LocationLink.child": Rule.MOVE,
    "concerns.DisruptionAction.child": Rule.MOVE,
    "concerns.LegalAction.child": Rule.MOVE,
    "concerns.EpisodeConcern.child": Rule.MOVE,
    "profiles.ProfileVersion.child": Rule.VERSIONS,
    "people.ChildRelationship.child": Rule.FAMILY,
    "people.ChildRelationship.other": Rule.FAMILY,
    "people.EducationConcern.child": Rule.MOVE,
    "people.AdverseExperience.child": Rule.MOVE,
    "people.UnbornChild.child": Rule.MOVE,
    "safety_plans.SafetyPlanVersion.child": Rule.VERSIONS,
    # The search for the child (homesafe.locate): each row moves with its episode.
    "locate.LocateAction.child": Rule.MOVE,
    "locate.Sighting.child": Rule.MOVE,
    "locate.Publicity.child": Rule.MOVE,
    "locate.MissingAgencyContact.child": Rule.MOVE,
    "locate.SafeAndWellCheck.child": Rule.MOVE,
    "intake.IdentityReview.child": Rule.MOVE,
    "intake.IdentityCandidate.child": Rule.FOLD,
    # The figures' summary row of each episode (rewritten by the worker after the merge).
    "insight.EpisodeFacts.child": Rule.MOVE,
    # What the merged record's last re-plan read: that record has nothing left to plan.
    "duties.PlanFingerprint.child": Rule.WORKED_OUT,
    "intake.ChildMerge.merged_child": Rule.POINTER,
    "intake.ChildMerge.kept_child": Rule.POINTER,
}


def _fold_meeting_link(row, kept_row) -> None:
    """The child discussed once at the meeting, about the episodes of both records."""
    kept_row.episodes.add(*row.episodes.all())


def _fold_person_link(row, kept_row) -> None:
    if row.note and row.note not in kept_row.note:
        kept_row.note = f"{kept_row.note}\n\n{row.note}".strip()
        kept_row.save(update_fields=["note"])


def _fold_candidate(row, kept_row) -> None:
    if row.score > kept_row.score:
        kept_row.score, kept_row.reasons = row.score, row.reasons
        kept_row.save(update_fields=["score", "reasons"])


# For FOLD: the columns that, with the child, are unique (one set per unique constraint; a
# row with any of them empty is under no constraint and moves), and how a row is folded.
FOLDS: dict[str, tuple[tuple[tuple[str, ...], ...], Callable]] = {
    "meetings.MeetingChild.child": ((("meeting",),), _fold_meeting_link),
    "concerns.PersonLink.child": (
        (("person", "interview"), ("person", "meeting")),
        _fold_person_link,
    ),
    "intake.IdentityCandidate.child": ((("review",),), _fold_candidate),
}


def child_references() -> Iterator[tuple[str, type[models.Model], str]]:
    """Every foreign key and one-to-one field to people.Child in the registry; a many-to-many
    field is named by its through model's foreign key (auto-created ones included)."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.many_to_many:
                continue
            if field.is_relation and field.concrete and field.related_model is Child:
                yield f"{model._meta.label}.{field.name}", model, field.name


def _end_on(row) -> None:
    """End an open period or involvement on the day of the merge (never before it started)."""
    row.ended_on = max(timezone.localdate(), row.started_on)
    row.save(update_fields=["ended_on"])


class _Merge:
    def __init__(self, *, kept: Child, merged: Child) -> None:
        self.kept, self.merged = kept, merged
        self.moved: dict[str, int] = {}
        self.folded: dict[str, int] = {}
        self.ended: dict[str, list[int]] = {}
        self.renumbered: dict[str, list[int]] = {}

    def run(self) -> None:
        for label, model, field in child_references():
            rule = CHILD_REFERENCES[label]
            if rule == Rule.POINTER:
                continue
            name = model._meta.label_lower
            getattr(self, f"_{rule.name.lower()}")(label, model, field, name)

    def _rows(self, model, field):
        return model.objects.filter(**{field: self.merged})

    def _count(self, name: str, moved: int) -> None:
        if moved:
            self.moved[name] = self.moved.get(name, 0) + moved

    def _move(self, label, model, field, name) -> None:
        self._count(name, self._rows(model, field).update(**{field: self.kept}))

    def _worked_out(self, label, model, field, name) -> None:
        self._rows(model, field).delete()

    def _one_open(self, label, model, field, name) -> None:
        kept_open = model.objects.filter(**{field: self.kept, "ended_on__isnull": True})
        if kept_open.exists():
            for row in self._rows(model, field).filter(ended_on__isnull=True):
                _end_on(row)
                self.ended.setdefault(name, []).append(row.pk)
        self._move(label, model, field, name)

    def _network(self, label, model, field, name) -> None:
        same = ("organisation_id", "role", "user_id", "contact_email")
        current = set(
            model.objects.filter(**{field: self.kept, "ended_on__isnull": True}).values_list(*same)
        )
        for row in self._rows(model, field).filter(ended_on__isnull=True):
            if tuple(getattr(row, column) for column in same) in current:
                _end_on(row)
                self.ended.setdefault(name, []).append(row.pk)
        self._move(label, model, field, name)

    def _family(self, label, model, field, name) -> None:
        both = [self.kept.pk, self.merged.pk]
        between = model.objects.filter(child_id__in=both, other_id__in=both)
        if count := between.count():
            self.folded[name] = self.folded.get(name, 0) + count
            between.delete()
        linked_to = "other" if field == "child" else "child"
        kept_has = set(
            model.objects.filter(**{field: self.kept}).values_list(f"{linked_to}_id", flat=True)
        )
        duplicates = self._rows(model, field).filter(**{f"{linked_to}_id__in": kept_has})
        if count := duplicates.count():
            self.folded[name] = self.folded.get(name, 0) + count
            duplicates.delete()
        self._move(label, model, field, name)

    def _fold(self, label, model, field, name) -> None:
        keys, fold = FOLDS[label]
        for row in self._rows(model, field).order_by("pk"):
            for columns in keys:
                values = {f"{column}_id": getattr(row, f"{column}_id") for column in columns}
                if None in values.values():
                    continue
                kept_row = model.objects.filter(**{field: self.kept}, **values).first()
                if kept_row is not None:
                    fold(row, kept_row)
                    row.delete()
                    self.folded[name] = self.folded.get(name, 0) + 1
                    break
        self._move(label, model, field, name)

    def _aliases(self, label, model, field, name) -> None:
        known = {*self.kept.aliases.values_list("name", flat=True), self.kept.full_name}
        duplicates = self._rows(model, field).filter(name__in=known)
        if count := duplicates.count():
            self.folded[name] = count
            duplicates.delete()
        self._move(label, model, field, name)
        own_name = self.merged.full_name
        if own_name not in known and not self.kept.aliases.filter(name=own_name).exists():
            ChildAlias.objects.create(child=self.kept, name=own_name)
            self._count(name, 1)

    def _versions(self, label, model, field, name) -> None:
        """Both records' versions in the order they were saved, numbered again from 1 so that
        the newest saved on either is current; the kept record's keep their numbers where the
        merged record's all came after them. Moved and renumbered versions are listed by id."""
        if not self._rows(model, field).exists():
            return
        rows = list(
            model.objects.filter(**{f"{field}__in": [self.kept, self.merged]})
            .order_by("saved_at", "pk")
            .only("pk", field, "number")
        )
        changed = [
            (row, number)
            for number, row in enumerate(rows, start=1)
            if getattr(row, f"{field}_id") != self.kept.pk or row.number != number
        ]
        # Out of the way first, above every number in use: (child, number) is unique.
        top = max((row.number for row in rows), default=0)
        for offset, (row, _) in enumerate(changed, start=1):
            model.objects.filter(pk=row.pk).update(**{field: self.kept, "number": top + offset})
        for row, number in changed:
            model.objects.filter(pk=row.pk).update(number=number)
            if getattr(row, f"{field}_id") == self.kept.pk:
                self.renumbered.setdefault(name, []).append(row.pk)
            else:
                self._count(name, 1)


@use_case
def child_merge(*, kept: Child, merged: Child, reason: str, actor: User) -> ChildMerge:
    """Move everything of `merged` to `kept`; the merged record stays as a pointer to it."""
    if kept.pk == merged.pk:
        raise ValidationError({"merged": MERGE_SAME})
    list(Child.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk"))
    if ChildMerge.objects.filter(merged_child_id__in=[kept.pk, merged.pk]).exists():
        raise ApplicationError(MERGE_ALREADY, code="already_merged")
    kept.refresh_from_db()
    merged.refresh_from_db()
    merge = _Merge(kept=kept, merged=merged)
    merge.run()
    identifiers = {
        name: getattr(merged, name)
        for name in IDENTIFIERS
        if getattr(merged, name) and not getattr(kept, name)
    }
    if identifiers:
        # Unique identifiers leave the merged record first, then join the kept one.
        Child.objects.filter(pk=merged.pk).update(**dict.fromkeys(identifiers, ""))
        Child.objects.filter(pk=kept.pk).update(**identifiers)
        kept.refresh_from_db()
        merged.refresh_from_db()
    record = ChildMerge.objects.create(
        merged_child=merged,
        kept_child=kept,
        reason=reason[:300],
        moved=merge.moved,
        merged_by=actor,
    )
    for child, role in ((kept, "kept"), (merged, "merged")):
        audit_record(
            actor=actor,
            verb=AuditVerb.CHILDREN_MERGED,
            target=child,
            payload={
                "role": role,
                "kept_child_id": kept.pk,
                "merged_child_id": merged.pk,
                "moved": merge.moved,
                "folded": merge.folded,
                "ended": merge.ended,
                "renumbered": merge.renumbered,
                "identifiers": sorted(identifiers),
            },
        )
    facts_changed(child_ids=[kept.pk, merged.pk])
    return record
