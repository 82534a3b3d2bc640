"""Report packs (issue 15): asking for one (checked, audited, queued for the worker), building
it (a real XLSX whose figures are figures.py's, a real PDF), an analyst's pack suppressed, and
the task safe to run twice. Pages and downloads: test_packs_pages.py."""

import datetime as dt
import io
import re
import zlib
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from homesafe.access.choices import AuditVerb, Role
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.insight import figures, packs
from homesafe.insight.models import PackKind, PackStatus, ReportPack
from homesafe.insight.packs_files import cell_value, pack_html
from homesafe.insight.scope import children_counted_for
from homesafe.insight.services_packs import (
    PACK_KIND_UNKNOWN,
    PACK_NOT_ALLOWED,
    PACK_NOT_ENDED,
    report_pack_build,
    report_pack_request,
)
from homesafe.insight.suppression import SUPPRESSED
from tests.factories import UserFactory
from tests.insight.dataset import build

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
JANUARY = dt.datetime(2027, 1, 6, 10, 0, tzinfo=LONDON)
Q4 = figures.Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
Q3 = figures.Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))


@pytest.fixture
def data():
    return build()


def user(data, *roles):
    return UserFactory(organisation=data.la_a, roles=list(roles))


def request_and_build(actor, kind=PackKind.QUARTERLY, first_day=Q4.start) -> ReportPack:
    with time_machine.travel(JANUARY, tick=True):
        pack = report_pack_request(actor=actor, kind=kind, first_day=first_day)
        report_pack_build(pack_id=pack.pk)
    pack.refresh_from_db()
    return pack


def sheet_rows(pack: ReportPack, prefix: str) -> dict[str, list]:
    book = openpyxl.load_workbook(io.BytesIO(bytes(pack.xlsx)), read_only=True)
    (name,) = [n for n in book.sheetnames if n.startswith(prefix)]
    rows = list(book[name].iter_rows(min_row=4, values_only=True))
    return {row[0]: list(row[1:]) for row in rows if row[0]}


# Periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "first", "last", "previous_first", "label"),
    [
        (
            PackKind.MONTHLY,
            dt.date(2026, 1, 1),
            dt.date(2026, 1, 31),
            dt.date(2025, 12, 1),
            "January 2026",
        ),
        (
            PackKind.QUARTERLY,
            dt.date(2026, 10, 1),
            dt.date(2026, 12, 31),
            dt.date(2026, 7, 1),
            "October to December 2026",
        ),
        (
            PackKind.ANNUAL,
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            dt.date(2024, 4, 1),
            "April 2025 to March 2026",
        ),
    ],
)
def test_periods_and_the_period_before(kind, first, last, previous_first, label):
    period = packs.pack_period(kind, first)
    assert (period.start, period.end) == (first, last)
    assert packs.previous_period(kind, period).start == previous_first
    assert packs.period_label(kind, period) == label


def test_the_same_period_a_year_before_and_the_periods_offered():
    assert packs.year_before(figures.Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))) == (
        figures.Period(dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    )
    offered = packs.ended_periods(PackKind.QUARTERLY, dt.date(2026, 11, 24), 2)
    assert [p.start for p in offered] == [dt.date(2026, 7, 1), dt.date(2026, 4, 1)]
    (year,) = packs.ended_periods(PackKind.ANNUAL, dt.date(2026, 4, 1), 1)
    assert year == figures.Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert packs.short_label(PackKind.ANNUAL, year) == "2025-26"
    assert packs.short_label(PackKind.QUARTERLY, Q4) == "Oct to Dec 2026"


# Asking for a pack -------------------------------------------------------------------------


def test_asking_for_a_pack_is_audited_and_queues_the_worker(
    data, django_capture_on_commit_callbacks
):
    cmo = user(data, Role.MISSING_COORDINATOR)
    with time_machine.travel(JANUARY, tick=True), django_capture_on_commit_callbacks(execute=True):
        pack = report_pack_request(actor=cmo, kind=PackKind.QUARTERLY, first_day=Q4.start)
    assert (pack.first_day, pack.last_day) == (Q4.start, Q4.end)
    assert pack.status == PackStatus.QUEUED and pack.organisation_id == data.la_a.pk
    assert not pack.suppressed
    entry = AuditEntry.objects.get(verb=AuditVerb.PACK_REQUESTED)
    assert entry.actor == cmo and entry.target_id == str(pack.pk)
    assert entry.payload == {
        "kind": "quarterly",
        "from": "2026-10-01",
        "to": "2026-12-31",
        "suppressed": False,
    }
    queued = DBTaskResult.objects.get(task_path="homesafe.insight.tasks.report_pack_build_task")
    assert queued.args_kwargs["args"] == [pack.pk]


@pytest.mark.parametrize(
    ("kind", "first_day", "field", "message"),
    [
        ("weekly", dt.date(2026, 10, 1), "kind", PACK_KIND_UNKNOWN),
        (PackKind.QUARTERLY, dt.date(2026, 11, 1), "period", "January, April, July or October"),
        (PackKind.ANNUAL, dt.date(2026, 1, 1), "period", "April"),
        (PackKind.MONTHLY, dt.date(2026, 10, 2), "period", "first day"),
        (
            PackKind.MONTHLY,
            dt.date(2027, 1, 1),
            "period",
            PACK_NOT_ENDED.format(label="January 2027"),
        ),
    ],
)
def test_a_wrong_kind_or_period_is_refused(data, kind, first_day, field, message):
    cmo = user(data, Role.MISSING_COORDINATOR)
    with time_machine.travel(JANUARY, tick=True), pytest.raises(ValidationError) as error:
        report_pack_request(actor=cmo, kind=kind, first_day=first_day)
    assert message in error.value.message_dict[field][0]
    assert not ReportPack.objects.exists()
    assert not AuditEntry.objects.filter(verb=AuditVerb.PACK_REQUESTED).exists()


def test_only_insight_users_ask_for_packs(data):
    with pytest.raises(ApplicationError, match=PACK_NOT_ALLOWED):
        report_pack_request(
            actor=user(data, Role.SOCIAL_WORKER), kind=PackKind.MONTHLY, first_day=Q3.start
        )


# Building it -------------------------------------------------------------------------------


def test_the_workbook_holds_figures_py_figures_with_their_trend(data):
    cmo = user(data, Role.MISSING_COORDINATOR)
    pack = request_and_build(cmo)
    assert pack.status == PackStatus.READY and pack.progress == 100 and pack.finished_at

    children = children_counted_for(cmo)
    now = figures.kpis(period=Q4, children=children)
    before = figures.kpis(period=Q3, children=children)
    year_before = figures.kpis(period=packs.year_before(Q4), children=children)
    # Worked by hand (tests/insight/dataset.py): Authority A's children had e1, e2 and e3 in
    # October and c4's of 1 November; c4's episode of 30 September is the quarter before's
    # only one.
    assert (now["episodes"], before["episodes"], year_before["episodes"]) == (4, 1, 0)

    headline = sheet_rows(pack, "01")
    for key in ("episodes", "children", "children_repeat", "returned", "rhi_offered"):
        label = packs.LABELS[key]
        this, prev, change, last_year, change_year = headline[label]
        assert (this, prev, last_year) == (now[key], before[key], year_before[key])
        assert change == now[key] - before[key] and change_year == now[key] - year_before[key]
        assert all(isinstance(v, int) for v in headline[label])
    assert headline["Missing and away episodes"][:3] == [4, 1, 3]
    assert headline["Never graded"][0] == now["episodes_by_risk"]["not_graded"] == 1

    months = sheet_rows(pack, "02")
    assert months["October 2026"] == [3, 2] and months["November 2026"] == [1, 1]
    assert months["September 2026"] == [1, 1]
    assert len(months) == packs.TREND_MONTHS
    # The dashboard's breakdowns follow, one sheet each: episodes by cohort.
    cohort = sheet_rows(pack, "03")
    assert cohort["Looked after"] == [2]


def _inflated(pdf: bytes):
    """Every compressed stream of the PDF, inflated (no PDF reader is installed)."""
    for found in re.finditer(rb"stream\r?\n", pdf):
        try:
            yield zlib.decompressobj().decompress(pdf[found.end() :])
        except zlib.error:
            continue


def test_the_pdf_is_a_real_pdf_with_the_figures(data):
    pack = request_and_build(user(data, Role.MISSING_COORDINATOR))
    pdf = bytes(pack.pdf)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 5_000
    # A tagged PDF/UA document: its structure tree, language and PDF/UA claim are there.
    streams = b"".join(_inflated(pdf))
    assert b"StructTreeRoot" in streams and b"pdfuaid" in streams and b"/Lang" in streams
    # The same content as the PDF's pages, as the HTML WeasyPrint lays out.
    with time_machine.travel(JANUARY, tick=True):
        content = packs.pack_content(
            kind=PackKind.QUARTERLY,
            period=Q4,
            user=pack.requested_by,
            now=JANUARY,
        )
    html = pack_html(content)
    assert "Quarterly pack: October to December 2026" in html
    assert "data:image/svg+xml;base64," in html  # the chart, drawn as SVG
    assert "Episodes by cohort on the day of the report" in html


def test_an_analysts_pack_shows_no_count_under_5_and_no_name(data):
    analyst = user(data, Role.ANALYST)
    pack = request_and_build(analyst)
    assert pack.suppressed and pack.status == PackStatus.READY
    headline = sheet_rows(pack, "01")
    # 4 episodes this quarter, 1 the quarter before: both under 5, so is the change.
    assert headline["Missing and away episodes"][:3] == [SUPPRESSED, SUPPRESSED, "-"]
    book = openpyxl.load_workbook(io.BytesIO(bytes(pack.xlsx)), read_only=True)
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert not [c for c in cells if isinstance(c, int | float) and 0 < c < 5]
    names = {c.full_name for c in (data.c1, data.c2, data.c3, data.c4)}
    names |= {c.last_name for c in (data.c1, data.c2, data.c3, data.c4)}
    assert not [c for c in cells if isinstance(c, str) and any(n in c for n in names)]
    assert "Numbers under 5" in " ".join(c for c in cells if isinstance(c, str))


def test_running_the_task_twice_changes_nothing(data):
    pack = request_and_build(user(data, Role.MISSING_COORDINATOR))
    xlsx, finished = bytes(pack.xlsx), pack.finished_at
    report_pack_build(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY and bytes(pack.xlsx) == xlsx
    assert pack.finished_at == finished


def test_a_pack_left_building_by_a_stopped_worker_is_built_again(data):
    cmo = user(data, Role.MISSING_COORDINATOR)
    with time_machine.travel(JANUARY, tick=True):
        pack = report_pack_request(actor=cmo, kind=PackKind.MONTHLY, first_day=dt.date(2026, 10, 1))
        ReportPack.objects.filter(pk=pack.pk).update(status=PackStatus.BUILDING, progress=45)
        report_pack_build(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY
    # A monthly pack compares with the month before and the same month a year before.
    assert sheet_rows(pack, "01")["Missing and away episodes"] == [3, 1, 2, 0, 3]


def test_a_pack_that_cannot_be_built_fails_with_a_clear_state(data, monkeypatch):
    cmo = user(data, Role.MISSING_COORDINATOR)

    def broken(content):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("homesafe.insight.services_packs.pack_pdf", broken)
    pack = request_and_build(cmo)
    assert pack.status == PackStatus.FAILED and "could not be built" in pack.error
    assert bytes(pack.pdf) == b""


def test_cells_become_numbers():
    assert cell_value("1,234") == 1234 and cell_value("45%") == 0.45
    assert cell_value(SUPPRESSED) == SUPPRESSED and cell_value("-") == "-"


def test_a_pack_whose_task_gave_up_is_failed_saying_so(data, django_capture_on_commit_callbacks):
    from django.tasks.base import TaskResultStatus

    from homesafe.insight.services_packs import PACK_INTERRUPTED, report_packs_fail_interrupted

    cmo = user(data, Role.MISSING_COORDINATOR)
    with time_machine.travel(JANUARY, tick=True), django_capture_on_commit_callbacks(execute=True):
        given_up = report_pack_request(actor=cmo, kind=PackKind.MONTHLY, first_day=Q3.start)
        waiting = report_pack_request(
            actor=cmo, kind=PackKind.MONTHLY, first_day=Q3.end.replace(day=1)
        )
    ReportPack.objects.filter(pk=given_up.pk).update(status=PackStatus.BUILDING, progress=45)
    DBTaskResult.objects.filter(args_kwargs__args=[given_up.pk]).update(
        status=TaskResultStatus.FAILED
    )
    assert report_packs_fail_interrupted() == 1
    given_up.refresh_from_db()
    waiting.refresh_from_db()
    assert given_up.status == PackStatus.FAILED and given_up.error == PACK_INTERRUPTED
    assert waiting.status == PackStatus.QUEUED  # its task has not run yet
