"""A synthetic SSDA903 return (Header, Episodes, Missing) of any size, for the benchmark
(bench/bench_ssda903.py: a national-size Missing table) and for the test that holds HomeSafe's
checks to the DfE's validator on a messy return. No database: tables only.

Shaped by DOMAIN.md's scale notes: about 83,000 children looked after in England in a year,
86,900 missing incidents, 6.8 incidents per child who goes missing, most back within 2 days.
`messy` is the share of Missing rows given one of the faults the missing rules look for (a bad
date or code, a blank, an overlap, a start outside care, another date of birth...).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl

from homesafe.insight.ssda903 import COLUMNS, CollectionYear, dmy


def _frame(name: str, rows: list[list[str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS[name], pl.String), orient="row")


def synthetic_return(
    *, missing_rows: int, year: CollectionYear, seed: int = 903, messy: float = 0.0
) -> dict[str, pl.DataFrame]:
    """{"Header", "Episodes", "Missing", "Missing_last"} with about `missing_rows` Missing rows."""
    rng = random.Random(seed)
    children_missing = max(1, round(missing_rows / 6.8 * 1.1))  # rows run out first
    children = max(children_missing, round(children_missing * 83_000 / 12_800))
    header, episodes, missing, missing_last = [], [], [], []
    rows_left = missing_rows
    for n in range(children):
        child = f"{100000 + n}"
        dob = year.start - timedelta(days=rng.randint(365 * 1, 365 * 17))
        decom = max(dob + timedelta(days=1), year.start - timedelta(days=rng.randint(-200, 3000)))
        if decom > year.end:
            decom = year.end - timedelta(days=30)
        ended = rng.random() < 0.25
        dec = decom + timedelta(days=rng.randint(30, 900)) if ended else None
        if dec is not None and (dec <= year.start or dec > year.end):
            dec = None
        header.append([child, rng.choice("MF"), dmy(dob), "WBRI", None, None, None])
        moved = dec is None and rng.random() < 0.3
        if moved:
            change = max(decom, year.start) + timedelta(days=rng.randint(1, 200))
            episodes.append(
                [
                    child,
                    dmy(decom),
                    "S",
                    "C2",
                    "N1",
                    "U6",
                    "PR1",
                    dmy(change),
                    "X1",
                    "CARPL",
                    None,
                    None,
                    None,
                ]
            )
            episodes.append(
                [
                    child,
                    dmy(change),
                    "P",
                    "C2",
                    "N1",
                    "K2",
                    "PR1",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
        else:
            rec = "E8" if dec else None
            episodes.append(
                [
                    child,
                    dmy(decom),
                    "S",
                    "C2",
                    "N1",
                    "U6",
                    "PR1",
                    dmy(dec),
                    rec,
                    None,
                    None,
                    None,
                    None,
                ]
            )
        if n >= children_missing or rows_left <= 0:
            continue
        count = min(rows_left, max(1, round(rng.expovariate(1 / 6.8))))
        rows_left -= count
        first = max(decom, year.start)
        last = min(dec or year.end, year.end)
        span = max(1, (last - first).days)
        starts = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count))
        previous_end: date | None = None
        if decom < year.start - timedelta(days=5) and rng.random() < 0.05:
            # Open at last year's end: in last year's return open, in this year's with its end.
            carried = year.start - timedelta(days=rng.randint(1, 5))
            previous_end = year.start + timedelta(days=rng.randint(0, 2))
            missing_last.append([child, dmy(dob), "M", dmy(carried), None])
            missing.append([child, dmy(dob), "M", dmy(carried), dmy(previous_end)])
        for i, start in enumerate(starts):
            if previous_end is not None and start < previous_end:
                start = previous_end
            length = (
                0
                if rng.random() < 0.6
                else rng.randint(1, 2)
                if rng.random() < 0.9
                else rng.randint(3, 20)
            )
            end: date | None = start + timedelta(days=length)
            if end > last:
                end = None if dec is None else dec
            if i < count - 1 and end is None:
                end = start
            kind = "M" if rng.random() < 0.8 else "A"
            row = [child, dmy(dob), kind, dmy(start), dmy(end)]
            if messy and rng.random() < messy:
                row = _spoil(rng, row, dob, year)
            missing.append(row)
            previous_end = end
    return {
        "Header": _frame("Header", header),
        "Episodes": _frame("Episodes", episodes),
        "Missing": _frame("Missing", missing),
        "Missing_last": _frame("Missing", missing_last),
    }


def _spoil(rng: random.Random, row: list, dob: date, year: CollectionYear) -> list:
    child, born, kind, start, end = row
    fault = rng.randrange(11)
    if fault == 0:
        start = "31/02/2025"
    elif fault == 1:
        end = "2025-13-01"
    elif fault == 2:
        kind = "X"
    elif fault == 3:
        start = None
    elif fault == 4:
        kind = None
    elif fault == 5 and start:
        end = dmy(year.start - timedelta(days=3))
    elif fault == 6:
        start = dmy(year.end + timedelta(days=2))
    elif fault == 7:
        end = None  # left open, perhaps under a later row
    elif fault == 8:
        born = dmy(dob + timedelta(days=1))
    elif fault == 9:
        child = f"X{child}"
    else:
        start = dmy(dob - timedelta(days=10))
    return [child, born, kind, start, end]
