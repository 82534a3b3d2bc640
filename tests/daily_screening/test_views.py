"""The daily screening pages: who may see them, which notifications they list (new and found,
since the last working day began or in a range asked for), the counts, the decision form
without JavaScript, the CSV, a fixed number of queries, and reads logged."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.daily_screening.exports import CSV_COLUMNS
from homesafe.daily_screening.forms import DATE_INVALID, FROM_AFTER_TO
from homesafe.daily_screening.models import ScreeningDecision
from homesafe.daily_screening.services import NOTE_REQUIRED, screening_decision_record
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.models import PoliceTimeCorrection
from tests.daily_screening.conftest import new_child, report, returned
from tests.factories import ChildFactory, PlacementFactory

LONDON = ZoneInfo("Europe/London")
LIST = "daily_screening:list"


def _page(client, **params) -> str:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return response.content.decode()


def _cards(page: str) -> list[str]:
    return page.split('class="govuk-summary-card"')[1:]


def _card(page: str, episode, kind: str) -> str:
    anchor = f'id="n{episode.pk}-{kind}"'
    cards = [c for c in _cards(page) if anchor in c]
    assert len(cards) == 1, anchor
    return cards[0]


def _count(page: str, key: str) -> int:
    marker = f'data-count="{key}">'
    return int(page.split(marker, 1)[1].split("<", 1)[0])


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_key", "status"),
    [
        ("cmo_a", 200),
        ("sw_1", 403),
        ("tm_1", 403),
        ("sm_cic", 403),
        ("sl_a", 403),
        ("police_a", 403),
        ("rhi", 403),
        ("school_1", 403),
        ("analyst", 403),
        ("auditor", 403),
        ("admin", 403),
    ],
)
def test_screening_is_for_missing_coordinators_only(world, protocol, client, user_key, status):
    episode = report(world, new_child(world))
    client.force_login(world.users[user_key])
    assert client.get(reverse(LIST)).status_code == status
    assert client.get(reverse("daily_screening:csv")).status_code == status
    posted = client.post(
        reverse("daily_screening:decide"),
        {
            "episode": episode.pk,
            "notification": "missing",
            f"n{episode.pk}-missing-decision": "no_further_action",
        },
    )
    assert posted.status_code == (302 if status == 200 else 403)
    assert ScreeningDecision.objects.exists() == (status == 200)


def test_the_old_address_leads_to_the_list_with_its_range(world, client):
    client.force_login(world.users["cmo_a"])
    response = client.get(reverse("duties:screening"), {"from": "2026-11-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse(LIST) + "?from=2026-11-01"


def test_a_coordinator_sees_only_children_they_may_see_and_cannot_decide_on_others(
    world, protocol, client
):
    theirs = report(world, ChildFactory(responsible_la=world.orgs["la_b"]))
    client.force_login(world.users["cmo_a"])
    page = _page(client)
    assert reverse("episodes:detail", args=[theirs.pk]) not in page
    posted = client.post(
        reverse("daily_screening:decide"),
        {
            "episode": theirs.pk,
            "notification": "missing",
            f"n{theirs.pk}-missing-decision": "no_further_action",
        },
    )
    assert posted.status_code == 404
    assert not ScreeningDecision.objects.exists()


# --- What is listed -------------------------------------------------------------------------


def test_new_reports_since_yesterday_not_last_week_with_what_they_set_off(world, protocol, client):
    now = timezone.now()
    yesterday = report(world, new_child(world), reported_at=now - dt.timedelta(days=1))
    last_week = report(world, new_child(world), reported_at=now - dt.timedelta(days=8))
    client.force_login(world.users["cmo_a"])
    page = _page(client)
    card = _card(page, yesterday, "missing")
    assert reverse("episodes:detail", args=[last_week.pk]) not in page
    assert "Missing now" in card and "Medium" in card
    for duty in Duty.objects.filter(episode=yesterday):
        assert reverse("duties:detail", args=[duty.pk]) in card
    assert "Tell the allocated social worker" in card


def test_found_notifications_are_listed_and_an_episode_can_give_both(world, protocol, client):
    now = timezone.now()
    # Reported last week, found yesterday: a found notification only.
    long_ago = report(world, new_child(world), reported_at=now - dt.timedelta(days=8))
    returned(world, long_ago, at=now - dt.timedelta(days=1))
    # Reported and found since yesterday: both.
    both = report(world, new_child(world), reported_at=now - dt.timedelta(hours=20))
    returned(world, both, at=now - dt.timedelta(hours=3))
    client.force_login(world.users["cmo_a"])
    page = _page(client)
    found = _card(page, long_ago, "found")
    assert "Found or returned" in found and "Returned " in found and "Missing now" not in found
    assert f'id="n{long_ago.pk}-missing"' not in page
    _card(page, both, "missing")
    _card(page, both, "found")
    assert page.index(f'id="n{both.pk}-found"') < page.index(f'id="n{both.pk}-missing"')


def test_screening_on_a_monday_goes_back_to_friday(world, client):
    monday = dt.datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
    with time_machine.travel(monday, tick=False):
        protocol_current()
        ProtocolVersion.objects.update(duties_from=monday - dt.timedelta(days=30))
        at = {
            "friday_early": dt.datetime(2026, 12, 4, 0, 30, tzinfo=LONDON),
            "sunday": dt.datetime(2026, 12, 6, 15, 0, tzinfo=LONDON),
            "thursday_late": dt.datetime(2026, 12, 3, 23, 30, tzinfo=LONDON),
        }
        episodes = {k: report(world, new_child(world), reported_at=v) for k, v in at.items()}
        client.force_login(world.users["cmo_a"])
        page = _page(client)
    shown = {k for k, e in episodes.items() if reverse("episodes:detail", args=[e.pk]) in page}
    assert shown == {"friday_early", "sunday"}
    assert page.index(f"/episodes/{episodes['sunday'].pk}/") < page.index(
        f"/episodes/{episodes['friday_early'].pk}/"
    )  # newest first


def test_a_date_range_on_request(world, protocol, client):
    now = timezone.now()
    last_week = report(world, new_child(world), reported_at=now - dt.timedelta(days=8))
    today = report(world, new_child(world), reported_at=now - dt.timedelta(hours=1))
    day = timezone.localdate(last_week.reported_at)
    client.force_login(world.users["cmo_a"])
    page = _page(client, **{"from": day.isoformat(), "to": day.isoformat()})
    _card(page, last_week, "missing")
    assert f'id="n{today.pk}-missing"' not in page
    # Only a start: to today.
    page = _page(client, **{"from": day.isoformat()})
    _card(page, last_week, "missing")
    _card(page, today, "missing")
    # Only an end, before the default start: that day alone.
    page = _page(client, to=day.isoformat())
    _card(page, last_week, "missing")
    assert f'id="n{today.pk}-missing"' not in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "23/11/2026"}, "from", DATE_INVALID.format(name="'from'")),
        ({"to": "yesterday"}, "to", DATE_INVALID.format(name="'to'")),
        ({"from": "2026-11-20", "to": "2026-11-10"}, "from", FROM_AFTER_TO),
    ],
)
def test_a_bad_range_is_a_govuk_error_naming_the_field(
    world, protocol, client, params, field, message
):
    client.force_login(world.users["cmo_a"])
    response = client.get(reverse(LIST), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert str(message).replace("'", "&#39;") in page or str(message) in page
    csv_response = client.get(reverse("daily_screening:csv"), params)
    assert csv_response.status_code == 400 and "text/html" in csv_response["Content-Type"]


KEYS = ("new", "found", "time_corrected", "screened", "to_screen")


def test_counts_at_the_top(world, protocol, client):
    client.force_login(world.users["cmo_a"])
    page = _page(client)  # the world's own episodes, reported as it was built
    before = {k: _count(page, k) for k in KEYS}
    now = timezone.now()
    a = report(world, new_child(world), reported_at=now - dt.timedelta(hours=20))
    b = report(world, new_child(world), reported_at=now - dt.timedelta(hours=5))
    returned(world, b, at=now - dt.timedelta(hours=1))
    old = report(world, new_child(world), reported_at=now - dt.timedelta(days=9))
    returned(world, old, at=now - dt.timedelta(hours=2))
    screening_decision_record(episode=a, decision="no_further_action", actor=world.users["cmo_a"])
    screening_decision_record(
        episode=old, decision="mace_referral", actor=world.users["cmo_a"], notification="found"
    )
    page = _page(client)
    counts = {k: _count(page, k) for k in KEYS}
    assert counts == {
        "new": before["new"] + 2,
        "found": before["found"] + 2,
        "time_corrected": before["time_corrected"],
        "screened": before["screened"] + 2,
        "to_screen": before["to_screen"] + 2,
    }
    assert counts["new"] + counts["found"] + counts["time_corrected"] == (
        counts["screened"] + counts["to_screen"]
    )
    assert len(_cards(page)) == counts["screened"] + counts["to_screen"]


# --- Deciding, without JavaScript --------------------------------------------------------


def test_each_row_records_a_decision_and_shows_who_and_when(world, protocol, client):
    episode = report(world, new_child(world))
    cmo = world.users["cmo_a"]
    client.force_login(cmo)
    page = _page(client)
    card = _card(page, episode, "missing")
    prefix = f"n{episode.pk}-missing"
    assert f'name="{prefix}-decision"' in card and 'value="strategy_discussion"' in card
    assert f'name="{prefix}-note"' in card and "Not screened yet" in card
    response = client.post(
        reverse("daily_screening:decide"),
        {
            "episode": episode.pk,
            "notification": "missing",
            f"{prefix}-decision": "strategy_discussion",
            f"{prefix}-note": "Call the SW",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#{prefix}")
    decision = ScreeningDecision.objects.get()
    assert (decision.decision, decision.note, decision.decided_by) == (
        "strategy_discussion",
        "Call the SW",
        cmo,
    )
    card = _card(client.get(response["Location"]).content.decode(), episode, "missing")
    assert "Strategy discussion" in card and "Call the SW" in card
    assert f"By {cmo}" in card and "Screened" in card


def test_other_without_a_note_is_a_govuk_error_and_writes_nothing(world, protocol, client):
    episode = report(world, new_child(world))
    client.force_login(world.users["cmo_a"])
    prefix = f"n{episode.pk}-missing"
    response = client.post(
        reverse("daily_screening:decide"),
        {"episode": episode.pk, "notification": "missing", f"{prefix}-decision": "other"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_{prefix}-note"' in page
    assert NOTE_REQUIRED.replace("'", "&#39;") in page
    assert not ScreeningDecision.objects.exists()
    # no choice at all
    response = client.post(
        reverse("daily_screening:decide"), {"episode": episode.pk, "notification": "missing"}
    )
    assert f'href="#id_{prefix}-decision"' in response.content.decode()


def test_deciding_keeps_the_range_the_coordinator_was_looking_at(world, protocol, client):
    now = timezone.now()
    episode = report(world, new_child(world), reported_at=now - dt.timedelta(days=8))
    day = timezone.localdate(episode.reported_at).isoformat()
    client.force_login(world.users["cmo_a"])
    prefix = f"n{episode.pk}-missing"
    response = client.post(
        reverse("daily_screening:decide"),
        {
            "episode": episode.pk,
            "notification": "missing",
            "from": day,
            "to": day,
            f"{prefix}-decision": "no_further_action",
        },
    )
    assert response["Location"] == f"{reverse(LIST)}?from={day}&to={day}#{prefix}"


# --- CSV --------------------------------------------------------------------------------


def test_csv_has_the_documented_columns_and_the_same_notifications(world, protocol, client):
    now = timezone.now()
    child = new_child(world, first_name="Ada", last_name="=Lovelace", la_child_id="LA-7")
    episode = report(world, child, reported_at=now - dt.timedelta(hours=5), risk="high")
    MissingEpisode.objects.filter(pk=episode.pk).update(
        police_force=world.orgs["force_a"], police_reference="FA/1"
    )
    returned(world, episode, at=now - dt.timedelta(hours=1))
    cmo = world.users["cmo_a"]
    screening_decision_record(episode=episode, decision="other", note="Spoke to carer", actor=cmo)
    client.force_login(cmo)
    response = client.get(reverse("daily_screening:csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    everything = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert tuple(everything[0]) == CSV_COLUMNS
    rows = [r for r in everything if r["episode_id"] == str(episode.pk)]
    assert CSV_COLUMNS == (
        "notification",
        "notified_at",
        "episode_id",
        "child_id",
        "child_name",
        "la_child_id",
        "episode_type",
        "status",
        "last_seen_at",
        "reported_at",
        "returned_at",
        "police_force",
        "police_reference",
        "police_risk",
        "reported_outside_area",
        "duties",
        "time_corrections",
        "screened",
        "decision",
        "decision_note",
        "decided_by",
        "decided_at",
    )  # the contract in docs/daily-screening.md
    assert [r["notification"] for r in rows] == ["found", "missing"]
    found, missing = rows
    episode.refresh_from_db()
    assert missing["notified_at"] == timezone.localtime(episode.reported_at).isoformat(
        timespec="minutes"
    )
    assert found["returned_at"] == timezone.localtime(episode.returned_at).isoformat(
        timespec="minutes"
    )
    assert missing["episode_id"] == str(episode.pk) and missing["child_id"] == str(child.pk)
    assert missing["child_name"] == "'Ada =Lovelace" or missing["child_name"] == "Ada =Lovelace"
    assert missing["la_child_id"] == "LA-7" and missing["status"] == "returned"
    assert (missing["police_force"], missing["police_reference"], missing["police_risk"]) == (
        "FA",
        "FA/1",
        "high",
    )
    assert "notify_social_worker:" in missing["duties"]
    assert (missing["screened"], missing["decision"], missing["decision_note"]) == (
        "Y",
        "other",
        "Spoke to carer",
    )
    assert missing["decided_by"] == str(cmo) and missing["decided_at"]
    assert (found["screened"], found["decision"], found["decided_by"]) == ("N", "", "")
    entry = AuditEntry.objects.get(verb=AuditVerb.DAILY_SCREENING_DOWNLOADED)
    assert child.pk in entry.payload["children"]
    assert sorted({int(r["child_id"]) for r in everything}) == entry.payload["children"]


def test_csv_cells_that_a_spreadsheet_would_run_are_text(world, protocol, client):
    episode = report(world, new_child(world))
    screening_decision_record(
        episode=episode, decision="other", note="=HYPERLINK(1)", actor=world.users["cmo_a"]
    )
    client.force_login(world.users["cmo_a"])
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("daily_screening:csv")).content.decode()))
    )
    mine = [r for r in rows if r["episode_id"] == str(episode.pk)]
    assert mine[0]["decision_note"] == "'=HYPERLINK(1)"


# --- Queries and the audit log -------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_makes_a_fixed_number_of_queries(world, protocol, client):
    def one():
        episode = report(world, new_child(world))
        screening_decision_record(
            episode=episode, decision="no_further_action", actor=world.users["cmo_a"]
        )
        returned(world, episode, at=timezone.now())
        PoliceTimeCorrection.objects.create(  # as the police download would (intake)
            episode=episode,
            time="last_seen_at",
            before=episode.last_seen_at,
            after=episode.last_seen_at - dt.timedelta(hours=3),
            source="download",
            to_screen=True,
        )

    one()
    client.force_login(world.users["cmo_a"])
    url = reverse(LIST)
    _queries(client, url)
    few = _queries(client, url)
    for _ in range(5):
        one()
    assert _queries(client, url) == few
    assert _queries(client, reverse("daily_screening:csv")) <= few
    page = _page(client)
    assert _count(page, "time_corrected") >= 6 and _count(page, "found") >= 6  # all there


def test_the_list_is_logged_naming_the_children_shown(world, protocol, client):
    episode = report(world, new_child(world))
    client.force_login(world.users["cmo_a"])
    _page(client)
    entry = AuditEntry.objects.get(verb=AuditVerb.DAILY_SCREENING_VIEWED)
    assert entry.actor == world.users["cmo_a"] and episode.child_id in entry.payload["children"]
    assert world.children["b_only"].pk not in entry.payload["children"]


def test_a_report_by_a_force_outside_the_childs_area_is_flagged(world, protocol, client):
    """Any force may report any child (and then sees it), so the child's LA is told on its
    screening list; its own force's reports, and those of the force where the child lives, are
    not flagged."""
    ours = report(world, new_child(world))
    theirs = report(world, new_child(world))
    placed = new_child(world)
    PlacementFactory(child=placed, placing_la=world.orgs["la_a"], host_la=world.orgs["la_b"])
    where_placed = report(world, placed)
    MissingEpisode.objects.filter(pk=ours.pk).update(police_force=world.orgs["force_a"])
    MissingEpisode.objects.filter(pk__in=[theirs.pk, where_placed.pk]).update(
        police_force=world.orgs["force_b"]
    )
    client.force_login(world.users["cmo_a"])
    page = _page(client)
    assert "1 episode was reported by a police force outside the child" in page
    flag = "Reported by Force B, outside the child's area"
    flagged = [card for card in _cards(page) if flag in card]
    assert len(flagged) == 1
    assert reverse("episodes:detail", args=[theirs.pk]) in flagged[0]
