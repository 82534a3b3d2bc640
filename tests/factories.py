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
