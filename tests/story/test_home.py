"""The home page leads with what each person must do: duties for casework roles; for analysts,
auditors and administrators (who own no duties) what their role is for, and an auditor's
sampled children."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry, CaseAccessGrant


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_analyst_home_says_what_the_role_is_for_and_lists_no_duties(world, client):
    page = _home(client, world.users["analyst"])
    assert "As an analyst you will see the partnership" in page
    assert "Overdue" not in page
    assert "Children missing now" not in page


def test_an_auditor_home_lists_the_children_sampled_for_their_audits(world, client):
    page = _home(client, world.users["auditor"])
    assert "As an auditor you see the records of the children sampled" in page
    child = world.children["a_unallocated"]
    assert "Children sampled for your audits (1)" in page
    assert f'href="{reverse("people:child", args=[child.pk])}"' in page
    assert "your access ends" in page
    # The names shown are a read of those children, logged against the auditor.
    entry = AuditEntry.objects.filter(actor=world.users["auditor"]).latest("id")
    assert child.pk in entry.payload["children"]


def test_an_auditor_whose_grant_has_ended_is_told_so(world, client):
    CaseAccessGrant.objects.filter(user=world.users["auditor"]).update(
        starts_at=timezone.now() - dt.timedelta(days=10),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    page = _home(client, world.users["auditor"])
    assert "No audit gives you access to a child" in page
    assert "Children sampled for your audits" not in page


def test_an_administrator_home_says_what_the_role_is_for(world, client):
    page = _home(client, world.users["admin"])
    assert "As an administrator you manage people" in page
    assert "Overdue" not in page


def test_a_coordinator_home_leads_with_duties_and_no_role_text(world, client):
    page = _home(client, world.users["cmo_a"])
    assert "Overdue" in page
    assert "Children missing now" in page
    assert "As an analyst" not in page
