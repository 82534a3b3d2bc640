"""network_member_add names a professional in the child's network as a HomeSafe user."""

import pytest

from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import AuditEntry
from homesafe.people.choices import NetworkRole
from homesafe.people.services import network_member_add
from tests.factories import ChildFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("as_user", [True, False], ids=["user", "contact-only"])
def test_network_member_add_names_the_professional_as_a_user(as_user):
    child = ChildFactory()
    la = child.responsible_la
    iro = UserFactory(organisation=la, roles=[Role.SOCIAL_WORKER], mfa=False)
    actor = UserFactory(organisation=la, roles=[Role.MISSING_COORDINATOR], mfa=False)

    member = network_member_add(
        child=child,
        organisation=la,
        role=NetworkRole.IRO,
        contact_name="An IRO",
        contact_email="iro@example.org",
        user=iro if as_user else None,
        actor=actor,
    )

    member.refresh_from_db()
    assert member.user == (iro if as_user else None)
    entry = AuditEntry.objects.get(verb=AuditVerb.NETWORK_MEMBER_ADDED, target_id=str(member.pk))
    assert entry.child_id == child.pk
    assert entry.payload == {
        "organisation_id": la.pk,
        "role": NetworkRole.IRO,
        **({"user_id": iro.pk} if as_user else {}),
    }
