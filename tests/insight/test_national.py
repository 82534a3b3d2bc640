"""The insight figures at national scale (issue 15): the JIT switch changes no figure, the
benchmark's polars computation gives HomeSafe's figures on the hand-made data set (so the
benchmark's ratio compares the same figures), and the generator's shape is DOMAIN.md's."""

import random

import pytest
from django.db import connection

from bench.bench_insight import polars_kpis, polars_rows
from bench.gen_national import episode_counts
from homesafe.insight.figures import KPI_KEYS, jit_off, kpis
from homesafe.insight.scope import children_of_la
from tests.insight.dataset import OCTOBER, build

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's JIT and raw timestamps"
)


@pytest.mark.django_db
def test_the_figures_are_the_same_with_the_jit_off():
    build()
    with jit_off():
        inside = kpis(period=OCTOBER)
    assert inside == kpis(period=OCTOBER)
    assert inside["episodes"] == 4


@on_postgresql
@pytest.mark.django_db
def test_jit_off_puts_the_setting_back():
    def jit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            return cursor.fetchone()[0]

    before = jit()
    with jit_off():
        assert jit() == "off"
    assert jit() == before


@on_postgresql
@pytest.mark.django_db
def test_the_benchmarks_polars_figures_are_homesafes():
    data = build()
    frame = polars_rows(OCTOBER)
    ours = kpis(period=OCTOBER)
    assert polars_kpis(frame, OCTOBER) == {key: ours[key] for key in KPI_KEYS}
    la = kpis(period=OCTOBER, children=children_of_la(data.la_a))
    assert polars_kpis(frame, OCTOBER, data.la_a.pk) == {key: la[key] for key in KPI_KEYS}


def test_the_generated_episodes_have_domain_mds_shape():
    counts = episode_counts(random.Random(1), 10_000, 25_000)
    episodes = sum(counts)
    went_missing = sorted((n for n in counts if n), reverse=True)
    assert 0.95 * 25_000 < episodes < 1.05 * 25_000
    assert 0.65 < (episodes - len(went_missing)) / episodes < 0.75  # repeats
    tenth = went_missing[: len(went_missing) // 10]
    repeats_of_tenth = sum(n - 1 for n in tenth)
    assert repeats_of_tenth / (episodes - len(went_missing)) > 0.8
