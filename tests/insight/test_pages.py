"""The insight pages: who may open them, what they show, and that an analyst sees no name and
no count from 1 to 4 on any of them."""

import re

import pytest
from django.urls import reverse

from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import AuditEntry
from homesafe.insight.suppression import SUPPRESSED
from tests.factories import UserFactory
from tests.insight.dataset import build

pytestmark = pytest.mark.django_db

OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}


@pytest.fixture
def data():
    return build()


def user(data, *roles, team=None):
    return UserFactory(organisation=data.la_a, team=team, roles=list(roles))


def names(data) -> list[str]:
    return [c.full_name for c in (data.c1, data.c2, data.c3, data.c4)] + [
        c.last_name for c in (data.c1, data.c2, data.c3, data.c4)
    ]


def numeric_cells(html: str) -> list[str]:
    cells = re.findall(r'govuk-table__(?:cell|header)--numeric">(.*?)</t[dh]>', html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in cells]


def test_the_cmo_sees_the_figures_and_the_children_behind_them(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    page = client.get(reverse("insight:dashboard"), OCTOBER).content.decode()
    # Authority A's children (c1, c2): e1, e2, e3.
    assert re.search(r"Missing and away episodes</td>\s*<td[^>]*>\s*<a[^>]*>3<", page)
    # The tables around the episodes: e1 was found by the police; e1's interview heard
    # "Conflict at home or in placement"; the police sent apologies to one of two meetings.
    assert re.search(r"Found by police</td>\s*<td[^>]*>\s*1\s*<", page)
    assert re.search(r"Conflict at home or in placement</td>\s*<td[^>]*>\s*1\s*<", page)
    assert re.search(r"A Police</td>(\s*<td[^>]*>\s*\d\s*</td>){4}", page)
    link = re.search(r'href="([^"]*figure=rhi_declined[^"]*)"', page).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert data.c1.full_name in listed and data.c2.full_name not in listed
    entry = AuditEntry.objects.filter(verb=AuditVerb.EPISODES_LISTED).latest("pk")
    assert entry.payload["children"] == [data.c1.pk]
    # The risk mix links too: e3 (c2) was never graded.
    link = re.search(r'href="([^"]*figure=risk_not_graded[^"]*)"', page).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert data.c2.full_name in listed and data.c1.full_name not in listed


def test_the_children_behind_a_figure_are_only_those_the_gate_shows(client, data):
    # The team manager of team T sees c2 only (allocated to T's social worker).
    client.force_login(user(data, Role.TEAM_MANAGER, team=data.team))
    listed = client.get(reverse("insight:children"), {**OCTOBER, "figure": "episodes"})
    text = listed.content.decode()
    assert data.c2.full_name in text
    assert data.c1.full_name not in text and data.c3.full_name not in text


def test_the_team_managers_monthly_compliance_and_its_children(client, data):
    client.force_login(user(data, Role.TEAM_MANAGER, team=data.team))
    page = client.get(reverse("insight:compliance")).content.decode()
    assert "owned by Team T" in page
    assert "Oct 2026" in page
    # e3's escalation, owned by team T, still open: 0 met in time of 1 due.
    assert "Escalate to the team manager" in page
    link = re.search(r'href="([^"]*duty=escalate_team_manager[^"]*)"', page).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert data.c2.full_name in listed and "Overdue" in listed


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("insight:dashboard", OCTOBER),
        ("insight:dashboard", {**OCTOBER, "cohort": "looked_after"}),
        ("insight:compliance", {}),
    ],
)
def test_an_analyst_sees_no_name_and_no_small_count(client, data, name, params):
    client.force_login(user(data, Role.ANALYST))
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    page = response.content.decode()
    for child_name in names(data):
        assert child_name not in page
    cells = numeric_cells(page)
    assert cells, "the page shows figures"
    for cell in cells:
        for number in re.findall(r"\d[\d,]*", cell.split("(")[0]):
            assert not 1 <= int(number.replace(",", "")) <= 4, cell
    assert 'href="/insight/children' not in page
    assert any(SUPPRESSED.replace("<", "&lt;") in cell for cell in cells)


def test_an_analyst_never_opens_a_list_of_children(client, data):
    client.force_login(user(data, Role.ANALYST))
    response = client.get(reverse("insight:children"), {**OCTOBER, "figure": "episodes"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "insight:dashboard",
        "insight:dashboard_csv",
        "insight:compliance",
        "insight:children",
        "insight:impact",
    ],
)
def test_roles_without_insight_are_refused(client, data, name):
    client.force_login(user(data, Role.SOCIAL_WORKER))
    assert client.get(reverse(name), {**OCTOBER, "figure": "episodes"}).status_code == 403


def test_an_unknown_figure_is_not_found(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    response = client.get(reverse("insight:children"), {**OCTOBER, "figure": "nonsense"})
    assert response.status_code == 404


def test_a_bad_date_is_said_and_the_default_period_shown(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    page = client.get(reverse("insight:dashboard"), {"start": "1/10/2026"}).content.decode()
    assert "Enter a date as YYYY-MM-DD" in page


def test_figures_are_in_the_navigation_and_on_the_home_page(client, data):
    client.force_login(user(data, Role.ANALYST))
    page = client.get(reverse("web:home")).content.decode()
    assert page.count(f'href="{reverse("insight:dashboard")}"') == 2


def _csv(response) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_figures_as_csv(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    response = client.get(reverse("insight:dashboard_csv"), OCTOBER)
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["table", "row", "column", "value"]
    assert ["Episodes", "Missing and away episodes", "Number", "3"] in rows
    assert ["Returns by who found the child", "Found by police", "Number", "1"] in rows


def test_an_analysts_csv_has_no_name_and_no_small_count(client, data):
    client.force_login(user(data, Role.ANALYST))
    response = client.get(reverse("insight:dashboard_csv"), OCTOBER)
    text = response.content.decode()
    for child_name in names(data):
        assert child_name not in text
    values = [row[3] for row in _csv(response)[3:]]
    assert SUPPRESSED in values
    for value in values:
        assert not (value.isdigit() and 1 <= int(value) <= 4), value


def test_the_monthly_trend_has_its_table_and_a_chart(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    page = client.get(reverse("insight:dashboard"), OCTOBER).content.decode()
    # Authority A's children: three episodes of two children in October.
    assert re.search(r"October 2026</td>\s*<td[^>]*>\s*3\s*</td>\s*<td[^>]*>\s*2\s*<", page)
    assert re.search(r"November 2025</td>\s*<td[^>]*>\s*0\s*<", page)
    # c4's episode of 30 September 23:30 BST; e1 (1 October 00:10 BST) is October's.
    assert re.search(r"September 2026</td>\s*<td[^>]*>\s*1\s*<", page)
    assert '<img src="data:image/svg+xml;base64,' in page
    assert "the numbers are in the table beside it" in page


def test_an_analyst_gets_no_chart_that_would_show_a_small_count(client, data):
    client.force_login(user(data, Role.ANALYST))
    page = client.get(reverse("insight:dashboard"), OCTOBER).content.decode()
    assert "data:image/svg+xml" not in page


def test_the_team_filter(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    page = client.get(reverse("insight:dashboard"), {**OCTOBER, "team": data.team.pk})
    text = page.content.decode()
    assert f'<option value="{data.team.pk}" selected>Team T</option>' in text
    # c2 only (allocated to team T's social worker): e3.
    assert re.search(r"Missing and away episodes</td>\s*<td[^>]*>\s*<a[^>]*>1<", text)
