"""The contact directory: administrators keep it (secure mailbox, out-of-hours phone, which
notifications a contact takes; every change audited by field name); missing coordinators
read it; nobody else sees its page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from homesafe.access.choices import AuditVerb, ContactTakes
from homesafe.access.models import AuditEntry, OrganisationContact
from homesafe.access.services_organisations import (
    SECURE_NEEDS_EMAIL,
    organisation_contact_add,
    organisation_contact_update,
)


@pytest.fixture
def contacts(world):
    admin = world.users["admin"]
    secure = organisation_contact_add(
        organisation=world.orgs["la_b"],
        name="LA B missing team",
        role="Missing coordinator",
        email="missing@la-b.gov.uk",
        email_secure=True,
        phone="0200 000 0000",
        out_of_hours_phone="0200 999 9999",
        takes=ContactTakes.MISSING_NOTIFICATIONS,
        actor=admin,
    )
    school = organisation_contact_add(
        organisation=world.orgs["school_1"],
        name="Dee Lead",
        role="Designated safeguarding lead",
        phone="0300 000 0000",
        actor=admin,
    )
    return secure, school


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("cmo_a", 200),
        ("cmo_b", 200),
        ("sw_1", 403),
        ("tm_1", 403),
        ("school_1", 403),
        ("police_a", 403),
        ("admin", 403),  # administrators keep it in Administration, Organisations
    ],
)
def test_who_sees_the_directory_page(client, world, contacts, who, status):
    client.force_login(world.users[who])
    response = client.get(reverse("duties:directory"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "LA B missing team" in html and "0200 999 9999" in html
        assert "Missing-child notifications" in html and "Secure" in html
        assert "Dee Lead" in html


def test_the_directory_filters_by_kind_and_name(client, world, contacts):
    client.force_login(world.users["cmo_a"])
    schools = client.get(reverse("duties:directory"), {"type": "school"}).content.decode()
    assert "Dee Lead" in schools and "LA B missing team" not in schools
    named = client.get(reverse("duties:directory"), {"q": "LA B"}).content.decode()
    assert "LA B missing team" in named and "Dee Lead" not in named


def test_a_secure_mailbox_needs_an_address(world):
    with pytest.raises(ValidationError) as error:
        organisation_contact_add(
            organisation=world.orgs["la_b"],
            name="X",
            role="Y",
            phone="0100",
            email_secure=True,
            actor=world.users["admin"],
        )
    assert error.value.message_dict == {"email": [SECURE_NEEDS_EMAIL]}


def test_a_contact_change_is_audited_by_field_name(world, contacts):
    _, school = contacts
    admin = world.users["admin"]
    organisation_contact_update(
        contact=school,
        email="dsl@school-1.sch.uk",
        email_secure=True,
        takes=ContactTakes.MISSING_NOTIFICATIONS,
        actor=admin,
    )
    school.refresh_from_db()
    assert school.email_secure and school.takes == ContactTakes.MISSING_NOTIFICATIONS
    entry = AuditEntry.objects.filter(verb=AuditVerb.ORGANISATION_CONTACT_CHANGED).get()
    assert entry.payload["fields"] == ["email", "email_secure", "takes"]
    assert "dsl@school-1.sch.uk" not in str(entry.payload)  # names, never the values
    before = AuditEntry.objects.count()
    organisation_contact_update(contact=school, email="dsl@school-1.sch.uk", actor=admin)
    assert AuditEntry.objects.count() == before  # nothing changed, nothing audited


def test_the_administration_page_changes_a_contact(client, world, contacts):
    _, school = contacts
    client.force_login(world.users["admin"])
    url = reverse("administration:contact_change", args=[school.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Out-of-hours phone number" in form.content.decode()
    refused = client.post(
        url,
        {"name": "Dee Lead", "role": "DSL", "takes": "missing", "email_secure": "on"},
    )
    assert refused.status_code == 400 and "secure mailbox" in refused.content.decode()
    done = client.post(
        url,
        {
            "name": "Dee Lead",
            "role": "DSL",
            "takes": "missing",
            "email": "dsl@school-1.sch.uk",
            "email_secure": "on",
            "out_of_hours_phone": "0300 111 1111",
        },
    )
    assert done.status_code == 302
    school.refresh_from_db()
    assert (school.email, school.email_secure, school.out_of_hours_phone) == (
        "dsl@school-1.sch.uk",
        True,
        "0300 111 1111",
    )
    assert school.phone == ""  # the form's empty phone field cleared it
    assert OrganisationContact.objects.count() == 2
