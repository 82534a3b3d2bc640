"""factory_boy factories for test set-up (services are what the tests exercise)."""

import datetime as dt

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation, Team, User, UserRole
from homesafe.episodes.choices import EpisodeStatus, EpisodeType, ReportedBy, RiskGrade
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.people.choices import NetworkRole, PlacementType
from homesafe.people.models import Child, NetworkMember, Placement

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    type = OrganisationType.LOCAL_AUTHORITY
    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"Organisation {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    service = "Children in Care"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with roles and (unless mfa=False) a TOTP authenticator, as every real user has."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            UserRole.objects.create(user=self, role=role)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if extracted is False:
            return
        self.totp_secret = generate_totp_secret()
        TOTP.activate(self, self.totp_secret)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: f"Kid{n}")
    last_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(2011, 5, 4)
    responsible_la = factory.SubFactory(OrganisationFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    placement_type = PlacementType.FOSTER
    placing_la = factory.SelfAttribute("child.responsible_la")
    host_la = factory.SelfAttribute("placing_la")
    started_on = dt.date(2025, 1, 1)


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    child = factory.SubFactory(ChildFactory)
    organisation = factory.SubFactory(OrganisationFactory, type=OrganisationType.HEALTH)
    role = NetworkRole.HEALTH


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissingEpisode
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    episode_type = EpisodeType.MISSING
    status = EpisodeStatus.MISSING
    last_seen_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=6))
    reported_at = factory.LazyAttribute(lambda o: o.last_seen_at + dt.timedelta(hours=1))
    reported_by = ReportedBy.FOSTER_CARER

    @factory.post_generation
    def risk(self, create, extracted, **kwargs):
        RiskGrading.objects.create(
            episode=self, grade=extracted or RiskGrade.MEDIUM, graded_at=self.reported_at
        )


# --- the casework apps: rows as the services leave them, for set-up that needs many or odd ones.
# A test of a rule goes through the service; these are for the records a test stands on.


class ChildAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.ChildAlias"

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"Alias{n}")


class CarePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.CarePeriod"

    child = factory.SubFactory(ChildFactory)
    legal_status = "care_order"
    placing_la = factory.SelfAttribute("child.responsible_la")
    started_on = dt.date(2024, 6, 1)


class InvitationFactory(factory.django.DjangoModelFactory):
    """administration: an invitation waiting for its user (the token itself is not kept)."""

    class Meta:
        model = "administration.Invitation"

    user = factory.SubFactory(UserFactory, mfa=False)
    invited_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..user.organisation")
    )
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class PersonOfConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "concerns.PersonOfConcern"

    name = factory.Sequence(lambda n: f"Person of concern {n}")
    approximate_age = 30


class PersonLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "concerns.PersonLink"

    person = factory.SubFactory(PersonOfConcernFactory)
    child = factory.SubFactory(ChildFactory)
    kind = "associate"


class DisruptionActionFactory(factory.django.DjangoModelFactory):
    """A child abduction warning notice against a person of concern."""

    class Meta:
        model = "concerns.DisruptionAction"

    child = factory.SubFactory(ChildFactory)
    kind = "cawn"
    person = factory.SubFactory(PersonOfConcernFactory)
    taken_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    agency = factory.SubFactory(OrganisationFactory, type=OrganisationType.POLICE)


class LegalActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "concerns.LegalAction"

    child = factory.SubFactory(ChildFactory)
    kind = "recovery_order"
    applied_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=2))


class ScreeningDecisionFactory(factory.django.DjangoModelFactory):
    """daily_screening: the daily screening's decision on an episode's notification."""

    class Meta:
        model = "daily_screening.ScreeningDecision"

    episode = factory.SubFactory(EpisodeFactory)
    notification = "missing"
    decision = "no_further_action"
    decided_by = factory.SubFactory(UserFactory)


class DutyFactory(factory.django.DjangoModelFactory):
    """duties: an open duty as the planner leaves it (the planner's own tests plan them)."""

    class Meta:
        model = "duties.Duty"

    episode = factory.SubFactory(EpisodeFactory)
    child = factory.SelfAttribute("episode.child")
    kind = "notify_social_worker"
    due_at = factory.LazyAttribute(lambda o: o.episode.reported_at + dt.timedelta(hours=24))
    owner_role = "missing_coordinator"
    owner_organisation = factory.SelfAttribute("child.responsible_la")
    rule = "notify_social_worker"
    reason = "The child was reported missing."
    protocol_version = "test"


class ForceMappingFactory(factory.django.DjangoModelFactory):
    """intake: a police force's column mapping for its downloads (the defaults)."""

    class Meta:
        model = "intake.ForceMapping"

    organisation = factory.SubFactory(OrganisationFactory, type=OrganisationType.POLICE)


class ReturnInterviewFactory(factory.django.DjangoModelFactory):
    """interviews: an interview offered after an episode (status: offered)."""

    class Meta:
        model = "interviews.ReturnInterview"

    episode = factory.SubFactory(EpisodeFactory)
    child = factory.SelfAttribute("episode.child")
    offered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=3))
    offered_by_organisation = factory.SubFactory(
        OrganisationFactory, type=OrganisationType.RHI_SERVICE
    )
    offered_by_name = "Robin Worker"
    offer_method = "phone"


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interviews.ContactAttempt"

    interview = factory.SubFactory(ReturnInterviewFactory)
    attempted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    method = "phone"
    outcome = "message_left"


class RhiRouteFactory(factory.django.DjangoModelFactory):
    """interviews: a local authority's rule sending return interviews to a service."""

    class Meta:
        model = "interviews.RhiRoute"

    local_authority = factory.SubFactory(OrganisationFactory)
    order = factory.Sequence(lambda n: n + 1)
    provider_kind = "service"
    provider = factory.SubFactory(OrganisationFactory, type=OrganisationType.RHI_SERVICE)


class MeetingFactory(factory.django.DjangoModelFactory):
    """meetings: a strategy meeting planned for the day after tomorrow."""

    class Meta:
        model = "meetings.Meeting"

    kind = "strategy"
    local_authority = factory.SubFactory(OrganisationFactory)
    chair_name = "Sam Chair"
    planned_for = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))


class MeetingChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.MeetingChild"

    meeting = factory.SubFactory(MeetingFactory)
    child = factory.SubFactory(
        ChildFactory, responsible_la=factory.SelfAttribute("..meeting.local_authority")
    )


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.MeetingAction"

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner_organisation = factory.SelfAttribute("meeting.local_authority")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class ProfileVersionFactory(factory.django.DjangoModelFactory):
    """profiles: a pre-incident profile's first version, without a photo."""

    class Meta:
        model = "profiles.ProfileVersion"

    child = factory.SubFactory(ChildFactory)
    number = 1
    provided_by = "Sam Carer (foster carer)"
    height = "163 cm"
    hair = "Brown"


class ReminderPreferenceFactory(factory.django.DjangoModelFactory):
    """reminders: a person's digest preference (the model's defaults)."""

    class Meta:
        model = "reminders.ReminderPreference"

    user = factory.SubFactory(UserFactory)


def _seraf():
    from homesafe.protocol.screening import SERAF

    return SERAF


class ExploitationScreeningFactory(factory.django.DjangoModelFactory):
    """screening: a completed SERAF screening, low band, review in three months."""

    class Meta:
        model = "screening.ExploitationScreening"

    child = factory.SubFactory(ChildFactory)
    tool = "seraf"
    tool_version = "1"
    answers = factory.LazyFunction(
        lambda: {indicator.code: "no" for indicator in _seraf().indicators}
    )
    band = factory.LazyAttribute(lambda o: _seraf().bands[0].code)  # every answer "no"
    completed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    completed_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..child.responsible_la")
    )
    completed_by_organisation = factory.SelfAttribute("completed_by.organisation")
    review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))


class SafetyPlanVersionFactory(factory.django.DjangoModelFactory):
    """safety_plans: a plan's first version, the risk judged by the professional."""

    class Meta:
        model = "safety_plans.SafetyPlanVersion"

    child = factory.SubFactory(ChildFactory)
    number = 1
    method = "judgement"
    risk_level = "medium"
    reasons = "Missing three times this month, each time overnight."
    risks = "Older associates at the bus station."
    who_does_what = "The carer calls the police after one hour; the social worker visits weekly."


class LocateActionFactory(factory.django.DjangoModelFactory):
    """locate: an open action of the search for a missing child."""

    class Meta:
        model = "locate.LocateAction"

    episode = factory.SubFactory(EpisodeFactory)
    child = factory.SelfAttribute("episode.child")
    kind = "place_to_check"
    description = "Check the bus station"
    owner_organisation = factory.SelfAttribute("child.responsible_la")


class SightingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "locate.Sighting"

    episode = factory.SubFactory(EpisodeFactory)
    child = factory.SelfAttribute("episode.child")
    seen_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    source = "school"


class ReportPackFactory(factory.django.DjangoModelFactory):
    """insight: a quarterly pack waiting for the worker to build it."""

    class Meta:
        model = "insight.ReportPack"

    kind = "quarterly"
    first_day = dt.date(2026, 7, 1)
    last_day = dt.date(2026, 9, 30)
    requested_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("requested_by.organisation")
