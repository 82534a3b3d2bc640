"""Pages that change a child's record: details, cohort, care, placement, network, needs.
Each works for someone who may change the child, answers 403 to someone who may only read it
and 404 to someone who may not see it, and on bad input names the field and writes nothing."""

import pytest
from django.urls import reverse

from homesafe.access.models import AuditEntry
from homesafe.people.models import CarePeriod, ChildNeed, CohortPeriod, NetworkMember, Placement
from homesafe.people.services import child_details_version


def _date(prefix, day, month, year):
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def _writes():
    return (
        CohortPeriod.objects.count(),
        CarePeriod.objects.count(),
        Placement.objects.count(),
        NetworkMember.objects.count(),
        ChildNeed.objects.count(),
        AuditEntry.objects.exclude(verb="child.viewed").count(),
    )


PAGES = {
    "cohort_new": (
        {"cohort": "looked_after", "uasc": "on", **_date("started_on", 1, 6, 2025)},
        [
            ({"cohort": ""}, "cohort", "Select the child&#39;s social care status"),
            ({"started_on_2": "20x5"}, "started_on", "From must be a real date"),
        ],
    ),
    "care_new": (
        {"legal_status": "care_order", **_date("started_on", 1, 6, 2025)},
        [
            ({"legal_status": "s31"}, "legal_status", "Select a valid choice"),
            ({"started_on_0": ""}, "started_on", "must include a day"),
        ],
    ),
    "placement_new": (
        {
            "placement_type": "foster",
            "host_la": "org:la_b",
            "postcode": "ng15dt",
            "provider": "Carers",
            **_date("started_on", 1, 6, 2025),
        },
        [
            ({"host_la": ""}, "host_la", "Select the local authority area the child lives in"),
            ({"postcode": "NOPE"}, "postcode", "Enter a full UK postcode"),
            ({"host_la": "org:school_1"}, "host_la", "Select a valid choice"),
        ],
    ),
    "network_new": (
        {
            "organisation": "org:health",
            "role": "health",
            "contact_name": "Nurse Kay",
            "contact_email": "kay@example.org",
        },
        [
            ({"role": ""}, "role", "Select what they do for the child"),
            ({"contact_email": "not-an-email"}, "contact_email", "Enter a valid email address"),
        ],
    ),
    "need_new": (
        {"kind": "neurodiversity", "description": "ADHD", "status": "awaiting"},
        [
            ({"description": ""}, "description", "Enter the need"),
            ({"status": "maybe"}, "status", "Select a valid choice"),
        ],
    ),
    "edit": (
        {
            "first_name": "Renamed",
            "last_name": "Family",
            "aliases": "Ren; R",
            **_date("date_of_birth", 4, 5, 2011),
            "sex": "1",
            "ethnicity": "WBRI",
            "religion": "",
            "first_language": "English",
            "la_child_id": "",
            "nhs_number": "",
            "upn": "",
            "police_person_id": "",
            "school": "",
            "allocated_social_worker": "user:sw_1",
        },
        [
            ({"last_name": ""}, "last_name", "Enter the child&#39;s last name"),
            (
                {"allocated_social_worker": "user:police_a"},
                "allocated_social_worker",
                "Select a valid choice",
            ),
        ],
    ),
}


def _resolve(world, data, child=None):
    """The form's data with ids for "org:" and "user:" names (and, for a child's details,
    the version the person saw, as the page's hidden field sends it)."""
    out = {"version": child_details_version(child)} if child is not None else {}
    for key, value in data.items():
        if isinstance(value, str) and value.startswith("org:"):
            value = world.orgs[value[4:]].pk
        elif isinstance(value, str) and value.startswith("user:"):
            value = world.users[value[5:]].pk
        out[key] = value
    return out


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_saves_and_audits(world, client, page):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    url = reverse(f"people:{page}", args=[child.pk])
    assert client.get(url).status_code == 200
    before = AuditEntry.objects.exclude(verb="child.viewed").count()
    response = client.post(url, _resolve(world, PAGES[page][0], child))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("people:child", args=[child.pk])
    assert AuditEntry.objects.exclude(verb="child.viewed").count() > before


@pytest.mark.parametrize(
    ("page", "case"), [(p, i) for p in sorted(PAGES) for i in range(len(PAGES[p][1]))]
)
def test_bad_input_names_the_field_and_writes_nothing(world, client, page, case):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    good, bad_cases = PAGES[page]
    changes, field, message = bad_cases[case]
    before = _writes()
    response = client.post(
        reverse(f"people:{page}", args=[child.pk]), _resolve(world, {**good, **changes}, child)
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    anchor = f"#id_{field}_0" if field in ("started_on", "date_of_birth") else f"#id_{field}"
    assert f'href="{anchor}"' in body
    assert _writes() == before


@pytest.mark.parametrize("page", sorted(PAGES))
def test_read_only_and_unrelated_users_cannot_change(world, client, page):
    child = world.children["a_team1"]
    url = reverse(f"people:{page}", args=[child.pk])
    client.force_login(world.users["sw_1b"])  # a team-mate: reads, does not change
    assert client.get(url).status_code == 403
    assert client.post(url, _resolve(world, PAGES[page][0], child)).status_code == 403
    client.force_login(world.users["cmo_b"])  # another LA: the child does not exist for them
    assert client.get(url).status_code == 404
    client.force_login(world.users["police_a"])
    assert client.get(url).status_code == 403


def test_edit_replaces_aliases_and_allocates(world, client):
    child = world.children["a_team1"]
    child.aliases.create(name="Old name")
    client.force_login(world.users["cmo_a"])
    client.post(reverse("people:edit", args=[child.pk]), _resolve(world, PAGES["edit"][0], child))
    child.refresh_from_db()
    assert sorted(child.aliases.values_list("name", flat=True)) == ["R", "Ren"]
    assert child.first_name == "Renamed"
    entry = AuditEntry.objects.filter(verb="child.updated").latest("id")
    assert {"first_name", "aliases", "school"} <= set(entry.payload["fields"])
    assert "date_of_birth" not in entry.payload["fields"]  # unchanged fields are not listed
    assert "Renamed" not in str(entry.payload)  # names of fields, never their values


def test_placement_page_sets_the_placing_authority_to_the_responsible_one(world, client):
    child = world.children["a_team1"]
    client.force_login(world.users["cmo_a"])
    client.post(
        reverse("people:placement_new", args=[child.pk]), _resolve(world, PAGES["placement_new"][0])
    )
    placement = child.placements.get(ended_on__isnull=True)
    assert placement.placing_la == world.orgs["la_a"]
    assert placement.out_of_area is True
    page = client.get(reverse("people:child", args=[child.pk])).content.decode()
    assert "Out of area" in page
