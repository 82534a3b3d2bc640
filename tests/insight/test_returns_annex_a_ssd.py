"""Ofsted's Annex A List 8 and the Standard Safeguarding Dataset's ssd_missing, exported from
HomeSafe's record (homesafe/insight/annex_a.py, ssd.py) by their commands."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.episodes.choices import EpisodeStatus, EpisodeType
from homesafe.insight.annex_a import LIST_8_COLUMNS, months_before
from homesafe.insight.returns import LA_UNKNOWN
from homesafe.insight.ssd import SSD_MISSING_COLUMNS
from homesafe.interviews.models import ReturnInterview
from homesafe.people.choices import Ethnicity, LegalStatus, PlacementType, Sex
from homesafe.people.models import CarePeriod
from tests.factories import ChildFactory, EpisodeFactory, OrganisationFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def at(y, m, d, hour=20):
    return datetime(y, m, d, hour, 0, tzinfo=UTC)


def episode(child, seen, back=None, kind=EpisodeType.MISSING):
    status = EpisodeStatus.RETURNED if back else EpisodeStatus.MISSING
    return EpisodeFactory(
        child=child, episode_type=kind, status=status, last_seen_at=seen, returned_at=back
    )


def interview(ep, status, **moments):
    return ReturnInterview.objects.create(
        episode=ep,
        child=ep.child,
        status=status,
        offered_at=ep.returned_at,
        offered_by_organisation=ep.child.responsible_la,
        offered_by_name="A worker",
        offer_method="phone",
        **moments,
    )


@pytest.fixture
def record():
    """A child in care since January 2024, placed with foster carers in a neighbouring
    council's area since September 2025, with four episodes and two interviews."""
    la = OrganisationFactory(code="891", name="Sherwood Vale")
    host = OrganisationFactory(code="892", name="Trentmoor")
    child = ChildFactory(
        responsible_la=la,
        la_child_id="C1001",
        date_of_birth=date(2010, 6, 1),
        sex=Sex.MALE,
        ethnicity=Ethnicity.MWBC,
    )
    CarePeriod.objects.create(
        child=child, legal_status=LegalStatus.S20, placing_la=la, started_on=date(2024, 1, 10)
    )
    PlacementFactory(
        child=child,
        placement_type=PlacementType.RESIDENTIAL,
        started_on=date(2024, 1, 10),
        ended_on=date(2025, 8, 31),
    )
    PlacementFactory(
        child=child,
        placement_type=PlacementType.FOSTER,
        host_la=host,
        started_on=date(2025, 9, 1),
        postcode="NG5 1AA",
    )
    old = episode(child, at(2025, 1, 3), at(2025, 1, 4))  # more than 12 months before
    first = episode(child, at(2026, 5, 1), at(2026, 5, 2))
    interview(first, "completed", held_at=at(2026, 5, 3))
    episode(child, at(2026, 6, 1), at(2026, 6, 1, 23), kind=EpisodeType.AWAY)
    last = episode(child, at(2026, 8, 1), at(2026, 8, 2))
    interview(last, "declined", declined_at=at(2026, 8, 3), decline_reason="Did not want to")
    return la, child, old, first, last


def rows(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_list_8_gives_the_child_in_care_with_their_missing_and_away_episodes(record, tmp_path):
    la, child, *_ = record
    out = io.StringIO()
    path = tmp_path / "list8.csv"

    call_command(
        "export_annex_a", "--la", "891", "--on", "2026-11-20", "--out", str(path), stdout=out
    )

    assert rows(path) == [
        LIST_8_COLUMNS,
        [
            "C1001",
            "a) Male",
            "f) MWBC",
            "01/06/2010",
            "16",
            "10/01/2024",
            "V2",
            "",
            "01/09/2025",
            "U6",
            "NG5 1AA",
            "b) Out",
            "Trentmoor",
            "2",  # missing in the 12 months (not the one in January 2025)
            "1",  # away
            "a) Yes",  # after the last missing episode, in August: offered
            "b) No",  # and declined
        ],
    ]
    entry = AuditEntry.objects.get(verb=AuditVerb.RETURN_EXPORTED)
    assert entry.payload["return"] == "annex_a_list8" and entry.payload["children"] == [child.pk]


def test_list_8_keeps_children_who_left_care_in_the_six_months_before(record, tmp_path):
    la, child, *_ = record
    CarePeriod.objects.filter(child=child).update(ended_on=date(2026, 4, 30))
    path = tmp_path / "list8.csv"

    call_command(
        "export_annex_a",
        "--la",
        "891",
        "--on",
        "2026-10-20",
        "--out",
        str(path),
        stdout=io.StringIO(),
    )
    assert rows(path)[1][7] == "30/04/2026"
    assert rows(path)[1][13:15] == ["0", "0"]  # not looked after when they went missing

    call_command(
        "export_annex_a",
        "--la",
        "891",
        "--on",
        "2026-11-20",
        "--out",
        str(path),
        stdout=io.StringIO(),
    )
    assert rows(path) == [LIST_8_COLUMNS]  # left more than six months before


def test_ssd_missing_lists_every_episode_of_the_period_with_the_interview(record, tmp_path):
    la, child, old, first, last = record
    still = episode(child, at(2026, 11, 1))
    path = tmp_path / "ssd_missing.csv"

    call_command(
        "export_ssd_missing",
        "--la",
        "891",
        "--from",
        "2025-04-01",
        "--to",
        "2026-11-23",
        "--out",
        str(path),
        stdout=io.StringIO(),
    )

    table = rows(path)
    assert table[0] == SSD_MISSING_COLUMNS
    assert [row[0] for row in table[1:]] == [
        str(first.pk),
        str(first.pk + 1),
        str(last.pk),
        str(still.pk),
    ]
    assert table[1] == [
        str(first.pk),
        "C1001",
        "2026-05-01 21:00:00",
        "M",
        "2026-05-02 21:00:00",
        "Y",
        "Y",
    ]
    assert table[2][3:] == ["A", "2026-06-02 00:00:00", "N", "NA"]  # London time: after midnight
    assert table[3][5:] == ["Y", "N"]
    assert table[4][4:] == ["", "NA", "NA"]  # still missing
    assert str(old.pk) not in [row[0] for row in table]


def test_an_unknown_authority_is_said(record, tmp_path):
    with pytest.raises(CommandError, match=LA_UNKNOWN.format(code="999")):
        call_command("export_annex_a", "--la", "999", "--out", str(tmp_path / "x.csv"))


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(date(2026, 11, 20), 6) == date(2026, 5, 20)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 12) == date(2025, 3, 15)
