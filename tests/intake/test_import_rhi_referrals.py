"""A police download refers children found in it as a return recorded by hand does
(homesafe.interviews.services_routes.rhi_referrals_on_return): both the bulk path (a new
episode found in the same row) and the services' path (an open episode found later)."""

import datetime as dt

from homesafe.access.audit import ClientActor
from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.duties.models import Duty
from homesafe.duties.tasks import replan_children
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.imports import police_download_import
from homesafe.interviews.choices import RouteProvider
from homesafe.interviews.services_routes import rhi_route_create
from homesafe.people.choices import NetworkRole
from homesafe.people.models import NetworkMember
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, row_for

ACTOR = ClientActor("test import")
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_children_found_in_a_download_are_referred_on_either_path(world):
    la = world.orgs["la_a"]
    rhi_route_create(
        local_authority=la,
        order=10,
        provider_kind=RouteProvider.SERVICE,
        provider=world.orgs["rhi"],
        actor=world.users["admin"],
    )
    found_at_once, found_later, still_missing = (
        ChildFactory(
            responsible_la=la,
            first_name=f"Route{i}",
            last_name=f"Downloadname{i}",
            date_of_birth=dt.date(2011, 2, 1) + dt.timedelta(days=60 * i),
        )
        for i in range(3)
    )
    rows = [
        row_for(found_at_once, "F-1", found_at="02/03/2026 08:15", found_by="police"),
        row_for(found_later, "F-2"),
        row_for(still_missing, "F-3"),
        row_for(found_later, "F-2", found_at="02/03/2026 09:00", found_by="self"),
    ]
    result = police_download_import(
        content=csv_bytes(rows), force=world.orgs["force_a"], actor=ACTOR, now=NOW, chunk_size=3
    )
    assert result.counts["created"] == 3 and result.counts["updated"] == 1, result.report_csv()

    referred = NetworkMember.objects.filter(
        role=NetworkRole.RHI_REFERRAL, organisation=world.orgs["rhi"]
    )
    ours = referred.filter(child__in=[found_at_once, found_later, still_missing])
    assert set(ours.values_list("child_id", flat=True)) == {found_at_once.pk, found_later.pk}
    entries = AuditEntry.objects.filter(verb=AuditVerb.RHI_REFERRAL_MADE)
    assert {e.child_id for e in entries} == {found_at_once.pk, found_later.pk}
    assert {e.actor_label for e in entries} == {"test import"}
    episode = MissingEpisode.objects.get(police_reference="F-1")
    assert {e.payload["episode_id"] for e in entries if e.child_id == found_at_once.pk} == {
        episode.pk
    }

    replan_children.call(child_ids=[found_at_once.pk, found_later.pk])  # what the worker runs
    offers = Duty.objects.filter(child__in=[found_at_once, found_later], kind="rhi_offer")
    assert offers.count() == 2
    assert {(d.owner_organisation_id, d.needs_owner) for d in offers} == {
        (world.orgs["rhi"].pk, "")
    }
