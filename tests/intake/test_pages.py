"""Import, review and merge pages: who may use them, and that they work end to end."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from homesafe.access.audit import ClientActor
from homesafe.access.models import AuditEntry
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.choices import ImportStatus, ReviewStatus
from homesafe.intake.imports import police_download_import
from homesafe.intake.models import ChildMerge, IdentityReview, PoliceImport
from homesafe.intake.services_merge import child_merge
from tests.factories import ChildFactory, EpisodeFactory
from tests.intake.helpers import csv_bytes, parse_report, row_for

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
IMPORTERS = {"cmo_a", "cmo_b", "police_a", "police_b"}
REVIEWERS = {"cmo_a", "cmo_b"}
EVERYONE = [
    "cmo_a",
    "cmo_b",
    "sw_1",
    "tm_1",
    "sm_cic",
    "sl_a",
    "police_a",
    "police_b",
    "rhi",
    "school_1",
    "health",
    "analyst",
    "auditor",
    "admin",
]


@pytest.mark.parametrize("user", EVERYONE)
def test_who_may_import_and_review(world, client, user):
    client.force_login(world.users[user])
    assert client.get(reverse("intake:imports")).status_code == (200 if user in IMPORTERS else 403)
    assert client.get(reverse("intake:reviews")).status_code == (200 if user in REVIEWERS else 403)
    assert client.get(reverse("intake:merge")).status_code == (200 if user in REVIEWERS else 403)


def test_police_may_import_only_for_their_own_force(world, client):
    client.force_login(world.users["police_a"])
    page = client.get(reverse("intake:imports")).content.decode()
    assert "Force A" in page and "Force B" not in page
    response = client.post(
        reverse("intake:imports"),
        {
            "force": world.orgs["force_b"].pk,
            "file": SimpleUploadedFile("d.csv", b"police_reference\n"),
        },
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not PoliceImport.objects.exists()


@override_settings(TASKS=IMMEDIATE)
def test_upload_preview_confirm_import(world, client, django_capture_on_commit_callbacks):
    child = ChildFactory(
        responsible_la=world.orgs["la_a"],
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=dt.date(2010, 12, 10),
    )
    content = csv_bytes([row_for(child, "UP-1"), row_for(child, "UP-2", risk="nonsense")])
    client.force_login(world.users["cmo_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:imports"),
            {
                "force": world.orgs["force_a"].pk,
                "file": SimpleUploadedFile("download.csv", content),
            },
        )
    police_import = PoliceImport.objects.get()
    assert response["Location"] == reverse("intake:import", args=[police_import.pk])
    police_import.refresh_from_db()
    assert police_import.status == ImportStatus.PREVIEWED
    assert (
        police_import.preview_counts["created"] == 1
        and police_import.preview_counts["rejected"] == 1
    )
    assert not MissingEpisode.objects.filter(police_reference="UP-1").exists()
    page = client.get(response["Location"]).content.decode()
    assert "What will happen" in page and "Confirm and import" in page
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<div id="import-status"')
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    police_import.refresh_from_db()
    assert police_import.status == ImportStatus.DONE and police_import.rows_done == 2
    assert MissingEpisode.objects.get(police_reference="UP-1").child == child
    report = client.get(reverse("intake:import_report", args=[police_import.pk, "import"]))
    assert report["Content-Type"].startswith("text/csv")
    assert [r["outcome"] for r in parse_report(report.content.decode())] == ["created", "rejected"]
    # another LA's coordinator cannot see this import
    client.force_login(world.users["cmo_b"])
    assert client.get(response["Location"]).status_code == 404


def _review(world):
    a = ChildFactory(
        responsible_la=world.orgs["la_a"],
        first_name="Sam",
        last_name="Reed",
        date_of_birth=dt.date(2012, 6, 1),
    )
    b = ChildFactory(
        responsible_la=world.orgs["la_a"],
        first_name="Sam",
        last_name="Reid",
        date_of_birth=dt.date(2012, 6, 1),
    )
    police_download_import(
        content=csv_bytes([row_for(a, "REV-1", surname="Read")]),
        force=world.orgs["force_a"],
        actor=ClientActor("test"),
    )
    return IdentityReview.objects.get(police_reference="REV-1"), a, b


def test_review_confirm_a_candidate(world, client):
    review, a, b = _review(world)
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("intake:review", args=[review.pk])).content.decode()
    assert "Sam Reed" in page and "Sam Reid" in page and "create a new record" in page
    response = client.post(reverse("intake:review", args=[review.pk]), {"decision": str(b.pk)})
    assert response.status_code == 302
    assert MissingEpisode.objects.get(police_reference="REV-1").child == b
    review.refresh_from_db()
    assert review.status == ReviewStatus.LINKED and review.resolved_by == world.users["cmo_a"]
    assert AuditEntry.objects.filter(verb="intake.identity_reviewed", child_id=b.pk).exists()
    # decided: gone from the queue, and re-importing the same row changes nothing
    assert client.get(reverse("intake:review", args=[review.pk])).status_code == 404
    again = police_download_import(
        content=csv_bytes([row_for(a, "REV-1", surname="Read")]),
        force=world.orgs["force_a"],
        actor=ClientActor("test"),
    )
    assert again.counts["unchanged"] == 1


def test_review_create_a_new_child(world, client):
    review, a, b = _review(world)
    client.force_login(world.users["cmo_a"])
    client.post(reverse("intake:review", args=[review.pk]), {"decision": "new"})
    child = MissingEpisode.objects.get(police_reference="REV-1").child
    assert child not in (a, b) and child.last_name == "Read"
    assert child.responsible_la == world.orgs["la_a"]


def test_review_needs_a_decision(world, client):
    review, _, _ = _review(world)
    client.force_login(world.users["cmo_a"])
    page = client.post(reverse("intake:review", args=[review.pk]), {}).content.decode()
    assert "Choose a child, or create a new record" in page
    assert not MissingEpisode.objects.filter(police_reference="REV-1").exists()


def test_another_authoritys_coordinator_does_not_see_the_review(world, client):
    review, _, _ = _review(world)
    client.force_login(world.users["cmo_b"])
    assert client.get(reverse("intake:review", args=[review.pk])).status_code == 404


def test_merge_moves_everything_and_keeps_the_merged_record(world, client):
    la = world.orgs["la_a"]
    kept = ChildFactory(responsible_la=la, first_name="Jo", last_name="March")
    dup = ChildFactory(
        responsible_la=la, first_name="Josephine", last_name="March", nhs_number="9434765919"
    )
    EpisodeFactory(
        child=dup, police_force=world.orgs["force_a"], police_reference="M-1", returned_at=None
    )
    client.force_login(world.users["cmo_a"])
    response = client.post(
        reverse("intake:merge"),
        {"kept_child": kept.pk, "merged_child": dup.pk, "reason": "Same child, two records"},
    )
    assert response.status_code == 302
    assert MissingEpisode.objects.get(police_reference="M-1").child == kept
    kept.refresh_from_db()
    dup.refresh_from_db()
    assert kept.nhs_number == "9434765919" and dup.nhs_number == ""
    assert "Josephine March" in set(kept.aliases.values_list("name", flat=True))
    assert ChildMerge.objects.get(merged_child=dup).kept_child == kept
    assert AuditEntry.objects.filter(verb="child.merged", child_id=dup.pk).exists()
    with pytest.raises(Exception, match="already been merged"):
        child_merge(kept=kept, merged=dup, reason="again", actor=world.users["cmo_a"])


def test_merge_refuses_children_the_user_cannot_change(world, client):
    client.force_login(world.users["cmo_a"])
    other = world.children["b_only"]
    response = client.post(
        reverse("intake:merge"),
        {"kept_child": world.children["a_unallocated"].pk, "merged_child": other.pk, "reason": "x"},
    )
    assert response.status_code == 404
    assert not ChildMerge.objects.exists()
