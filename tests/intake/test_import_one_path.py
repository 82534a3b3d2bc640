"""The file import and the single-notification use case (police_notification_apply, as the API
applies a report) do the same with the same rows: the same children, episodes, gradings,
statuses, outcomes and audit entries (issue 14: one path, whose bulk writing a test holds equal
to the services')."""

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from homesafe.access.audit import ClientActor
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.choices import NotificationSource
from homesafe.intake.imports import police_download_import
from homesafe.intake.notifications import notification_parse
from homesafe.intake.services import error_field_and_reason, police_notification_apply
from homesafe.people.models import Child
from homesafe.use_cases import use_cases_in_callers_transaction
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, parse_report

ACTOR = ClientActor("test import")
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def report(ref, last_seen, found="", **identity) -> dict:
    day, time = last_seen.split(" ")
    return {
        "police_reference": ref,
        "date_of_birth": "14/05/2012",
        "sex": "F",
        "reported_at": f"{day} {int(time[:2]) + 1:02d}{time[2:]}",
        "last_seen_at": last_seen,
        "last_seen_location": "Station",
        "risk": "medium",
        "found_at": found,
        "found_location": "Home" if found else "",
        "found_by": "police" if found else "",
        "closed_reason": "Found safe" if found and ref.endswith("1") else "",
        **identity,
    }


@pytest.fixture
def rows(world):
    known = ChildFactory(
        responsible_la=world.orgs["la_a"],
        first_name="Ruth",
        last_name="Adeyemi",
        date_of_birth=dt.date(2011, 9, 2),
        police_person_id="P-KNOWN",
    )
    nova = {"person_id": "P-NOVA", "forename": "Nova", "surname": "Quill"}
    iris = {"forename": "Iris", "surname": "Marchetti", "date_of_birth": "03/07/2013"}
    ruth = {"person_id": "P-KNOWN", "forename": "Ruth", "surname": "Adeyemi",
            "date_of_birth": "02/09/2011"}  # fmt: skip
    return [
        # a new child with a person ID: three reports (the last one still missing), then a
        # fourth while missing (refused)
        report("N-1", "01/03/2026 09:00", "01/03/2026 20:00", **nova),
        report("N-2", "10/03/2026 18:00", "11/03/2026 07:00", **nova),
        report("N-3", "20/03/2026 22:00", **nova),
        report("N-4", "25/03/2026 10:00", "25/03/2026 12:00", **nova),
        # a new child by name and date of birth, once with a small difference in the name,
        # and a report that begins before the previous one ended (refused)
        report("I-1", "02/03/2026 09:00", "02/03/2026 21:00", **iris),
        report("I-2", "12/03/2026 09:00", "12/03/2026 19:00", **iris | {"surname": "Marchett"}),
        report("I-3", "12/03/2026 15:00", "12/03/2026 23:00", **iris),
        report("I-4", "22/03/2026 09:00", "22/03/2026 10:00", **iris | {"person_id": "P-IRIS"}),
        # a child HomeSafe knows, three times
        report("K-1", "03/03/2026 09:00", "03/03/2026 11:00", **ruth),
        report("K-2", "13/03/2026 09:00", "13/03/2026 11:00", **ruth),
        report("K-3", "23/03/2026 09:00", **ruth),
    ], known


def snapshot(known_ids: set[int]) -> dict:
    def who(child: Child) -> tuple:
        return child.first_name, child.last_name, child.date_of_birth

    children = sorted(
        (
            *who(child),
            child.sex,
            child.police_person_id,
            child.responsible_la_id,
            tuple(child.aliases.values_list("name", flat=True)),
            tuple(child.cohort_periods.values_list("cohort", flat=True)),
        )
        for child in Child.objects.exclude(pk__in=known_ids)
    )
    episodes = {
        episode.police_reference: (
            who(episode.child),
            episode.status,
            episode.last_seen_at,
            episode.reported_at,
            episode.returned_at,
            episode.found_by,
            episode.police_closed_reason,
            episode.last_seen_location.description if episode.last_seen_location else "",
            episode.found_location.description if episode.found_location else "",
            tuple(episode.gradings.values_list("grade", "graded_at")),
        )
        for episode in MissingEpisode.objects.exclude(police_reference="").select_related(
            "child", "last_seen_location", "found_location"
        )
    }
    audit = Counter(
        AuditEntry.objects.exclude(verb=AuditVerb.POLICE_NOTIFICATIONS_IMPORTED).values_list(
            "verb", "target_type"
        )
    )
    return {"children": children, "episodes": episodes, "audit": audit}


def by_the_file(world, rows, chunk_size):
    result = police_download_import(
        content=csv_bytes(rows), force=world.orgs["force_a"], actor=ACTOR, now=NOW,
        chunk_size=chunk_size,
    )  # fmt: skip
    lines = parse_report(result.report_csv())
    return {line["police_reference"]: (line["outcome"], line["field"]) for line in lines}


def one_by_one(world, rows):
    outcomes = {}
    parsed = [notification_parse(values, codes={}, now=NOW) for values in rows]
    for n in sorted(parsed, key=lambda n: n.last_seen_at):
        try:
            with transaction.atomic():
                applied = police_notification_apply(
                    force=world.orgs["force_a"], n=n, actor=ACTOR,
                    source=NotificationSource.DOWNLOAD, now=NOW,
                )  # fmt: skip
            outcomes[n.police_reference] = (applied.outcome, "")
        except (ValidationError, ApplicationError) as error:
            outcomes[n.police_reference] = ("rejected", error_field_and_reason(error)[0])
    return outcomes


@pytest.mark.parametrize("chunk_size", [5000, 3])
def test_the_file_and_the_single_path_agree(world, rows, chunk_size):
    rows, _known = rows
    known_ids = set(Child.objects.values_list("pk", flat=True))
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))
    with transaction.atomic():
        file_outcomes = by_the_file(world, rows, chunk_size)
        AuditEntry.objects.filter(pk__in=audit_before).delete()
        by_file = snapshot(known_ids)
        transaction.set_rollback(True)
    # Rolled back like the file's run: each use case in a savepoint of this transaction.
    with use_cases_in_callers_transaction(), transaction.atomic():
        single_outcomes = one_by_one(world, rows)
        AuditEntry.objects.filter(pk__in=audit_before).delete()
        single = snapshot(known_ids)
        transaction.set_rollback(True)
    assert file_outcomes == single_outcomes
    assert file_outcomes["N-4"] == ("rejected", "police_reference")
    assert file_outcomes["I-3"] == ("rejected", "last_seen_at")
    assert [c[:2] for c in by_file["children"]] == [("Iris", "Marchetti"), ("Nova", "Quill")]
    assert by_file["children"] == single["children"]
    assert by_file["episodes"] == single["episodes"]
    assert by_file["audit"] == single["audit"]
