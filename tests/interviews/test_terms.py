"""The interview taxonomy (push factors, pull factors, exploitation indicators): the seed keeps
today's codes and labels, administrators' changes are validated by field and audited, and
interviews are checked against it, keeping a retired term they already hold."""

import importlib

import pytest
from django.core.exceptions import ValidationError

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.duties.models import Duty
from homesafe.interviews import services, services_terms
from homesafe.interviews.choices import DEFAULT_TERMS, TermKind
from homesafe.interviews.forms import CompleteForm, FactorsForm
from homesafe.interviews.models import InterviewTerm
from homesafe.interviews.queries import interview_taxonomy
from homesafe.interviews.services import interview_change_factors, interview_complete
from homesafe.interviews.services_terms import (
    interview_term_add,
    interview_term_change,
    interview_term_move,
    interview_term_reinstate,
    interview_term_retire,
)
from tests.interviews.helpers import content

PUSH, PULL, EXPLOITATION = (
    TermKind.PUSH_FACTOR,
    TermKind.PULL_FACTOR,
    TermKind.EXPLOITATION_INDICATOR,
)


def _term(kind, code) -> InterviewTerm:
    return InterviewTerm.objects.get(kind=kind, code=code)


def _codes(kind) -> list[str]:
    return list(InterviewTerm.objects.filter(kind=kind).values_list("code", flat=True))


def _field_errors(excinfo) -> dict:
    return {k: [e.message for e in v] for k, v in excinfo.value.error_dict.items()}


# --- the seed ----------------------------------------------------------------------------------


def test_the_migration_seeds_exactly_the_shipped_codes_and_labels(db):
    migration = importlib.import_module("homesafe.interviews.migrations.0003_seed_interview_terms")
    assert {str(kind): terms for kind, terms in DEFAULT_TERMS.items()} == migration.SEED
    for kind, terms in DEFAULT_TERMS.items():
        stored = InterviewTerm.objects.filter(kind=kind).order_by("position")
        assert [(t.code, t.label) for t in stored] == list(terms)
        assert not stored.filter(retired_at__isnull=False).exists()


def test_an_empty_taxonomy_is_filled_with_the_shipped_terms_on_first_read(db):
    InterviewTerm.objects.all().delete()
    taxonomy = interview_taxonomy()
    assert [t.code for t in taxonomy.active(PUSH)] == [c for c, _ in DEFAULT_TERMS[PUSH]]
    assert InterviewTerm.objects.count() == sum(len(t) for t in DEFAULT_TERMS.values())


# --- administrators' changes -------------------------------------------------------------------


def test_a_term_is_added_at_the_end_of_its_list_and_audited(world):
    term = interview_term_add(
        kind=PUSH, label="Exam stress", hint="Around exams", actor=world.users["admin"]
    )
    assert term.code == "exam_stress"  # made from the label
    assert _codes(PUSH)[-1] == "exam_stress"
    assert term.position > _term(PUSH, "feeling_unheard").position
    entry = AuditEntry.objects.get(verb="interview_term.added")
    assert entry.actor == world.users["admin"] and entry.target_id == str(term.pk)
    assert entry.payload == {"kind": "push_factor", "code": "exam_stress"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"label": ""}, "label", services_terms.LABEL_MISSING),
        ({"label": "bullying"}, "label", "There is already a push factor labelled bullying"),
        ({"code": "Exam Stress"}, "code", services_terms.CODE_FORMAT),
        ({"code": "9lives"}, "code", services_terms.CODE_FORMAT),
        ({"code": "conflict"}, "code", "There is already a push factor with the code conflict"),
        ({"hint": "x" * 301}, "hint", services_terms.HINT_TOO_LONG),
    ],
)
def test_a_bad_term_names_the_field_and_writes_nothing(world, data, field, message):
    before = InterviewTerm.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        interview_term_add(
            kind=PUSH, actor=world.users["admin"], **{"label": "Exam stress", **data}
        )
    assert message in _field_errors(excinfo)[field][0]
    assert InterviewTerm.objects.count() == before
    assert not AuditEntry.objects.filter(verb="interview_term.added").exists()


def test_the_same_code_may_be_used_in_another_list(world):
    # "money_gifts" is both a pull factor and an exploitation indicator in the seed.
    term = interview_term_add(
        kind=PULL, label="Bullying by others", code="bullying", actor=world.users["admin"]
    )
    assert term.code == "bullying" and term.kind == PULL


def test_changing_a_label_keeps_the_code_and_interviews_show_the_new_words(world, offered):
    interview = interview_complete(interview=offered, actor=world.users["rhi"], **content(world))
    term = _term(PUSH, "conflict")
    interview_term_change(
        term=term,
        label="Arguments at home",
        hint="Including in placement",
        actor=world.users["admin"],
    )
    term.refresh_from_db()
    assert (term.code, term.label, term.hint) == (
        "conflict",
        "Arguments at home",
        "Including in placement",
    )
    fresh = type(interview).objects.get(pk=interview.pk)
    assert fresh.push_factors == ["conflict", "placement_unhappiness"]  # codes unchanged
    assert fresh.push_factor_labels == ["Arguments at home", "Unhappy in placement"]
    entry = AuditEntry.objects.get(verb="interview_term.changed")
    assert entry.payload["changed"] == ["label", "hint"] and entry.payload["code"] == "conflict"


def test_a_label_cannot_be_changed_to_another_terms(world):
    with pytest.raises(ValidationError) as excinfo:
        interview_term_change(
            term=_term(PUSH, "conflict"), label="BULLYING", actor=world.users["admin"]
        )
    assert "labelled BULLYING" in _field_errors(excinfo)["label"][0]
    assert _term(PUSH, "conflict").label == "Conflict at home or in placement"


def test_terms_move_up_and_down_their_list(world):
    admin = world.users["admin"]
    interview_term_move(term=_term(PUSH, "abuse"), up=True, actor=admin)
    assert _codes(PUSH)[:3] == ["abuse", "conflict", "domestic_abuse"]
    interview_term_move(term=_term(PUSH, "abuse"), up=False, actor=admin)
    interview_term_move(term=_term(PUSH, "abuse"), up=False, actor=admin)
    assert _codes(PUSH)[:3] == ["conflict", "domestic_abuse", "abuse"]
    assert AuditEntry.objects.filter(verb="interview_term.moved").count() == 3
    assert _codes(PULL)[0] == "family"  # other lists untouched
    with pytest.raises(ApplicationError):
        interview_term_move(term=_term(PUSH, "feeling_unheard"), up=False, actor=admin)


def test_retire_and_reinstate_are_audited(world):
    admin = world.users["admin"]
    term = interview_term_retire(term=_term(PULL, "parties"), actor=admin)
    assert term.is_retired
    assert "parties" not in [t.code for t in interview_taxonomy().active(PULL)]
    with pytest.raises(ApplicationError):
        interview_term_retire(term=term, actor=admin)
    interview_term_reinstate(term=term, actor=admin)
    assert not _term(PULL, "parties").is_retired
    verbs = list(
        AuditEntry.objects.filter(target_type="interviews.interviewterm").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == ["interview_term.reinstated", "interview_term.retired"]


def test_none_identified_cannot_be_retired(world):
    with pytest.raises(ApplicationError) as excinfo:
        interview_term_retire(
            term=_term(EXPLOITATION, "none_identified"), actor=world.users["admin"]
        )
    assert excinfo.value.code == "term_protected"
    assert not _term(EXPLOITATION, "none_identified").is_retired


# --- interviews against the taxonomy -----------------------------------------------------------


def test_an_added_term_can_be_recorded(world, offered):
    interview_term_add(kind=PUSH, label="Exam stress", actor=world.users["admin"])
    interview = interview_complete(
        interview=offered, actor=world.users["rhi"], **content(world, push_factors=["exam_stress"])
    )
    assert interview.push_factors == ["exam_stress"]
    assert interview.push_factor_labels == ["Exam stress"]


def test_an_unknown_code_names_the_field(world, offered):
    with pytest.raises(ValidationError) as excinfo:
        interview_complete(
            interview=offered,
            actor=world.users["rhi"],
            **content(world, exploitation_indicators=["new_phone", "jetpack"]),
        )
    assert _field_errors(excinfo)["exploitation_indicators"] == [
        services.UNKNOWN_CHOICE.format(values="jetpack")
    ]


def test_a_retired_term_is_not_taken_on_a_new_record(world, offered):
    interview_term_retire(term=_term(PUSH, "bullying"), actor=world.users["admin"])
    with pytest.raises(ValidationError) as excinfo:
        interview_complete(
            interview=offered, actor=world.users["rhi"], **content(world, push_factors=["bullying"])
        )
    assert _field_errors(excinfo)["push_factors"] == [
        services.RETIRED_TERM.format(labels="Bullying")
    ]
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_a_record_keeps_a_retired_term_it_holds(world, offered):
    rhi, admin = world.users["rhi"], world.users["admin"]
    interview = interview_complete(interview=offered, actor=rhi, **content(world))
    interview_term_retire(term=_term(PULL, "older_partner"), actor=admin)
    interview_term_retire(term=_term(PULL, "parties"), actor=admin)
    # The form still shows the retired term the record holds, labelled, and no other.
    form = FactorsForm(interview=interview, taxonomy=interview_taxonomy())
    choices = dict(form.fields["pull_factors"].choices)
    assert choices["older_partner"] == "Older boyfriend or girlfriend (retired)"
    assert "parties" not in choices
    assert form.initial["pull_factors"] == ["friends", "older_partner"]
    # Saved as it is, the retired term is kept; a retired term it did not hold is refused.
    interview_change_factors(
        interview=interview,
        actor=rhi,
        push_factors=["conflict"],
        pull_factors=["friends", "older_partner"],
        exploitation_indicators=["older_associates"],
        exploitation_note="Asked",
    )
    interview.refresh_from_db()
    assert interview.pull_factors == ["friends", "older_partner"]
    assert interview.pull_factor_labels == ["Friends", "Older boyfriend or girlfriend"]
    with pytest.raises(ValidationError) as excinfo:
        interview_change_factors(
            interview=interview,
            actor=rhi,
            pull_factors=["friends", "older_partner", "parties"],
            exploitation_indicators=["older_associates"],
        )
    assert "Parties is no longer offered" in _field_errors(excinfo)["pull_factors"][0]
    entry = AuditEntry.objects.get(verb="interview.factors_changed")
    assert entry.payload["changed"] == [
        "push_factors",
        "exploitation_indicators",
        "exploitation_note",
    ]
    assert "Asked" not in str(entry.payload)


def test_changing_factors_re_plans_the_exploitation_concern(world, offered):
    rhi = world.users["rhi"]
    interview = interview_complete(
        interview=offered,
        actor=rhi,
        # No MACE referral ticked (one would close consider_mace at once).
        **content(world, exploitation_indicators=["none_identified"], referrals=[]),
    )
    assert not Duty.objects.filter(episode=offered.episode, kind="consider_mace").exists()
    interview_change_factors(
        interview=interview, actor=rhi, exploitation_indicators=["county_lines"]
    )
    assert Duty.objects.get(episode=offered.episode, kind="consider_mace").state == "open"


def test_factors_of_an_interview_not_held_cannot_be_changed(world, offered):
    with pytest.raises(ApplicationError):
        interview_change_factors(
            interview=offered, actor=world.users["rhi"], push_factors=["abuse"]
        )


def test_the_complete_form_offers_active_terms_with_their_hints(world, offered):
    interview_term_change(
        term=_term(PUSH, "bullying"),
        label="Bullying",
        hint="In person or online",
        actor=world.users["admin"],
    )
    interview_term_retire(term=_term(PUSH, "identity"), actor=world.users["admin"])
    form = CompleteForm(episode=offered.episode, taxonomy=interview_taxonomy())
    codes = [code for code, _ in form.fields["push_factors"].choices]
    assert "identity" not in codes and codes[0] == "conflict"
    assert form.fields["push_factors"].item_hints == {"bullying": "In person or online"}
