"""`ChecksInOneQuery` (homesafe/constraints.py): every model's check constraints asked in one
query, with the answers of Django's own one-query-a-constraint way on the same values."""

import datetime as dt
import random

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import CheckConstraint
from django.test.utils import CaptureQueriesContext

from homesafe.constraints import ChecksInOneQuery, checks_failed
from homesafe.episodes.models import EpisodeStatus, MissingEpisode
from homesafe.interviews.models import RhiRoute
from tests.factories import RhiRouteFactory

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in apps.get_models()
    if model.__module__.startswith("homesafe.")
    and any(isinstance(c, CheckConstraint) for c in model._meta.constraints)
]
DATES = [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 4, 30)]
MOMENTS = [
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in (0, 1, 49)
]


def test_every_model_with_check_constraints_checks_them_in_one_query():
    assert len(MODELS) >= 37
    assert [m.__name__ for m in MODELS if not issubclass(m, ChecksInOneQuery)] == []


def _palette(field: models.Field) -> list:
    """Values to draw for a field a condition reads: its choices, the empty and the unknown,
    and a few ordered dates or times so that comparisons between fields go both ways."""
    values: list = [None] if field.null else []
    if field.choices:
        return values + [value for value, _ in field.flatchoices] + [""]
    if isinstance(field, models.BooleanField):
        return values + [True, False]
    if isinstance(field, models.DateTimeField):
        return values + MOMENTS
    if isinstance(field, models.DateField):
        return values + DATES
    if isinstance(field, models.ForeignKey):
        return [None, 1, 2]
    if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField):
        return values + [-1, 0, 1, 5]
    return values + ["", "a reason"]


def _referenced(model) -> list[models.Field]:
    names = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            names |= {name.split("__")[0] for name in constraint.condition.referenced_base_fields}
    return [model._meta.get_field(name) for name in sorted(names)]


def _djangos_own(instance, model, exclude) -> set[str]:
    """The names of the constraints Django's CheckConstraint.validate refuses, one query each."""
    failed = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                constraint.validate(model, instance, exclude=exclude)
            except ValidationError:
                failed.add(constraint.name)
    return failed


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_one_query_refuses_what_djangos_own_checks_refuse(model):
    """Random values of the fields the conditions read (the unknown, the empty, every choice,
    dates both sides of each other), and now and then some fields excluded as a form would: the
    same constraints refused both ways, and every constraint both passed and refused at least
    once across the draws where it can be."""
    rng = random.Random(model.__name__)
    fields = _referenced(model)
    checks = [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]
    seen_failing: set = set()
    for _ in range(60):
        instance = model()
        for field in fields:
            setattr(instance, field.attname, rng.choice(_palette(field)))
        exclude = {f.name for f in fields if rng.random() < 0.1} or None
        ours = checks_failed(
            instance, model, model._meta.constraints, exclude=exclude, using="default"
        )
        assert ours == _djangos_own(instance, model, exclude), instance.__dict__
        seen_failing |= ours
    assert seen_failing, f"no draw broke any of {model.__name__}'s {len(checks)} constraints"


def test_full_clean_asks_all_of_a_models_checks_in_one_query_and_names_each_broken_one(world):
    episode = world.episodes["a_team1"]
    episode.status = EpisodeStatus.VOIDED  # no time or reason: breaks episode_voided_with_reason
    episode.returned_at = episode.last_seen_at - dt.timedelta(hours=1)  # and the return's order
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        episode.validate_constraints()
    sql = [q["sql"] for q in queries.captured_queries]
    # The three checks in the first query, with no savepoint around it; then the conditional
    # unique constraint (one police reference per force), which Django still checks itself.
    assert "COALESCE" in sql[0] and sql[0].count('AS "check_') == 3
    assert [s for s in sql[1:] if "COALESCE" in s] == []
    with pytest.raises(ValidationError) as djangos:
        models.Model.validate_constraints(episode)
    assert refused.value.message_dict == djangos.value.message_dict
    assert len(refused.value.message_dict["__all__"]) == 2


def test_unique_constraints_are_still_checked_beside_the_checks():
    """A route with the order of another of its council's: Django's unique check still refuses
    it, with Django's own message, beside the checks' one query."""
    route = RhiRouteFactory()
    twin = RhiRoute(local_authority=route.local_authority, order=route.order, cohort=route.cohort)
    with pytest.raises(ValidationError) as refused:
        twin.validate_constraints()
    with pytest.raises(ValidationError) as djangos:
        models.Model.validate_constraints(twin)
    assert refused.value.message_dict == djangos.value.message_dict
    assert refused.value.message_dict


def test_a_model_with_no_constraint_broken_passes(world):
    episode = MissingEpisode.objects.first()
    with CaptureQueriesContext(connection) as queries:
        episode.validate_constraints()
    assert sum("COALESCE" in q["sql"] for q in queries.captured_queries) == 1
