"""The administration pages: administrators only (everyone else 403, docs/access.md; signed-out
people go to sign-in); each page renders for an administrator; forms name the field in error."""

import pytest
from django.urls import reverse

from homesafe.access.choices import Role
from homesafe.access.models import AuditEntry, OrganisationContact
from homesafe.access.services_organisations import organisation_contact_add
from homesafe.intake.services_forces import police_api_key_create


@pytest.fixture
def targets(world):
    admin = world.users["admin"]
    contact = organisation_contact_add(
        organisation=world.orgs["school_1"],
        name="Dee Lead",
        role="Designated safeguarding lead",
        email="dsl@school.example.org",
        actor=admin,
    )
    api_key, _ = police_api_key_create(
        organisation=world.orgs["force_a"], name="Niche", actor=admin
    )
    return {
        "user": world.users["sw_1"],
        "org": world.orgs["la_a"],
        "contact": contact,
        "key": api_key,
        "force": world.orgs["force_a"],
    }


def _pages(targets) -> list[str]:
    u, o = targets["user"].pk, targets["org"].pk
    return [
        reverse("administration:index"),
        reverse("administration:users"),
        reverse("administration:user_invite"),
        reverse("administration:user", args=[u]),
        reverse("administration:user_role_add", args=[u]),
        reverse("administration:user_team", args=[u]),
        reverse("administration:user_deactivate", args=[u]),
        reverse("administration:user_mfa_reset", args=[u]),
        reverse("administration:organisations"),
        reverse("administration:organisation_add"),
        reverse("administration:organisation", args=[o]),
        reverse("administration:organisation_change", args=[o]),
        reverse("administration:contact_add", args=[o]),
        reverse("administration:contact_change", args=[targets["contact"].pk]),
        reverse("administration:contact_remove", args=[targets["contact"].pk]),
        reverse("administration:team_add", args=[o]),
        reverse("administration:force_mapping", args=[targets["force"].pk]),
        reverse("administration:api_keys"),
        reverse("administration:api_key_add"),
        reverse("administration:api_key_revoke", args=[targets["key"].prefix]),
        reverse("administration:protocol"),
        reverse("administration:protocol_download"),
        reverse("administration:audit"),
    ]


def _post_only(targets) -> list[str]:
    u = targets["user"].pk
    return [
        reverse("administration:user_role_remove", args=[u]),
        reverse("administration:user_reactivate", args=[u]),
        reverse("administration:user_invite_again", args=[u]),
        reverse("administration:protocol_upload"),
    ]


@pytest.mark.parametrize(
    "user_key", ["cmo_a", "sw_1", "sl_a", "police_a", "school_1", "analyst", "auditor"]
)
def test_everyone_but_administrators_is_refused_with_403(world, client, targets, user_key):
    client.force_login(world.users[user_key])
    refused = {url: client.get(url).status_code for url in _pages(targets)}
    refused |= {
        url: client.post(url, {"role": Role.ADMINISTRATOR}).status_code
        for url in _post_only(targets) + _pages(targets)
    }
    assert set(refused.values()) == {403}, refused
    # Nothing changed: no role, no key revoked, no contact removed.
    assert not world.users[user_key].role_grants.filter(role=Role.ADMINISTRATOR).exists()
    targets["key"].refresh_from_db()
    assert not targets["key"].revoked
    assert OrganisationContact.objects.filter(pk=targets["contact"].pk).exists()


def test_a_deactivated_administrator_is_refused(world, client, targets):
    admin = world.users["admin"]
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    client.force_login(admin)
    # A deactivated user is not signed in at all: every page sends to sign-in.
    assert client.get(reverse("administration:index")).status_code == 302


def test_signed_out_people_are_sent_to_sign_in(world, client, targets):
    for url in _pages(targets):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        ), url


def test_every_page_renders_for_an_administrator(world, client, targets):
    client.force_login(world.users["admin"])
    for url in _pages(targets):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_administrator_reaches_administration_from_the_navigation_and_home(world, client):
    client.force_login(world.users["admin"])
    body = client.get(reverse("web:home")).content.decode()
    assert body.count(f'href="{reverse("administration:index")}"') == 2  # navigation and home
    client.force_login(world.users["cmo_a"])
    assert reverse("administration:index") not in client.get(reverse("web:home")).content.decode()


def test_the_old_protocol_address_leads_to_the_administration_page(world, client):
    client.force_login(world.users["admin"])
    response = client.get(reverse("duties:protocol"))
    assert response.status_code == 301
    assert response["Location"] == reverse("administration:protocol")


def test_invite_form_names_the_fields_in_error_and_writes_nothing(world, client):
    client.force_login(world.users["admin"])
    before = AuditEntry.objects.count()
    response = client.post(reverse("administration:user_invite"), {"email": "not-an-address"})
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body
    for field in ["email", "first_name", "last_name", "organisation"]:
        assert f'href="#id_{field}"' in body
    assert 'href="#id_roles"' in body and "Choose at least one role" in body
    assert AuditEntry.objects.count() == before


def test_a_role_in_the_wrong_kind_of_organisation_is_refused_on_the_field(world, client):
    client.force_login(world.users["admin"])
    police = world.users["police_a"]
    response = client.post(
        reverse("administration:user_role_add", args=[police.pk]),
        {"role": Role.SOCIAL_WORKER},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_role"' in body and "must belong to a local authority" in body
    assert not police.role_grants.filter(role=Role.SOCIAL_WORKER).exists()


def test_giving_and_removing_a_role_through_the_pages(world, client):
    admin, sw = world.users["admin"], world.users["sw_1"]
    client.force_login(admin)
    response = client.post(
        reverse("administration:user_role_add", args=[sw.pk]), {"role": Role.TEAM_MANAGER}
    )
    assert response.status_code == 302
    assert sw.role_grants.filter(role=Role.TEAM_MANAGER).exists()
    response = client.post(
        reverse("administration:user_role_remove", args=[sw.pk]), {"role": Role.TEAM_MANAGER}
    )
    assert response.status_code == 302
    assert not sw.role_grants.filter(role=Role.TEAM_MANAGER).exists()
    verbs = list(
        AuditEntry.objects.filter(target_type="access.user", target_id=str(sw.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["user.role_granted", "user.role_removed"]


def test_an_administrator_cannot_remove_their_own_administrator_role(world, client):
    admin = world.users["admin"]
    client.force_login(admin)
    response = client.post(
        reverse("administration:user_role_remove", args=[admin.pk]),
        {"role": Role.ADMINISTRATOR},
        follow=True,
    )
    assert "You cannot remove your own administrator role" in response.content.decode()
    assert admin.role_grants.filter(role=Role.ADMINISTRATOR).exists()


def test_the_audit_page_shows_ids_and_verbs_not_childrens_facts(world, client):
    from homesafe.people.queries import child_get_for_user_or_404

    child = world.children["a_team1"]
    child_get_for_user_or_404(user=world.users["sw_1"], child_id=child.pk)  # a read: audited
    client.force_login(world.users["admin"])
    body = client.get(reverse("administration:audit")).content.decode()
    assert "Viewed a child&#39;s record" in body or "Viewed a child's record" in body
    assert f'<td class="govuk-table__cell">{child.pk}</td>' in body
    for fact in [child.first_name, child.last_name, child.date_of_birth.strftime("%-d %B %Y")]:
        assert fact not in body
    assert world.users["sw_1"].last_name not in body  # users by id too
    assert f"user {world.users['sw_1'].pk}" in body


def test_the_audit_page_filters_by_verb(world, client):
    from homesafe.people.queries import child_get_for_user_or_404

    child_get_for_user_or_404(user=world.users["sw_1"], child_id=world.children["a_team1"].pk)
    client.force_login(world.users["admin"])
    body = client.get(reverse("administration:audit"), {"verb": "user.created"}).content.decode()
    assert "No entries match." in body
    body = client.get(reverse("administration:audit"), {"verb": "child.viewed"}).content.decode()
    assert "1 entry" in body


def test_a_forces_download_mapping_is_changed_on_its_page(world, client):
    from homesafe.intake.models import ForceMapping

    force = world.orgs["force_a"]
    url = reverse("administration:force_mapping", args=[force.pk])
    client.force_login(world.users["admin"])
    assert client.get(url).status_code == 200
    assert (
        client.get(
            reverse("administration:force_mapping", args=[world.orgs["la_a"].pk])
        ).status_code
        == 404
    )
    response = client.post(url, {"columns": "{not json", "codes": ""})
    body = response.content.decode()
    assert 'href="#id_columns"' in body and "must be JSON" in body
    response = client.post(url, {"columns": '{"Ref": "nonsense"}', "codes": ""})
    assert "is not one of HomeSafe" in response.content.decode()
    assert not ForceMapping.objects.exists()
    response = client.post(
        url,
        {"columns": '{"Occurrence Ref": "police_reference"}', "codes": '{"risk": {"H": "high"}}'},
    )
    assert response.status_code == 302
    mapping = ForceMapping.objects.get(organisation=force)
    assert mapping.codes == {"risk": {"H": "high"}}
    assert "Occurrence Ref" in client.get(url).content.decode()
    client.force_login(world.users["police_a"])
    assert client.get(url).status_code == 403
