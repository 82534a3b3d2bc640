"""Police times are the authority (issue 13): the download's and the API's last-seen, reported
and found times replace the ones recorded by hand; each replaced time is kept in the episode's
history, and one that moved by more than an hour puts the episode on the CMO's screening list."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.daily_screening.choices import NotificationKind
from homesafe.daily_screening.queries import screening_default_range, screening_list_for_user
from homesafe.daily_screening.services import screening_decision_record
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import OVERLAPS_EARLIER, episode_record_return, episode_report
from homesafe.intake.choices import EventOutcome, NotificationSource
from homesafe.intake.imports import police_download_import
from homesafe.intake.models import PoliceEvent, PoliceTimeCorrection
from homesafe.intake.services import police_event_receive
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, parse_report, row_for

API = ClientActor("api:FA:test")


def _local(moment: dt.datetime) -> str:
    """A time as a police download writes it (dd/mm/yyyy HH:MM, Europe/London)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


@pytest.fixture
def child(world):
    return ChildFactory(
        responsible_la=world.orgs["la_a"],
        allocated_social_worker=world.users["sw_1"],
        first_name="Imogen",
        last_name="Ravenscroft",
        date_of_birth=dt.date(2011, 5, 17),
    )


def _by_hand(world, child, *, last_seen_at, reported_at):
    """An episode the CMO recorded from a phone call, with no police reference yet."""
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=last_seen_at,
        reported_at=reported_at,
        reported_by="foster_carer",
        risk="medium",
    )


def _download(world, rows, actor=None):
    return police_download_import(
        content=csv_bytes(rows), force=world.orgs["force_a"], actor=actor or world.users["cmo_a"]
    )


def _on_screening_list(world, episode) -> list:
    screening = screening_list_for_user(
        user=world.users["cmo_a"], range=screening_default_range(timezone.now())
    )
    return [
        n
        for n in screening.notifications
        if n.episode.pk == episode.pk and n.kind == NotificationKind.TIME_CORRECTED
    ]


def test_the_police_download_corrects_a_hand_entered_last_seen_time(world, child, client):
    """The acceptance test: the time changes, the old one is in the history, and the episode is
    on the screening list."""
    now = _minute(timezone.now())
    hand_last_seen = now - dt.timedelta(hours=20)
    reported = now - dt.timedelta(hours=19)
    episode = _by_hand(world, child, last_seen_at=hand_last_seen, reported_at=reported)
    police_last_seen = now - dt.timedelta(hours=23)  # three hours earlier than we were told

    result = _download(
        world,
        [
            row_for(
                child,
                "FA/2026/77",
                last_seen_at=_local(police_last_seen),
                reported_at=_local(reported),
            )
        ],
    )
    assert result.counts["updated"] == 1, result.report_csv()

    # The time changes: the police's wins.
    episode.refresh_from_db()
    assert episode.police_reference == "FA/2026/77"
    assert episode.last_seen_at == police_last_seen
    assert episode.reported_at == reported  # the same in both: unchanged, no history
    # The old one is in the episode's history, and the change is audited.
    correction = PoliceTimeCorrection.objects.get(episode=episode)
    assert (correction.time, correction.before, correction.after) == (
        "last_seen_at",
        hand_last_seen,
        police_last_seen,
    )
    assert correction.source == NotificationSource.DOWNLOAD and correction.to_screen
    fmt = "%d/%m/%Y %H:%M"
    assert correction.sentence == (
        f"Last seen changed from {timezone.localtime(hand_last_seen):{fmt}} "
        f"to {timezone.localtime(police_last_seen):{fmt}} by the police download"
    )
    entry = AuditEntry.objects.get(
        verb=AuditVerb.EPISODE_POLICE_TIMES_APPLIED, target_id=str(episode.pk)
    )
    assert entry.child_id == child.pk
    assert entry.payload == {"times": ["last_seen_at"], "source": "download", "to_screen": True}
    # The episode is on the screening list, saying what changed.
    assert len(_on_screening_list(world, episode)) == 1
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("daily_screening:list")).content.decode()
    card = page.split(f'id="n{episode.pk}-time_corrected"', 1)[1].split('govuk-summary-card"', 1)[0]
    assert correction.sentence in card and "To screen" in card
    # The CMO looks, and records it from the list.
    prefix = f"n{episode.pk}-time_corrected"
    response = client.post(
        reverse("daily_screening:decide"),
        {
            "episode": episode.pk,
            "notification": "time_corrected",
            f"{prefix}-decision": "no_further_action",
            f"{prefix}-note": "Carer confirmed the earlier time",
        },
    )
    assert response.status_code == 302
    assert _on_screening_list(world, episode)[0].screened


def test_a_correction_stays_on_the_list_until_screened_and_a_new_one_comes_back(world, child):
    now = _minute(timezone.now())
    reported = now - dt.timedelta(hours=19)
    episode = _by_hand(
        world, child, last_seen_at=now - dt.timedelta(hours=20), reported_at=reported
    )
    row = row_for(
        child,
        "FA-9",
        last_seen_at=_local(now - dt.timedelta(hours=23)),
        reported_at=_local(reported),
    )
    _download(world, [row])
    # Three days on, outside the default range: still there, because nobody has looked.
    with time_machine.travel(now + dt.timedelta(days=3), tick=False):
        assert len(_on_screening_list(world, episode)) == 1
        screening_decision_record(
            episode=episode,
            decision="no_further_action",
            note="Carer gave the time they noticed",
            actor=world.users["cmo_a"],
            notification=NotificationKind.TIME_CORRECTED,
        )
        assert _on_screening_list(world, episode) == []
    # The next day the police change it again, by more than an hour: back on the list.
    with time_machine.travel(now + dt.timedelta(days=4), tick=False):
        _download(world, [{**row, "last_seen_at": _local(now - dt.timedelta(hours=21))}])
        [again] = _on_screening_list(world, episode)
        assert not again.screened and again.decision is not None  # the old decision is shown


def test_a_small_difference_is_applied_and_kept_but_not_screened(world, child):
    now = _minute(timezone.now())
    reported = now - dt.timedelta(hours=19)
    episode = _by_hand(
        world, child, last_seen_at=now - dt.timedelta(hours=20), reported_at=reported
    )
    police = now - dt.timedelta(hours=20, minutes=40)
    _download(
        world, [row_for(child, "FA-3", last_seen_at=_local(police), reported_at=_local(reported))]
    )
    episode.refresh_from_db()
    assert episode.last_seen_at == police
    correction = PoliceTimeCorrection.objects.get(episode=episode)
    assert not correction.to_screen
    assert _on_screening_list(world, episode) == []


def test_a_download_without_a_last_seen_time_keeps_ours(world, child):
    now = _minute(timezone.now())
    hand = now - dt.timedelta(hours=20)
    reported = now - dt.timedelta(hours=19)
    episode = _by_hand(world, child, last_seen_at=hand, reported_at=reported)
    _download(world, [row_for(child, "FA-4", last_seen_at="", reported_at=_local(reported))])
    episode.refresh_from_db()
    assert episode.police_reference == "FA-4" and episode.last_seen_at == hand
    assert not PoliceTimeCorrection.objects.filter(episode=episode).exists()


def test_the_police_reported_and_found_times_win_over_a_return_recorded_by_hand(world, child):
    now = _minute(timezone.now())
    reported = now - dt.timedelta(hours=19)
    last_seen = now - dt.timedelta(hours=20)
    episode = _by_hand(world, child, last_seen_at=last_seen, reported_at=reported)
    episode_record_return(
        episode=episode,
        returned_at=now - dt.timedelta(hours=2),
        found_by="carer",
        actor=world.users["cmo_a"],
    )
    police_found = now - dt.timedelta(hours=6)
    police_reported = now - dt.timedelta(hours=18)
    # Not yet known to the police by reference: an open episode is adopted, a returned one is
    # not. So link it first, as the police API's first event would.
    MissingEpisode.objects.filter(pk=episode.pk).update(
        police_force=world.orgs["force_a"], police_reference="FA-5"
    )
    result = _download(
        world,
        [
            row_for(
                child,
                "FA-5",
                last_seen_at=_local(last_seen),
                reported_at=_local(police_reported),
                found_at=_local(police_found),
                found_by="police",
            )
        ],
    )
    assert result.counts["updated"] == 1, result.report_csv()
    episode.refresh_from_db()
    assert (episode.reported_at, episode.returned_at) == (police_reported, police_found)
    corrections = {c.time: c for c in PoliceTimeCorrection.objects.filter(episode=episode)}
    assert set(corrections) == {"reported_at", "returned_at"}
    assert not corrections["reported_at"].to_screen  # an hour exactly is not more than an hour
    assert corrections["returned_at"].to_screen
    assert corrections["returned_at"].sentence.startswith("Found or returned changed from")


def test_an_api_found_event_corrects_a_return_recorded_by_hand(world, child):
    now = _minute(timezone.now())
    episode = _by_hand(
        world,
        child,
        last_seen_at=now - dt.timedelta(hours=20),
        reported_at=now - dt.timedelta(hours=19),
    )
    MissingEpisode.objects.filter(pk=episode.pk).update(
        police_force=world.orgs["force_a"], police_reference="FA-6"
    )
    episode_record_return(
        episode=episode,
        returned_at=now - dt.timedelta(hours=1),
        found_by="self",
        actor=world.users["cmo_a"],
    )
    found = now - dt.timedelta(hours=4)
    received = police_event_receive(
        force=world.orgs["force_a"],
        event_type="found",
        police_reference="FA-6",
        event_id="f1",
        occurred_at=found,
        payload={"found_by": "police"},
        actor=API,
    )
    assert received.event.outcome == EventOutcome.APPLIED
    episode.refresh_from_db()
    assert episode.returned_at == found
    correction = PoliceTimeCorrection.objects.get(episode=episode)
    assert correction.source == NotificationSource.API and correction.to_screen
    assert correction.sentence.endswith("by the police API")
    assert len(_on_screening_list(world, episode)) == 1


def test_an_api_report_without_a_last_seen_time_does_not_replace_ours(world, child, client):
    from homesafe.intake.models import PoliceApiKey

    now = _minute(timezone.now())
    hand = now - dt.timedelta(hours=20)
    reported = now - dt.timedelta(hours=19)
    episode = _by_hand(world, child, last_seen_at=hand, reported_at=reported)
    _, key = PoliceApiKey.objects.create_key(name="FA", organisation=world.orgs["force_a"])
    response = client.post(
        reverse("api:event_missing_reported"),
        {
            "force": "FA",
            "police_reference": "FA-7",
            "event_id": "m1",
            "occurred_at": reported.isoformat(),
            "forename": child.first_name,
            "surname": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "risk": "medium",
        },
        content_type="application/json",
        headers={"Authorization": f"Api-Key {key}"},
    )
    assert response.status_code == 201, response.json()
    assert "last_seen_at" not in PoliceEvent.objects.get(event_id="m1").payload
    episode.refresh_from_db()
    assert episode.police_reference == "FA-7" and episode.last_seen_at == hand
    assert not PoliceTimeCorrection.objects.filter(episode=episode).exists()


def test_police_times_that_overlap_an_earlier_episode_reject_the_row_and_change_nothing(
    world, child
):
    now = _minute(timezone.now())
    earlier = _by_hand(
        world,
        child,
        last_seen_at=now - dt.timedelta(days=2),
        reported_at=now - dt.timedelta(days=2) + dt.timedelta(hours=1),
    )
    episode_record_return(
        episode=earlier,
        returned_at=now - dt.timedelta(hours=30),
        found_by="self",
        actor=world.users["cmo_a"],
    )
    hand = now - dt.timedelta(hours=20)
    reported = now - dt.timedelta(hours=19)
    episode = _by_hand(world, child, last_seen_at=hand, reported_at=reported)
    result = _download(
        world,
        [
            row_for(
                child,
                "FA-8",
                last_seen_at=_local(now - dt.timedelta(hours=40)),  # inside the earlier episode
                reported_at=_local(reported),
            )
        ],
    )
    [line] = parse_report(result.report_csv())
    assert (line["outcome"], line["field"]) == ("rejected", "last_seen_at")
    assert line["reason"].startswith(OVERLAPS_EARLIER.split("{")[0])
    episode.refresh_from_db()
    assert episode.last_seen_at == hand and episode.police_reference == ""
    assert not PoliceTimeCorrection.objects.exists()
