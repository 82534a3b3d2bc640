"""Networks: children linked through the persons and places of concern they share
(contextual safeguarding), for preparing a locality MACE.

A network is a connected group in the graph whose nodes are children, persons of concern and
places of concern, and whose edges are the links recorded on the children's concerns pages (by
professionals, from return interviews and from meetings) in the chosen months. Only groups that
hold two or more children are networks: one child with their own associates is that child's
concerns page, not a network. Two records of one address (same postcode and address) are one
place.

Those who may see the children by name (missing coordinators, police coordinators, managers and
senior leaders) see them named, each with their episodes in the period; an analyst sees each
network's size only, with counts under 5 suppressed (insight.suppression).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.concerns.models import PersonOfConcern
from homesafe.concerns.queries import ConcernLinkRow, concern_links_for_children
from homesafe.episodes.models import Location
from homesafe.episodes.queries import episode_counts_by_child
from homesafe.insight.roles import sees_names
from homesafe.insight.windows import months_span
from homesafe.people.models import Child
from homesafe.people.queries import children_counted_for, children_visible_to

PERIODS_MONTHS = (3, 6, 12, 24)
DEFAULT_MONTHS = 12
# A drawing of more nodes than this is unreadable; the lists beside it say the same.
MAX_DRAWN_NODES = 40


@dataclass(frozen=True)
class NetworkChild:
    child: Child
    episodes: int  # reported in the period
    links: int


@dataclass(frozen=True)
class NetworkPerson:
    person: PersonOfConcern
    children: int


@dataclass(frozen=True)
class NetworkPlace:
    location: Location
    children: int

    @property
    def label(self) -> str:
        return str(self.location)


@dataclass(frozen=True)
class DrawnNode:
    key: str
    kind: str  # child, person, place
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class Drawing:
    """Positions for an SVG drawing of one network: children on the outer ring, the persons
    and places they share inside it."""

    size: int
    nodes: list[DrawnNode]
    edges: list[tuple[DrawnNode, DrawnNode]]


@dataclass(frozen=True)
class Network:
    number: int
    children_count: int
    persons_count: int
    places_count: int
    episodes_count: int
    # Only for those who may see names:
    children: list[NetworkChild] = field(default_factory=list)
    persons: list[NetworkPerson] = field(default_factory=list)
    places: list[NetworkPlace] = field(default_factory=list)
    drawing: Drawing | None = None


@dataclass(frozen=True)
class NetworksReport:
    months: int
    since: datetime
    named: bool
    networks: list[Network]

    @property
    def children_in_networks(self) -> int:
        return sum(n.children_count for n in self.networks)


def _connected(rows: list[ConcernLinkRow]) -> list[set[str]]:
    """The connected groups of the graph of children ("c:"), persons ("p:") and places ("l:")
    that the links join."""
    # Imported here, as in safety_plans/family.py: networkx takes about 0.12 s to import, and
    # only this page needs it, not every process that loads the URLs.
    import networkx as nx  # noqa: PLC0415

    graph = nx.Graph()
    for row in rows:
        other = f"p:{row.person_id}" if row.person_id is not None else f"l:{row.place_key}"
        graph.add_edge(f"c:{row.child_id}", other)
    return list(nx.connected_components(graph))


def _ring(items: list[tuple[str, str, str]], radius: float, centre: float) -> list[DrawnNode]:
    """Nodes (key, kind, label) spaced evenly on a circle; one alone sits at the centre."""
    n = len(items)
    out = []
    for i, (key, kind, label) in enumerate(items):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = 0 if n == 1 else radius
        x, y = centre + r * math.cos(angle), centre + r * math.sin(angle)
        out.append(DrawnNode(key=key, kind=kind, label=label, x=round(x, 1), y=round(y, 1)))
    return out


def _drawing(
    children: list[NetworkChild],
    shared: list[tuple[str, str, str]],
    edges: set[tuple[str, str]],
) -> Drawing | None:
    if len(children) + len(shared) > MAX_DRAWN_NODES:
        return None
    size = 360
    centre = size / 2
    outer = [(f"c:{c.child.pk}", "child", c.child.full_name) for c in children]
    nodes = _ring(outer, 135, centre) + _ring(shared, 60, centre)
    by_key = {n.key: n for n in nodes}
    drawn = [(by_key[a], by_key[b]) for a, b in sorted(edges) if a in by_key and b in by_key]
    return Drawing(size=size, nodes=nodes, edges=drawn)


def networks_for_user(*, user: User, months: int = DEFAULT_MONTHS, now: datetime) -> NetworksReport:
    """The networks among the children the user may see (or, for an analyst, count), from links
    recorded in the last `months` months, largest first. Audited: who looked, when, and which
    children's names were shown (ids, no personal data)."""
    since = now - months_span(months)
    named = sees_names(user)
    children = children_visible_to(user=user) if named else children_counted_for(user=user)
    rows = concern_links_for_children(children=children, since=since)
    components = [
        comp for comp in _connected(rows) if sum(1 for node in comp if node.startswith("c:")) >= 2
    ]
    child_ids = sorted({int(n[2:]) for comp in components for n in comp if n.startswith("c:")})
    episodes = episode_counts_by_child(child_ids=child_ids, since=since) if child_ids else {}

    links_by_child: dict[int, int] = defaultdict(int)
    children_by_node: dict[str, set[int]] = defaultdict(set)
    location_for_place: dict[str, int] = {}
    for row in rows:
        links_by_child[row.child_id] += 1
        other = f"p:{row.person_id}" if row.person_id is not None else f"l:{row.place_key}"
        children_by_node[other].add(row.child_id)
        if row.place_key is not None:
            location_for_place.setdefault(row.place_key, row.location_id)

    child_objects = persons = locations = {}
    if named and components:
        child_objects = Child.objects.in_bulk(child_ids)
        person_ids = [int(n[2:]) for comp in components for n in comp if n.startswith("p:")]
        persons = PersonOfConcern.objects.in_bulk(person_ids)
        place_location_ids = [
            location_for_place[n[2:]] for comp in components for n in comp if n.startswith("l:")
        ]
        locations = Location.objects.in_bulk(place_location_ids)

    networks = []
    for comp in components:
        c_ids = sorted(int(n[2:]) for n in comp if n.startswith("c:"))
        p_ids = sorted(int(n[2:]) for n in comp if n.startswith("p:"))
        places = sorted(n[2:] for n in comp if n.startswith("l:"))
        network = {
            "children_count": len(c_ids),
            "persons_count": len(p_ids),
            "places_count": len(places),
            "episodes_count": sum(episodes.get(c, 0) for c in c_ids),
        }
        if named:
            n_children = sorted(
                (
                    NetworkChild(
                        child=child_objects[c], episodes=episodes.get(c, 0), links=links_by_child[c]
                    )
                    for c in c_ids
                ),
                key=lambda nc: (-nc.episodes, nc.child.full_name, nc.child.pk),
            )
            n_persons = sorted(
                (
                    NetworkPerson(person=persons[p], children=len(children_by_node[f"p:{p}"]))
                    for p in p_ids
                ),
                key=lambda np: (-np.children, np.person.name, np.person.pk),
            )
            n_places_by_key = [
                NetworkPlace(
                    location=locations[location_for_place[k]],
                    children=len(children_by_node[f"l:{k}"]),
                )
                for k in places
            ]
            n_places = sorted(n_places_by_key, key=lambda npl: (-npl.children, npl.label))
            shared = [(f"p:{p.person.pk}", "person", p.person.name) for p in n_persons]
            shared += [
                (f"l:{k}", "place", pl.label) for k, pl in zip(places, n_places_by_key, strict=True)
            ]
            edges = {
                (f"c:{c}", other)
                for other, cs in children_by_node.items()
                if other in comp
                for c in cs
            }
            network.update(
                children=n_children,
                persons=n_persons,
                places=n_places,
                drawing=_drawing(n_children, shared, edges),
            )
        networks.append(network)
    networks.sort(key=lambda n: (-n["children_count"], -n["episodes_count"], -n["persons_count"]))
    report = NetworksReport(
        months=months,
        since=since,
        named=named,
        networks=[Network(number=i, **n) for i, n in enumerate(networks, start=1)],
    )
    audit_record(
        actor=user,
        verb=AuditVerb.NETWORKS_VIEWED,
        payload={
            "months": months,
            "networks": len(report.networks),
            "named_child_ids": child_ids if named else [],
        },
    )
    return report
