"""Whose work a user manages (access.policy.manages_user and managed_users_scope), held
together for every pair of users of the world: a team manager their team, a service manager
their service, a senior leader their organisation; nobody else, and never themselves."""

from homesafe.access.models import User
from homesafe.access.policy import managed_users_scope, manages_user

# manager -> the users of the world whose work they manage.
MANAGED = {
    "tm_1": {"sw_1", "sw_1b"},
    "sm_cic": {"sw_1", "sw_1b", "sw_2", "tm_1"},
    "sl_a": {
        "cmo_a", "sw_1", "sw_1b", "sw_2", "sw_3", "tm_1", "sm_cic", "analyst", "auditor",
        "admin", "inactive_cmo",
    },
}  # fmt: skip


def test_the_predicate_and_the_scope_agree_for_every_pair(world):
    keys = {user.pk: key for key, user in world.users.items()}
    for key, user in world.users.items():
        managed = User.objects.filter(managed_users_scope(user)).values_list("pk", flat=True)
        scoped = {keys[pk] for pk in managed if pk in keys}
        expected = MANAGED.get(key, set())
        assert scoped == expected, key
        for other_key, other in world.users.items():
            assert manages_user(user, other) is (other_key in expected), (key, other_key)
