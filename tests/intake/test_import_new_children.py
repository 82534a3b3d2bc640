"""A child new to HomeSafe reported several times is one child, with one episode per report,
on every import path: the file (in one chunk or several, dry run too), the command line, the
import page, and the API one event at a time (issue 14)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from homesafe.access.audit import ClientActor
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.choices import ImportStatus
from homesafe.intake.imports import police_download_import
from homesafe.intake.models import PoliceApiKey, PoliceImport
from homesafe.intake.queries import imports_visible_to
from homesafe.people.models import Child
from tests.intake.helpers import csv_bytes, parse_report

ACTOR = ClientActor("test import")
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Three reports of one child, each found before the next began (March 2026).
REPORTS = [
    ("NC-1", "01/03/2026 09:00", "01/03/2026 10:30", "01/03/2026 20:00"),
    ("NC-2", "10/03/2026 18:00", "10/03/2026 19:00", "11/03/2026 07:00"),
    ("NC-3", "20/03/2026 22:00", "20/03/2026 23:00", ""),
]
IDENTITIES = {
    "person ID": {"person_id": "P-NEW-9", "forename": "Nova", "surname": "Quill"},
    "name and date of birth": {"forename": "Nova", "surname": "Quill"},
    "a small difference in the name": {"forename": "Nova", "surname": "Quil"},
}


def rows(identity: str) -> list[dict]:
    found = []
    for k, (ref, last_seen, reported, found_at) in enumerate(REPORTS):
        names = IDENTITIES[identity] if k != 1 else {**IDENTITIES[identity], "surname": "Quill"}
        found.append(
            {
                "police_reference": ref,
                "date_of_birth": "14/05/2012",
                "sex": "F",
                "reported_at": reported,
                "last_seen_at": last_seen,
                "last_seen_location": "Station",
                "risk": "medium",
                "found_at": found_at,
                "found_by": "police" if found_at else "",
                **names,
            }
        )
    return found


def assert_one_child_three_episodes(world):
    episodes = list(MissingEpisode.objects.filter(police_reference__startswith="NC-"))
    assert len(episodes) == 3
    children = {episode.child_id for episode in episodes}
    assert len(children) == 1, "one child, not one per report"
    child = Child.objects.get(pk=children.pop())
    assert (child.first_name, child.responsible_la) == ("Nova", world.orgs["la_a"])
    assert Child.objects.filter(date_of_birth=dt.date(2012, 5, 14)).count() == 1
    statuses = sorted(episode.status for episode in episodes)
    assert statuses == sorted([EpisodeStatus.RETURNED] * 2 + [EpisodeStatus.MISSING])
    return child


@pytest.mark.parametrize("identity", list(IDENTITIES))
@pytest.mark.parametrize("chunk_size", [5000, 1])
def test_the_file_creates_one_child_with_three_episodes(world, identity, chunk_size):
    result = police_download_import(
        content=csv_bytes(rows(identity)),
        force=world.orgs["force_a"],
        actor=ACTOR,
        chunk_size=chunk_size,
    )
    assert result.counts["created"] == 3, result.report_csv()
    assert_one_child_three_episodes(world)


def test_the_command_line_creates_one_child_with_three_episodes(world, tmp_path):
    path = tmp_path / "download.csv"
    path.write_bytes(csv_bytes(rows("person ID")))
    call_command("import_police", str(path), force=world.orgs["force_a"].code)
    assert_one_child_three_episodes(world)
    # It leaves a PoliceImport, as the page does, for the force's local authority to see.
    police_import = PoliceImport.objects.get()
    assert police_import.status == ImportStatus.DONE and police_import.counts["created"] == 3
    assert police_import.organisation == world.orgs["la_a"] and police_import.uploaded_by is None
    assert police_import.uploaded_by_label == "cli:import_police:FA:download.csv"
    assert police_import.rows_done == police_import.rows_total == 3
    assert [r["outcome"] for r in parse_report(police_import.report)] == ["created"] * 3
    assert police_import in imports_visible_to(user=world.users["cmo_a"])
    call_command("import_police", str(path), force=world.orgs["force_a"].code, dry_run=True)
    assert PoliceImport.objects.count() == 1  # a dry run writes nothing


@override_settings(TASKS=IMMEDIATE)
def test_the_page_creates_one_child_with_three_episodes(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["cmo_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:imports"),
            {
                "force": world.orgs["force_a"].pk,
                "file": SimpleUploadedFile(
                    "download.csv", csv_bytes(rows("name and date of birth"))
                ),
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    police_import = PoliceImport.objects.get()
    assert police_import.counts["created"] == 3, police_import.report
    assert_one_child_three_episodes(world)


@pytest.mark.parametrize("identity", ["person ID", "name and date of birth"])
def test_the_api_creates_one_child_with_three_episodes(world, client, identity):
    _, key = PoliceApiKey.objects.create_key(name="Force A", organisation=world.orgs["force_a"])

    def send(kind: str, body: dict):
        response = client.post(
            reverse(f"api:event_{kind}"),
            {"force": world.orgs["force_a"].code, **body},
            content_type="application/json",
            headers={"Authorization": f"Api-Key {key}"},
        )
        assert response.status_code == 201, response.json()
        assert response.json()["outcome"] == "applied", response.json()

    def iso(text: str) -> str:
        return dt.datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=dt.UTC).isoformat()

    for row in rows(identity):
        identity_fields = {
            name: row[name] for name in ("person_id", "forename", "surname") if name in row
        }
        send(
            "missing_reported",
            {
                "police_reference": row["police_reference"],
                "event_id": "report",
                "occurred_at": iso(row["reported_at"]),
                "last_seen_at": iso(row["last_seen_at"]),
                "date_of_birth": "2012-05-14",
                "sex": "2",
                "risk": "medium",
                **identity_fields,
            },
        )
        if row["found_at"]:
            send(
                "found",
                {
                    "police_reference": row["police_reference"],
                    "event_id": "found",
                    "occurred_at": iso(row["found_at"]),
                    "found_by": "police",
                },
            )
    assert_one_child_three_episodes(world)
