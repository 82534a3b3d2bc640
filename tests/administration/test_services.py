"""Each administration service writes one typed audit entry naming the actor and the target
by id, in the same transaction as the change (a refused change writes none)."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError

from homesafe.access.choices import AuditVerb, OrganisationType, Role
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry, OrganisationContact
from homesafe.access.services_organisations import (
    organisation_contact_add,
    organisation_contact_remove,
    organisation_create,
    organisation_update,
    team_create,
)
from homesafe.access.services_users import (
    user_deactivate,
    user_mfa_reset,
    user_reactivate,
    user_role_grant,
    user_role_remove,
    user_team_set,
)
from homesafe.intake.services_forces import police_api_key_create, police_api_key_revoke


def _last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def _assert_audited(verb, *, actor, target_type, target_id, **payload):
    entry = _last_entry()
    assert (entry.verb, entry.actor_id, entry.target_type, entry.target_id) == (
        verb,
        actor.pk,
        target_type,
        str(target_id),
    )
    assert entry.child_id is None
    for key, value in payload.items():
        assert entry.payload[key] == value


def test_role_grant_and_remove(world):
    admin, sw = world.users["admin"], world.users["sw_1"]
    user_role_grant(user=sw, role=Role.TEAM_MANAGER, actor=admin)
    _assert_audited(
        AuditVerb.USER_ROLE_GRANTED,
        actor=admin,
        target_type="access.user",
        target_id=sw.pk,
        role="team_manager",
        user_id=sw.pk,
    )
    user_role_remove(user=sw, role=Role.TEAM_MANAGER, actor=admin)
    _assert_audited(
        AuditVerb.USER_ROLE_REMOVED,
        actor=admin,
        target_type="access.user",
        target_id=sw.pk,
        role="team_manager",
    )
    assert not sw.role_grants.filter(role=Role.TEAM_MANAGER).exists()


@pytest.mark.parametrize(
    ("user_key", "role", "error"),
    [
        ("police_a", Role.SOCIAL_WORKER, ValidationError),  # wrong kind of organisation
        ("sw_1", Role.SOCIAL_WORKER, ValidationError),  # already held
    ],
)
def test_a_refused_role_grant_writes_nothing(world, user_key, role, error):
    before = AuditEntry.objects.count()
    grants = world.users[user_key].role_grants.count()
    with pytest.raises(error):
        user_role_grant(user=world.users[user_key], role=role, actor=world.users["admin"])
    assert AuditEntry.objects.count() == before
    assert world.users[user_key].role_grants.count() == grants


def test_removing_a_role_not_held_or_ones_own_administrator_role_is_refused(world):
    admin = world.users["admin"]
    with pytest.raises(ValidationError):
        user_role_remove(user=world.users["sw_1"], role=Role.AUDITOR, actor=admin)
    with pytest.raises(ApplicationError):
        user_role_remove(user=admin, role=Role.ADMINISTRATOR, actor=admin)
    assert admin.role_grants.filter(role=Role.ADMINISTRATOR).exists()


def test_team_set_names_both_teams(world):
    admin, sw = world.users["admin"], world.users["sw_1"]
    old_team = sw.team
    new_team = world.users["sw_3"].team
    user_team_set(user=sw, team=new_team, actor=admin)
    _assert_audited(
        AuditVerb.USER_TEAM_CHANGED,
        actor=admin,
        target_type="access.user",
        target_id=sw.pk,
        from_team_id=old_team.pk,
        to_team_id=new_team.pk,
    )
    user_team_set(user=sw, team=None, actor=admin)
    sw.refresh_from_db()
    assert sw.team is None


def test_a_team_of_another_organisation_is_refused(world):
    other = team_create(
        organisation=world.orgs["la_b"], name="B team", service="CiC", actor=world.users["admin"]
    )
    with pytest.raises(ValidationError) as error:
        user_team_set(user=world.users["sw_1"], team=other, actor=world.users["admin"])
    assert "team" in error.value.message_dict


def test_deactivate_and_reactivate(world):
    admin, cmo = world.users["admin"], world.users["cmo_a"]
    user_deactivate(user=cmo, actor=admin)
    _assert_audited(
        AuditVerb.USER_DEACTIVATED, actor=admin, target_type="access.user", target_id=cmo.pk
    )
    cmo.refresh_from_db()
    assert not cmo.is_active
    with pytest.raises(ApplicationError):
        user_deactivate(user=cmo, actor=admin)
    user_reactivate(user=cmo, actor=admin)
    _assert_audited(
        AuditVerb.USER_REACTIVATED, actor=admin, target_type="access.user", target_id=cmo.pk
    )
    cmo.refresh_from_db()
    assert cmo.is_active


def test_administrators_cannot_deactivate_themselves(world):
    admin = world.users["admin"]
    with pytest.raises(ApplicationError):
        user_deactivate(user=admin, actor=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_mfa_reset_removes_every_authenticator(world):
    admin, cmo = world.users["admin"], world.users["cmo_a"]
    assert Authenticator.objects.filter(user=cmo).exists()
    removed = user_mfa_reset(user=cmo, actor=admin)
    assert removed >= 1
    assert not Authenticator.objects.filter(user=cmo).exists()
    _assert_audited(
        AuditVerb.USER_MFA_RESET, actor=admin, target_type="access.user", target_id=cmo.pk
    )
    assert "totp" in _last_entry().payload["removed"]
    with pytest.raises(ApplicationError):
        user_mfa_reset(user=cmo, actor=admin)  # nothing left to reset


def test_organisation_create_update_and_contacts(world):
    admin = world.users["admin"]
    school = organisation_create(
        type=OrganisationType.SCHOOL,
        code="100099",
        name="Hill School",
        local_authority=world.orgs["la_a"],
        actor=admin,
    )
    _assert_audited(
        AuditVerb.ORGANISATION_CREATED,
        actor=admin,
        target_type="access.organisation",
        target_id=school.pk,
        type="school",
    )
    organisation_update(organisation=school, name="Hill Academy", is_active=False, actor=admin)
    _assert_audited(
        AuditVerb.ORGANISATION_CHANGED,
        actor=admin,
        target_type="access.organisation",
        target_id=school.pk,
        fields=["is_active", "name"],
    )
    before = AuditEntry.objects.count()
    organisation_update(organisation=school, name="Hill Academy", actor=admin)  # no change
    assert AuditEntry.objects.count() == before
    contact = organisation_contact_add(
        organisation=school, name="Dee Lead", role="DSL", phone="0161 000 0000", actor=admin
    )
    _assert_audited(
        AuditVerb.ORGANISATION_CONTACT_ADDED,
        actor=admin,
        target_type="access.organisationcontact",
        target_id=contact.pk,
        organisation_id=school.pk,
    )
    contact_id = contact.pk
    organisation_contact_remove(contact=contact, actor=admin)
    _assert_audited(
        AuditVerb.ORGANISATION_CONTACT_REMOVED,
        actor=admin,
        target_type="access.organisationcontact",
        target_id=contact_id,
    )
    assert not OrganisationContact.objects.filter(pk=contact_id).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "901"}, "code"),  # LA A's code
        ({"police_force": "force_a"}, "police_force"),  # a school has no force area
    ],
)
def test_organisation_problems_name_the_field(world, changes, field):
    changes = {k: world.orgs[v] if k == "police_force" else v for k, v in changes.items()}
    with pytest.raises(ValidationError) as error:
        organisation_update(
            organisation=world.orgs["school_1"], actor=world.users["admin"], **changes
        )
    assert field in error.value.message_dict


def test_a_contact_needs_an_email_or_a_phone(world):
    with pytest.raises(ValidationError) as error:
        organisation_contact_add(
            organisation=world.orgs["school_1"], name="X", role="Y", actor=world.users["admin"]
        )
    assert "email" in error.value.message_dict


def test_team_create(world):
    admin = world.users["admin"]
    team = team_create(
        organisation=world.orgs["la_a"], name="Edge", service="Safeguarding", actor=admin
    )
    _assert_audited(
        AuditVerb.TEAM_CREATED,
        actor=admin,
        target_type="access.team",
        target_id=team.pk,
        organisation_id=world.orgs["la_a"].pk,
    )
    with pytest.raises(ValidationError):
        team_create(organisation=world.orgs["force_a"], name="T", service="S", actor=admin)


def test_api_key_create_and_revoke_name_the_prefix_not_the_key(world):
    admin, force = world.users["admin"], world.orgs["force_a"]
    api_key, key = police_api_key_create(organisation=force, name="Niche", actor=admin)
    assert key.startswith(api_key.prefix + ".")
    _assert_audited(
        AuditVerb.API_KEY_CREATED,
        actor=admin,
        target_type="intake.policeapikey",
        target_id=api_key.prefix,
        organisation_id=force.pk,
        prefix=api_key.prefix,
    )
    assert key not in str(_last_entry().payload) and api_key.hashed_key not in str(
        _last_entry().payload
    )
    police_api_key_revoke(api_key=api_key, actor=admin)
    _assert_audited(
        AuditVerb.API_KEY_REVOKED,
        actor=admin,
        target_type="intake.policeapikey",
        target_id=api_key.prefix,
    )
    with pytest.raises(ApplicationError):
        police_api_key_revoke(api_key=api_key, actor=admin)


def test_api_keys_are_for_police_forces_only(world):
    with pytest.raises(ValidationError) as error:
        police_api_key_create(organisation=world.orgs["la_a"], name="X", actor=world.users["admin"])
    assert "organisation" in error.value.message_dict


def test_force_mapping_save_checks_the_columns_and_is_audited(world):
    from homesafe.intake.services_forces import force_mapping_save

    admin, force = world.users["admin"], world.orgs["force_a"]
    mapping = force_mapping_save(
        organisation=force,
        columns={"Occurrence Ref": "police_reference"},
        codes={"risk": {"H": "high"}},
        default_local_authority=world.orgs["la_a"],
        actor=admin,
    )
    _assert_audited(
        AuditVerb.FORCE_MAPPING_CHANGED,
        actor=admin,
        target_type="intake.forcemapping",
        target_id=mapping.pk,
        organisation_id=force.pk,
        fields=["codes", "columns", "default_local_authority"],
    )
    before = AuditEntry.objects.count()
    for columns, codes, field in [
        ({"Ref": "reference_number"}, {}, "columns"),
        (["police_reference"], {}, "columns"),
        ({}, {"colour": {"R": "red"}}, "codes"),
        ({}, {"risk": "high"}, "codes"),
    ]:
        with pytest.raises(ValidationError) as error:
            force_mapping_save(organisation=force, columns=columns, codes=codes, actor=admin)
        assert field in error.value.message_dict
    assert AuditEntry.objects.count() == before
    mapping.refresh_from_db()
    assert mapping.columns == {"Occurrence Ref": "police_reference"}
