"""A small partnership with one user per role and children placed so that every rule of the
access policy (DESIGN.md's need-to-know table) is exercised, with the expected answer for each.

`build_world()` makes it with the factories. Tests ask for the `world` fixture
(tests/conftest.py), which builds it once per session and puts its rows back at the start of
each test that asks (`WorldSnapshot`): the same rows, ids and timestamps every time.
"""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from homesafe.access.choices import OrganisationType as OT
from homesafe.access.choices import Role
from homesafe.access.models import CaseAccessGrant
from homesafe.people.choices import NetworkRole
from tests.factories import (
    ChildFactory,
    EpisodeFactory,
    NetworkMemberFactory,
    OrganisationFactory,
    PlacementFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)
    episodes: dict = field(default_factory=dict)
    # user key -> set of child keys that user may see
    expected: dict = field(default_factory=dict)


def build_world() -> World:
    w = World()
    o = w.orgs
    o["force_a"] = OrganisationFactory(type=OT.POLICE, code="FA", name="Force A")
    o["force_b"] = OrganisationFactory(type=OT.POLICE, code="FB", name="Force B")
    o["la_a"] = OrganisationFactory(code="901", name="LA A", police_force=o["force_a"])
    o["la_b"] = OrganisationFactory(code="902", name="LA B", police_force=o["force_b"])
    o["school_1"] = OrganisationFactory(type=OT.SCHOOL, code="100001", local_authority=o["la_a"])
    o["school_2"] = OrganisationFactory(type=OT.SCHOOL, code="100002", local_authority=o["la_a"])
    o["health"] = OrganisationFactory(type=OT.HEALTH, code="H1", local_authority=o["la_a"])
    o["rhi"] = OrganisationFactory(type=OT.RHI_SERVICE, code="R1", local_authority=o["la_a"])
    team_1 = TeamFactory(organisation=o["la_a"], name="CiC 1", service="Children in Care")
    team_2 = TeamFactory(organisation=o["la_a"], name="CiC 2", service="Children in Care")
    team_3 = TeamFactory(organisation=o["la_a"], name="Safeguarding 1", service="Safeguarding")

    u = w.users
    la_a = o["la_a"]
    u["cmo_a"] = UserFactory(organisation=la_a, roles=[Role.MISSING_COORDINATOR])
    u["cmo_b"] = UserFactory(organisation=o["la_b"], roles=[Role.MISSING_COORDINATOR])
    u["sw_1"] = UserFactory(organisation=la_a, team=team_1, roles=[Role.SOCIAL_WORKER])
    u["sw_1b"] = UserFactory(organisation=la_a, team=team_1, roles=[Role.SOCIAL_WORKER])
    u["sw_2"] = UserFactory(organisation=la_a, team=team_2, roles=[Role.SOCIAL_WORKER])
    u["sw_3"] = UserFactory(organisation=la_a, team=team_3, roles=[Role.SOCIAL_WORKER])
    u["tm_1"] = UserFactory(organisation=la_a, team=team_1, roles=[Role.TEAM_MANAGER])
    u["sm_cic"] = UserFactory(organisation=la_a, team=team_2, roles=[Role.SERVICE_MANAGER])
    u["sl_a"] = UserFactory(organisation=la_a, roles=[Role.SENIOR_LEADER])
    u["police_a"] = UserFactory(organisation=o["force_a"], roles=[Role.POLICE_COORDINATOR])
    u["police_b"] = UserFactory(organisation=o["force_b"], roles=[Role.POLICE_COORDINATOR])
    u["rhi"] = UserFactory(organisation=o["rhi"], roles=[Role.RHI_WORKER])
    u["school_1"] = UserFactory(organisation=o["school_1"], roles=[Role.SCHOOL_LEAD])
    u["school_2"] = UserFactory(organisation=o["school_2"], roles=[Role.SCHOOL_LEAD])
    u["health"] = UserFactory(organisation=o["health"], roles=[Role.HEALTH_PRACTITIONER])
    u["analyst"] = UserFactory(organisation=la_a, roles=[Role.ANALYST])
    u["auditor"] = UserFactory(organisation=la_a, roles=[Role.AUDITOR])
    u["admin"] = UserFactory(organisation=la_a, roles=[Role.ADMINISTRATOR])
    u["inactive_cmo"] = UserFactory(
        organisation=la_a, roles=[Role.MISSING_COORDINATOR], is_active=False
    )

    c = w.children
    # Allocated to sw_1 (team 1, Children in Care), at school 1, health involved.
    c["a_team1"] = ChildFactory(
        responsible_la=la_a, allocated_social_worker=u["sw_1"], school=o["school_1"]
    )
    NetworkMemberFactory(child=c["a_team1"], organisation=o["health"], role=NetworkRole.HEALTH)
    # Allocated to sw_2 (team 2, same service), open RHI referral.
    c["a_team2"] = ChildFactory(
        responsible_la=la_a, allocated_social_worker=u["sw_2"], school=o["school_2"]
    )
    NetworkMemberFactory(child=c["a_team2"], organisation=o["rhi"], role=NetworkRole.RHI_REFERRAL)
    # Allocated to sw_3 (Safeguarding service); RHI referral ended: the RHI service no longer sees it.
    c["a_team3"] = ChildFactory(responsible_la=la_a, allocated_social_worker=u["sw_3"])
    NetworkMemberFactory(
        child=c["a_team3"],
        organisation=o["rhi"],
        role=NetworkRole.RHI_REFERRAL,
        started_on=dt.date(2025, 1, 1),
        ended_on=dt.date(2025, 3, 1),
    )
    # Unallocated child of LA A; audited by the auditor (grant).
    c["a_unallocated"] = ChildFactory(responsible_la=la_a)
    now = timezone.now()
    CaseAccessGrant.objects.create(
        user=u["auditor"],
        child=c["a_unallocated"],
        reason="Audit",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=30),
    )
    # An expired grant gives nothing.
    CaseAccessGrant.objects.create(
        user=u["auditor"],
        child=c["a_team3"],
        reason="Old audit",
        starts_at=now - dt.timedelta(days=90),
        ends_at=now - dt.timedelta(days=60),
    )
    # A child of LA B placed in LA A's area (host view for LA A's CMO and LA A's force).
    c["b_hosted_in_a"] = ChildFactory(responsible_la=o["la_b"])
    PlacementFactory(child=c["b_hosted_in_a"], placing_la=o["la_b"], host_la=la_a)
    # A child of LA B who ran to LA A's area: reported to Force A (police A sees it).
    c["b_reported_to_force_a"] = ChildFactory(responsible_la=o["la_b"])
    # A child of LA B with nothing to do with LA A.
    c["b_only"] = ChildFactory(responsible_la=o["la_b"])
    # A child of LA A placed out of area in LA B (previous placement in LA A ended).
    c["a_placed_in_b"] = ChildFactory(responsible_la=la_a, allocated_social_worker=u["sw_1"])
    PlacementFactory(
        child=c["a_placed_in_b"],
        placing_la=la_a,
        host_la=la_a,
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2024, 12, 31),
    )
    PlacementFactory(
        child=c["a_placed_in_b"], placing_la=la_a, host_la=o["la_b"], started_on=dt.date(2025, 1, 1)
    )

    for key, child in c.items():
        force = (
            o["force_a"] if key == "b_reported_to_force_a" else child.responsible_la.police_force
        )
        w.episodes[key] = EpisodeFactory(
            child=child, police_force=force, police_reference=f"REF-{key}"
        )

    a_all = {"a_team1", "a_team2", "a_team3", "a_unallocated", "a_placed_in_b"}
    w.expected = {
        "cmo_a": a_all | {"b_hosted_in_a"},
        "cmo_b": {"b_hosted_in_a", "b_reported_to_force_a", "b_only", "a_placed_in_b"},
        "sw_1": {"a_team1", "a_placed_in_b"},
        "sw_1b": {"a_team1", "a_placed_in_b"},  # team-mates' children, read-only
        "sw_2": {"a_team2"},
        "sw_3": {"a_team3"},
        "tm_1": {"a_team1", "a_placed_in_b"},
        "sm_cic": {"a_team1", "a_team2", "a_placed_in_b"},
        "sl_a": a_all,
        "police_a": a_all | {"b_hosted_in_a", "b_reported_to_force_a"},
        "police_b": {"b_hosted_in_a", "b_reported_to_force_a", "b_only", "a_placed_in_b"},
        "rhi": {"a_team2"},
        "school_1": {"a_team1"},
        "school_2": {"a_team2"},
        "health": {"a_team1"},
        "analyst": set(),
        "auditor": {"a_unallocated"},
        "admin": set(),
        "inactive_cmo": set(),
    }
    return w


def _stored_models() -> list:
    """Every model with a table of its own (many-to-many tables included)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


@dataclass
class WorldSnapshot:
    """The world as built once: its objects, and the rows `build_world()` wrote, table by table."""

    world: bytes  # the World, pickled: each test unpickles its own copy (faster than deepcopy)
    rows: list  # (model, [instances as read back from the database])
    inserts: dict = field(default_factory=dict)  # by database: the rows' INSERT statements

    @classmethod
    def take(cls, *, using: str = "default") -> WorldSnapshot:
        """Build the world in a transaction, read back every row it wrote, and roll it back."""
        from tests.snapshots import rolled_back_uncounted

        models = _stored_models()
        with rolled_back_uncounted(using), transaction.atomic(using=using):
            before = {
                m: set(m._base_manager.using(using).values_list("pk", flat=True)) for m in models
            }
            world = build_world()
            rows = []
            for model in models:
                manager = model._base_manager.using(using)
                new = set(manager.values_list("pk", flat=True)) - before[model]
                if new:
                    rows.append((model, list(manager.filter(pk__in=new).order_by("pk"))))
            transaction.set_rollback(True, using=using)
        return cls(world=pickle.dumps(world), rows=rows)

    def restore(self, *, using: str = "default") -> World:
        """Write the world's rows again, as they were (ids, timestamps, secrets; no save() and
        no signals), and give a copy of its objects that the test may change freely."""
        from tests.snapshots import execute_all, insert_statements

        if using not in self.inserts:
            self.inserts[using] = insert_statements(self.rows, using)
        with transaction.atomic(using=using):
            execute_all(self.inserts[using], using)
        return pickle.loads(self.world)
