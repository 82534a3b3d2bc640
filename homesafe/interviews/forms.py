from django import forms
from django.db.models import Q

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.concerns.choices import PersonKind
from homesafe.concerns.models import PersonOfConcern
from homesafe.interviews.choices import (
    TERM_FIELDS,
    AttemptOutcome,
    ConsentToShare,
    ContactMethod,
    Referral,
    TermKind,
)
from homesafe.interviews.models import InterviewTerm
from homesafe.web.edits import VersionedForm
from homesafe.web.fields import GovukDateTimeField
from homesafe.web.forms import GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]


class InterviewForm(GovukForm):
    """The interview forms' base (GOV.UK error messages; rendered by web/form_page.html)."""


def _interviewing_organisations():
    return Organisation.objects.filter(
        Q(type=OrganisationType.LOCAL_AUTHORITY) | Q(type=OrganisationType.RHI_SERVICE),
        is_active=True,
    ).order_by("name")


class OfferForm(InterviewForm):
    required_messages = {
        "offered_at": "Enter the date and time the interview was offered",
        "offered_by_organisation": "Select the organisation that offered the interview",
        "offered_by_name": "Enter who offered the interview",
        "offer_method": "Select how the interview was offered",
    }
    offered_at = GovukDateTimeField(label="When was the interview offered?")
    offered_by_organisation = forms.ModelChoiceField(
        label="Organisation that offered it", queryset=Organisation.objects.none()
    )
    offered_by_name = forms.CharField(label="Who offered it", max_length=200)
    offer_method = forms.ChoiceField(
        label="How was it offered?", choices=ContactMethod.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offered_by_organisation"].queryset = _interviewing_organisations()


class AttemptForm(InterviewForm):
    required_messages = {
        "attempted_at": "Enter the date and time of the attempt",
        "method": "Select how you tried to make contact",
        "outcome": "Select what happened",
    }
    attempted_at = GovukDateTimeField(label="When did you try to make contact?")
    method = forms.ChoiceField(
        label="How?", choices=ContactMethod.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label="What happened?", choices=AttemptOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500, widget=forms.Textarea
    )


class AcceptForm(InterviewForm):
    required_messages = {"accepted_at": "Enter the date and time the child accepted"}
    accepted_at = GovukDateTimeField(label="When did the child accept the interview?")


class DeclineForm(InterviewForm):
    required_messages = {
        "declined_at": "Enter the date and time the child declined",
        "decline_reason": "Enter why the child declined",
    }
    declined_at = GovukDateTimeField(label="When did the child decline?")
    decline_reason = forms.CharField(
        label="Why did the child decline?", max_length=2000, widget=forms.Textarea
    )


class UnreachableForm(InterviewForm):
    required_messages = {"unreachable_at": "Enter the date and time you stopped trying"}
    unreachable_at = GovukDateTimeField(
        label="When did you stop trying?",
        help_text="Record the attempts to contact the child first. For example, 27 3 2026 14:30",
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea
    )


def _text(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=10000, widget=forms.Textarea, **kwargs
    )


def _multiple(label: str, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def offer_terms(form: forms.Form, *, taxonomy, held: dict[str, list[str]] | None = None) -> None:
    """Give the factor and indicator fields their choices from the taxonomy: the active terms,
    and any retired term the record already holds (shown as retired, kept unless unticked)."""
    held = held or {}
    for name, kind in TERM_FIELDS.items():
        if name not in form.fields:
            continue
        kept = set(held.get(name) or ())
        terms = [t for t in taxonomy.of_kind(kind) if not t.is_retired or t.code in kept]
        field = form.fields[name]
        field.choices = [
            (t.code, f"{t.label} (retired)" if t.is_retired else t.label) for t in terms
        ]
        field.item_hints = {t.code: t.hint for t in terms if t.hint}


def sharing_candidates(episode):
    """The agencies around this child that a summary may go to: the child's school, the police
    forces involved, the organisations in the professional network, the local authorities."""
    child = episode.child
    ids = {child.responsible_la_id, child.school_id, episode.police_force_id}
    ids.add(child.responsible_la.police_force_id)
    ids |= {m.organisation_id for m in child.network.filter(ended_on__isnull=True)}
    ids |= {p.host_la_id for p in child.placements.filter(ended_on__isnull=True)}
    ids.discard(None)
    return Organisation.objects.filter(pk__in=ids, is_active=True).order_by("type", "name")


class CompleteForm(InterviewForm):
    """The interview itself. The confidential record and the shareable summary are separate."""

    required_messages = {
        "held_at": "Enter the date and time the interview was held",
        "held_where": "Enter where the interview was held",
        "held_by_name": "Enter who held the interview",
        "independent": "Select whether the interviewer was independent of the child's care",
        "consent_to_share": "Select whether the child consented to sharing",
    }
    held_at = GovukDateTimeField(label="When was the interview held?")
    held_where = forms.CharField(label="Where was it held?", max_length=300)
    held_by_name = forms.CharField(label="Who held it?", max_length=200)
    held_by_organisation = forms.ModelChoiceField(
        label="Their organisation (optional)",
        required=False,
        queryset=Organisation.objects.none(),
    )
    independent = forms.ChoiceField(
        label="Was the interviewer independent of the child's care?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    not_independent_reason = _text(
        "If not, why not? (optional)",
        help_text="For example, the child asked for their social worker",
    )
    push_factors = _multiple("Push factors: what took the child away", ())
    pull_factors = _multiple("Pull factors: what drew the child somewhere", ())
    where_went = _text("Where did the child go? (optional)")
    with_whom = _text("Who were they with? (optional)")
    travel = _text("How did they travel? (optional)")
    harm_disclosed = _text("Harm disclosed (optional)")
    exploitation_indicators = _multiple(
        "Exploitation indicators",
        (),
        help_text="Select None identified if you asked and found none",
    )
    exploitation_note = _text("What was explored about exploitation")
    childs_words = forms.CharField(
        label="The child's own words (optional)",
        required=False,
        max_length=20000,
        strip=False,
        widget=forms.Textarea,
        help_text="Kept exactly as you write them",
    )
    carers_view = _text("Parents' or carers' view (optional)")
    apps_used = _text("Apps and social media used while missing (optional)")
    devices_used = _text("Phones and devices used while missing (optional)")
    online_contacts = _text("Online contacts while missing (optional)")
    referrals = _multiple("Referrals made", Referral.choices)
    referrals_other = forms.CharField(
        label="Other referral (optional)", required=False, max_length=300
    )
    consent_to_share = forms.ChoiceField(
        label="Did the child consent to sharing?",
        choices=ConsentToShare.choices,
        widget=forms.RadioSelect,
    )
    safeguarding_override = forms.BooleanField(
        label="Share without consent (safeguarding override)", required=False
    )
    override_reason = _text("Reason for the safeguarding override (optional)")
    shared_with = forms.ModelMultipleChoiceField(
        label="Share the summary with",
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    shareable_summary = _text(
        "Summary to share",
        help_text="What the agencies chosen may read. The rest of the record stays confidential",
    )

    def __init__(self, *args, episode, taxonomy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_by_organisation"].queryset = _interviewing_organisations()
        self.fields["shared_with"].queryset = sharing_candidates(episode)
        offer_terms(self, taxonomy=taxonomy)

    def clean_independent(self):
        return self.cleaned_data["independent"] == "yes"


class FactorsForm(VersionedForm, InterviewForm):
    """Correct the factors and indicators of a completed interview (retired terms it holds
    are shown, labelled as retired, and kept unless unticked), on the version the person saw."""

    push_factors = CompleteForm.base_fields["push_factors"]
    pull_factors = CompleteForm.base_fields["pull_factors"]
    exploitation_indicators = CompleteForm.base_fields["exploitation_indicators"]
    exploitation_note = CompleteForm.base_fields["exploitation_note"]

    def __init__(self, *args, interview, taxonomy, version: str = "", **kwargs):
        initial = {name: getattr(interview, name) for name in TERM_FIELDS}
        initial["exploitation_note"] = interview.exploitation_note
        kwargs.setdefault("initial", {**initial, "version": version})
        super().__init__(*args, **kwargs)
        offer_terms(
            self,
            taxonomy=taxonomy,
            held={name: getattr(interview, name) for name in TERM_FIELDS},
        )


class PersonsForm(InterviewForm):
    """Persons of concern named in the interview: known ones, or a new one."""

    persons = forms.ModelMultipleChoiceField(
        label="Persons of concern already known",
        required=False,
        queryset=PersonOfConcern.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the persons you can see are listed",
    )
    new_person_name = forms.CharField(
        label="Or a new person: name (optional)", required=False, max_length=200
    )
    new_person_aliases = forms.CharField(
        label="Other names or nicknames (optional)", required=False, max_length=500
    )
    new_person_kind = forms.ChoiceField(
        label="Adult or peer? (optional)",
        required=False,
        choices=PersonKind.choices,
        widget=forms.RadioSelect,
    )
    new_person_description = _text("Description (optional)")
    note = _text(
        "Note (optional)",
        help_text="Seen by everyone who sees the child's persons of concern: write nothing "
        "from the confidential record",
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons


TERM_KIND_CHOICES = [(k.value, k.label) for k in TermKind]
CODE_HELP = (
    "Stored on interviews and used by reports: it can never be changed. Lower-case letters, "
    "digits and underscores. Leave blank to make one from the label"
)


class TermAddForm(GovukForm):
    required_messages = {
        "kind": "Select whether this is a push factor, a pull factor or an exploitation indicator",
        "label": "Enter the label shown on the interview form",
    }
    kind = forms.ChoiceField(label="List", choices=TERM_KIND_CHOICES, widget=forms.RadioSelect)
    label = forms.CharField(label="Label", max_length=200)
    hint = forms.CharField(
        label="Hint (optional)",
        required=False,
        max_length=300,
        help_text="Shown under the label on the interview form",
    )
    code = forms.CharField(
        label="Code (optional)", required=False, max_length=40, help_text=CODE_HELP
    )


class TermChangeForm(GovukForm):
    required_messages = {"label": "Enter the label shown on the interview form"}
    label = TermAddForm.base_fields["label"]
    hint = TermAddForm.base_fields["hint"]

    def __init__(self, *args, term: InterviewTerm, **kwargs):
        kwargs.setdefault("initial", {"label": term.label, "hint": term.hint})
        super().__init__(*args, **kwargs)
