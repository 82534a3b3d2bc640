"""Writes to the interview taxonomy (push factors, pull factors, exploitation indicators): one
function per use case, in a transaction, audited with the term's id, kind and code.

The taxonomy is one per installation. A term's code is stored on interviews and read by
reports and the API, so it is set once and never changed; a term in use is retired, never
deleted, and interviews that hold it keep it. Changing the taxonomy changes no interview, so
no duty is re-planned."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.interviews.choices import PROTECTED_TERMS, TermKind
from homesafe.interviews.models import InterviewTerm
from homesafe.use_cases import use_case

KIND_MISSING = "Select whether this is a push factor, a pull factor or an exploitation indicator"
LABEL_MISSING = "Enter the label shown on the interview form"
LABEL_TAKEN = "There is already a {kind} labelled {label}"
CODE_FORMAT = (
    "Enter a code of lower-case letters, digits and underscores, starting with a letter "
    "(up to 40 characters)"
)
CODE_TAKEN = "There is already a {kind} with the code {code}: enter another code"
HINT_TOO_LONG = "The hint must be 300 characters or fewer"
LABEL_TOO_LONG = "The label must be 200 characters or fewer"
CANNOT_MOVE = "The term is already {end} of the list."
ALREADY_RETIRED = "The term is already retired."
NOT_RETIRED = "The term is not retired."
PROTECTED = "{label} is read by the protocol: it cannot be retired."

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _code_from(label: str) -> str:
    code = slugify(label).replace("-", "_")[:40].strip("_")
    return code if CODE_PATTERN.match(code) else ""


def _label_taken(kind: str, label: str, *, exclude: int | None = None) -> bool:
    terms = InterviewTerm.objects.annotate(lower=Lower("label")).filter(
        kind=kind, lower=label.lower()
    )
    return terms.exclude(pk=exclude).exists() if exclude else terms.exists()


def _check_label(errors: dict, kind: str, label: str, *, exclude: int | None = None) -> None:
    if not label:
        errors["label"] = LABEL_MISSING
    elif len(label) > 200:
        errors["label"] = LABEL_TOO_LONG
    elif _label_taken(kind, label, exclude=exclude):
        errors["label"] = LABEL_TAKEN.format(kind=TermKind(kind).label.lower(), label=label)


def _audit(term: InterviewTerm, verb: AuditVerb, actor: Actor, **payload) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=term,
        payload={"kind": term.kind, "code": term.code, **payload},
    )


@use_case
def interview_term_add(
    *, kind: str, label: str, actor: Actor, code: str = "", hint: str = ""
) -> InterviewTerm:
    """Add a term at the end of its list. Without a code, one is made from the label."""
    label, hint, code = label.strip(), hint.strip(), code.strip()
    errors: dict[str, str] = {}
    if kind not in TermKind.values:
        raise ValidationError({"kind": KIND_MISSING})
    _check_label(errors, kind, label)
    if len(hint) > 300:
        errors["hint"] = HINT_TOO_LONG
    if code and not CODE_PATTERN.match(code):
        errors["code"] = CODE_FORMAT
    elif not code and "label" not in errors:
        code = _code_from(label)
        if not code:
            errors["code"] = CODE_FORMAT
    if "code" not in errors and InterviewTerm.objects.filter(kind=kind, code=code).exists():
        errors["code"] = CODE_TAKEN.format(kind=TermKind(kind).label.lower(), code=code)
    if errors:
        raise ValidationError(errors)
    last = (
        InterviewTerm.objects.select_for_update()
        .filter(kind=kind)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    term = InterviewTerm(kind=kind, code=code, label=label, hint=hint, position=(last or 0) + 1)
    term.full_clean()
    term.save()
    _audit(term, AuditVerb.INTERVIEW_TERM_ADDED, actor)
    return term


@use_case
def interview_term_change(
    *, term: InterviewTerm, label: str, actor: Actor, hint: str = ""
) -> InterviewTerm:
    """Change a term's label or hint (its code stays: interviews hold the code)."""
    label, hint = label.strip(), hint.strip()
    errors: dict[str, str] = {}
    _check_label(errors, term.kind, label, exclude=term.pk)
    if len(hint) > 300:
        errors["hint"] = HINT_TOO_LONG
    if errors:
        raise ValidationError(errors)
    changed = [
        name for name, value in (("label", label), ("hint", hint)) if getattr(term, name) != value
    ]
    term.label, term.hint = label, hint
    term.full_clean()
    term.save(update_fields=["label", "hint", "updated_at"])
    _audit(term, AuditVerb.INTERVIEW_TERM_CHANGED, actor, changed=changed)
    return term


@use_case
def interview_term_move(*, term: InterviewTerm, up: bool, actor: Actor) -> InterviewTerm:
    """Move a term one place up or down its list (retired terms keep their places too)."""
    terms = list(
        InterviewTerm.objects.select_for_update().filter(kind=term.kind).order_by("position", "id")
    )
    index = next(i for i, t in enumerate(terms) if t.pk == term.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(terms):
        raise ApplicationError(
            CANNOT_MOVE.format(end="at the top" if up else "at the bottom"), code="term_move"
        )
    terms[index], terms[other] = terms[other], terms[index]
    for position, each in enumerate(terms, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position", "updated_at"])
    term.position = next(t.position for t in terms if t.pk == term.pk)
    _audit(term, AuditVerb.INTERVIEW_TERM_MOVED, actor, position=term.position)
    return term


@use_case
def interview_term_retire(*, term: InterviewTerm, actor: Actor) -> InterviewTerm:
    """Stop offering a term on the interview form; interviews that hold it keep it."""
    if term.is_retired:
        raise ApplicationError(ALREADY_RETIRED, code="term_retired")
    if (term.kind, term.code) in PROTECTED_TERMS:
        raise ApplicationError(PROTECTED.format(label=term.label), code="term_protected")
    term.retired_at = timezone.now()
    term.save(update_fields=["retired_at", "updated_at"])
    _audit(term, AuditVerb.INTERVIEW_TERM_RETIRED, actor)
    return term


@use_case
def interview_term_reinstate(*, term: InterviewTerm, actor: Actor) -> InterviewTerm:
    """Offer a retired term on the interview form again."""
    if not term.is_retired:
        raise ApplicationError(NOT_RETIRED, code="term_not_retired")
    term.retired_at = None
    term.save(update_fields=["retired_at", "updated_at"])
    _audit(term, AuditVerb.INTERVIEW_TERM_REINSTATED, actor)
    return term
