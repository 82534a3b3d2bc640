"""Hypothesis-generated malformed downloads: wrong encodings, missing columns, bad and future
dates, empty lines, duplicated rows. The importer never crashes, reports every bad row by its
line, and writes every good row exactly once."""

import csv
import datetime as dt
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homesafe.access.audit import ClientActor
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.imports import police_download_import
from homesafe.intake.models import PoliceReport
from homesafe.intake.notifications import STANDARD_COLUMNS
from tests.factories import ChildFactory
from tests.intake.helpers import parse_report

DEFECTS = {
    "bad_date": {"date_of_birth": "32/13/2011"},
    "future": {"reported_at": "01/01/2099 10:00"},
    "no_reference": {"police_reference": ""},
    "bad_risk": {"risk": "extreme"},
    "bad_nhs": {"nhs_number": "1234567890"},
    "last_seen_after_report": {"last_seen_at": "02/03/2026 12:00"},
    "bad_time": {"reported_at": "01/03/2026 25:61"},
}

entry = st.one_of(
    st.tuples(st.just("good"), st.integers(0, 7)),
    st.tuples(st.sampled_from(sorted(DEFECTS)), st.integers(0, 7)),
    st.tuples(st.just("empty"), st.just(0)),
    st.tuples(st.just("duplicate"), st.just(0)),
)


@pytest.fixture
def pool(world):
    la = world.orgs["la_a"]
    names = ["Zoë", "Ana", "Björn", "Chloé", "Dara", "Eilís", "Fern", "Gwen"]
    return [
        ChildFactory(
            responsible_la=la,
            first_name=name,
            last_name=f"Example{i}",
            date_of_birth=dt.date(2010, 1, 1) + dt.timedelta(days=97 * i),
        )
        for i, name in enumerate(names)
    ]


def good_row(child, ref: str) -> dict:
    return {
        "police_reference": ref,
        "forename": child.first_name,
        "surname": child.last_name,
        "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
        "reported_at": "01/03/2026 10:30",
        "last_seen_at": "2026-03-01T09:00",
        "risk": "low",
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entries=st.lists(entry, min_size=1, max_size=14),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    drop_column=st.sampled_from(
        [None, None, None, "postcode", "risk", "police_reference", "surname"]
    ),
    crlf=st.booleans(),
)
def test_malformed_files_never_crash_and_write_good_rows_once(
    world, pool, entries, encoding, drop_column, crlf
):
    columns = [c for c in STANDARD_COLUMNS if c != drop_column]
    lines = [",".join(columns)]
    expected: dict[int, tuple[str, str]] = {}  # line -> (kind, reference)
    used_children: set[int] = set()
    last_written: list[str] | None = None
    for kind, index in entries:
        if kind == "empty":
            lines.append("")
            continue
        if kind == "duplicate":
            if last_written is None:
                continue
            lines.append(last_written[0])
            expected[len(lines)] = ("duplicate", last_written[1])
            continue
        child = pool[index]
        if kind == "good":
            if child.pk in used_children:
                continue  # one good report per child: each is a new episode
            used_children.add(child.pk)
        ref = f"H-{len(lines)}"
        values = {**good_row(child, ref), **DEFECTS.get(kind, {})}
        out = io.StringIO()
        csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="").writerow(
            values
        )
        lines.append(out.getvalue())
        expected[len(lines)] = (kind, values["police_reference"])
        last_written = (out.getvalue(), values["police_reference"])
    content = ("\r\n" if crlf else "\n").join(lines).encode(encoding, errors="replace")

    with transaction.atomic():
        result = police_download_import(
            content=content, force=world.orgs["force_a"], actor=ClientActor("hypothesis")
        )
        report = {int(r["line"]): r for r in parse_report(result.report_csv())}
        assert set(report) == set(expected), "every row is reported once, by its line"
        whole_file_bad = drop_column in ("risk", "police_reference", "surname")
        for line, (kind, _ref) in expected.items():
            outcome = report[line]["outcome"]
            if whole_file_bad or kind in DEFECTS:
                assert outcome == "rejected", (line, kind, report[line])
                assert report[line]["field"], "a bad row names its field"
            elif kind == "good":
                assert outcome == "created", report[line]
            else:
                assert outcome in ("unchanged", "rejected"), report[line]
        good_refs = [ref for kind, ref in expected.values() if kind == "good"]
        for ref in good_refs if not whole_file_bad else []:
            assert MissingEpisode.objects.filter(police_reference=ref).count() == 1
            assert PoliceReport.objects.filter(police_reference=ref).count() == 1
        written = MissingEpisode.objects.filter(police_reference__startswith="H-").count()
        assert written == (0 if whole_file_bad else len(good_refs))
        transaction.set_rollback(True)
