"""The summary rows the figures count (EpisodeFacts, docs/insight.md "At national scale"):
written from the records by one INSERT ... SELECT over `figures.annotated` episodes, the same
expressions the figures counted from the records use, so the two cannot drift apart
(tests/insight/test_facts.py holds them equal).

Kept by the worker: the duties app announces `DutiesReplanned` when it has re-planned children
(at the end of every use case that changed their facts, and in its worker's re-plan tasks
after an import); insight queues `refresh_episode_facts_task`
for those children in the same transaction, and the task rewrites their rows. `homesafe
rebuild_episode_facts` rewrites them all (after a migration, or to repair)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from homesafe.bulk_reads import ids_in
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.insight import figures
from homesafe.insight.days import DayOfMonth, Month, Year
from homesafe.insight.models import EpisodeFacts
from homesafe.people.choices import Cohort
from homesafe.people.models import Child

REBUILD_CHUNK = 50_000  # children per statement in a rebuild


def _when(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


# EpisodeFacts' columns and the expression over figures.annotated(episodes) that fills each.
COLUMNS: dict[str, object] = {
    "episode_id": F("pk"),
    "child_id": F("child_id"),
    "responsible_la_id": F("child__responsible_la_id"),
    "reported_at": F("reported_at"),
    "report_day": F("report_day"),
    "episode_type": F("episode_type"),
    "last_seen_at": F("last_seen_at"),
    "returned_at": F("returned_at"),
    "found_by": F("found_by"),
    "exploitation_concern": F("exploitation_concern"),
    "trafficking_concern": F("trafficking_concern"),
    "first_grade": F("first_grade"),
    "rhi_offered": _when(figures.EPISODE_FIGURES["rhi_offered"]),
    "rhi_offered_in_time": _when(figures.EPISODE_FIGURES["rhi_offered_in_time"]),
    "rhi_status": Coalesce(F("return_interview__status"), Value("")),
    "rhi_provider_id": F("return_interview__offered_by_organisation_id"),
    "strategy_meeting_due": _when(figures.EPISODE_FIGURES["strategy_meetings_due"]),
    "strategy_meeting_in_time": _when(figures.EPISODE_FIGURES["strategy_meetings_in_time"]),
    "cohort": Coalesce(figures.cohort_on_report_day(), Value(Cohort.NOT_KNOWN.value)),
    "age": F("age_on_day"),
    "placement_type": Coalesce(figures.placement_on_report_day("placement_type"), Value("")),
    "placing_la_id": figures.placement_on_report_day("placing_la_id"),
    "host_la_id": figures.placement_on_report_day("host_la_id"),
}


def _source(episodes: QuerySet[MissingEpisode]) -> QuerySet:
    """One row per episode (none recorded in error), EpisodeFacts' columns as `f_NAME`."""
    annotated = (
        figures.annotated(episodes.exclude(status=EpisodeStatus.VOIDED).order_by())
        .annotate(
            report_year=Year("report_day"),
            report_month=Month("report_day"),
            report_dom=DayOfMonth("report_day"),
        )
        .annotate(age_on_day=figures.age_on_report_day())
    )
    return annotated.annotate(**{f"f_{name}": expr for name, expr in COLUMNS.items()}).values(
        *(f"f_{name}" for name in COLUMNS)
    )


def _insert(episodes: QuerySet[MissingEpisode]) -> int:
    """INSERT ... SELECT the episodes' rows; the number written."""
    sql, params = _source(episodes).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(EpisodeFacts._meta.get_field(n).column) for n in COLUMNS)
    picked = ", ".join(f"src.{quote('f_' + n)}" for n in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(EpisodeFacts._meta.db_table)} ({columns}) "
            f"SELECT {picked} FROM ({sql}) src",
            params,
        )
        return cursor.rowcount


def episode_facts_refresh(*, child_ids: Iterable[int]) -> int:
    """Rewrite the summary rows of these children's episodes (an episode moved to another
    child loses its old row too); the rows written."""
    ids = sorted(set(child_ids))
    if not ids:
        return 0
    # Two deletes, each by an index (the rows naming the children, then the rows of their
    # episodes): one with a join or a subquery inside an OR had the database read every
    # summary row for a task's few children (a police year's refresh at a million children
    # took 0.25 s a task where it takes 0.07 s at a hundred thousand).
    with transaction.atomic():
        EpisodeFacts.objects.filter(child_id__in=ids_in(ids)).delete()
        EpisodeFacts.objects.filter(
            episode_id__in=MissingEpisode.objects.filter(child_id__in=ids_in(ids)).values("pk")
        ).delete()
        return _insert(MissingEpisode.objects.filter(child_id__in=ids_in(ids)))


def episode_facts_rebuild(
    *, progress: Callable[[int, int], None] | None = None, compact: bool = False
) -> int:
    """Rewrite every summary row, a chunk of children per transaction; the rows written.
    `progress(children_done, rows)` after each chunk. `compact` (PostgreSQL, outside any
    transaction: the command) then orders the table by day and vacuums it."""
    table = connection.ops.quote_name(EpisodeFacts._meta.db_table)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # (Inside a transaction that changed rows, TRUNCATE waits on their deferred checks.)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    else:
        EpisodeFacts.objects.all().delete()
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), REBUILD_CHUNK):
        low, high = ids[start], ids[min(start + REBUILD_CHUNK, len(ids)) - 1]
        with transaction.atomic():
            written += _insert(MissingEpisode.objects.filter(child_id__gte=low, child_id__lte=high))
        if progress:
            progress(min(start + REBUILD_CHUNK, len(ids)), written)
    if compact and connection.vendor == "postgresql":
        # A period's rows side by side (a month's episodes are read from a few hundred pages,
        # not one page each); the rows the worker rewrites later go at the end, where the
        # recent days are. VACUUM lets the indexes answer without the table.
        with connection.cursor() as cursor:
            cursor.execute(f"CLUSTER {table} USING insight_facts_day")
            cursor.execute(f"VACUUM ANALYZE {table}")
    return written
