"""HomeSafe's checks of the DfE's SSDA903 missing rules (homesafe/insight/ssda903_rules.py):
for each rule a return that breaks it, caught by HomeSafe's check on exactly the rows the rule
names; and the DfE's validator (csc-validator-be-903) flags the same rows on the same files."""

from dataclasses import dataclass, field
from datetime import date

import polars as pl
import pytest

from homesafe.insight.ssda903 import COLUMNS, CollectionYear, table_read
from homesafe.insight.ssda903_rules import CHECKS, RULES, Tables, ssda903_missing_check
from homesafe.insight.ssda903_synthetic import synthetic_return
from homesafe.insight.ssda903_validator import validator_run
from tests.insight.test_ssda903_validator import needs_validator

YEAR = CollectionYear.parse("2025-26")
DOB = "01/06/2010"


@dataclass
class Case:
    """One child's tables, breaking one rule; `flagged`: the rows of the rule's table it names."""

    child: str
    missing: list[dict]
    flagged: list[int]
    episodes: list[dict] = field(default_factory=list)
    header: list[dict] | None = None
    missing_last: list[dict] = field(default_factory=list)


def _episode(child, decom, dec=None, rne="S", rec=None):
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": "C2",
        "PLACE": "U6",
        "DEC": dec,
        "REC": rec,
    }


def _missing(child, start, end=None, kind="M", dob=DOB):
    return {"CHILD": child, "DOB": dob, "MISSING": kind, "MIS_START": start, "MIS_END": end}


def _case(rule: str) -> Case:
    c = f"C{rule}"
    looked_after = [_episode(c, "01/01/2024")]
    cases = {
        "1004": Case(c, [_missing(c, "12/05/2025", "13/05/2025"), _missing(c, "31/02/2025")], [1]),
        "1005": Case(c, [_missing(c, "12/05/2025", "2025-05-13")], [0]),
        "1006": Case(c, [_missing(c, "12/05/2025", "13/05/2025", kind="X")], [0]),
        "564": Case(c, [_missing(c, None, None)], [0]),
        "565": Case(c, [_missing(c, "12/05/2025", "13/05/2025", kind=None)], [0]),
        "566": Case(c, [_missing(c, None, "13/05/2025", kind=None)], [0]),
        "567": Case(c, [_missing(c, "12/05/2025", "10/05/2025")], [0]),
        "570": Case(c, [_missing(c, "02/04/2026")], [0]),
        "571": Case(
            c,
            [_missing(c, "01/03/2025", "31/03/2025"), _missing(c, "30/03/2026", "02/04/2026")],
            [0, 1],
        ),
        # The second starts while the first is still open.
        "574": Case(c, [_missing(c, "01/06/2025"), _missing(c, "03/06/2025", "04/06/2025")], [1]),
        # The placement it began in ended (a new one began) and the period has no end.
        "575": Case(
            c,
            [_missing(c, "15/06/2025")],
            [0],
            episodes=[
                _episode(c, "01/01/2024", "01/07/2025", rec="X1"),
                _episode(c, "01/07/2025", rne="P"),
            ],
        ),
        # Open at the end of last year, but this year's rows start later.
        "576": Case(
            c,
            [_missing(c, "25/03/2025", "27/03/2025")],
            [0],
            missing_last=[_missing(c, "20/03/2025")],
        ),
        # Care ended, and the period did not.
        "577": Case(
            c,
            [_missing(c, "15/07/2025")],
            [0],
            episodes=[_episode(c, "01/01/2024", "01/08/2025", rec="E8")],
        ),
        # Began after care ended.
        "578": Case(
            c,
            [_missing(c, "10/08/2025", "11/08/2025")],
            [0],
            episodes=[_episode(c, "01/01/2024", "01/08/2025", rec="E8")],
        ),
        # Missing on the 18th birthday, care ended that day for a reason other than E8.
        "580": Case(
            c,
            [_missing(c, "10/08/2025", "15/08/2025", dob="15/08/2007")],
            [0],
            episodes=[_episode(c, "01/01/2024", "15/08/2025", rec="E41")],
            header=[{"CHILD": c, "SEX": "M", "DOB": "15/08/2007"}],
        ),
        # Began before care did.
        "581": Case(
            c, [_missing(c, "01/08/2025", "02/08/2025")], [0], episodes=[_episode(c, "01/09/2025")]
        ),
        "586": Case(
            c,
            [_missing(c, "10/05/2025", "11/05/2025", dob="20/05/2025")],
            [0],
            episodes=[_episode(c, "01/05/2025")],
            header=[{"CHILD": c, "SEX": "F", "DOB": "20/05/2025"}],
        ),
        "INT04": Case(c, [_missing(c, "12/05/2025", "13/05/2025")], [0], header=[]),
        "INT13": Case(c, [_missing(c, "12/05/2025", "13/05/2025", dob="02/06/2010")], [0]),
    }
    case = cases[rule]
    case.episodes = case.episodes or looked_after
    if case.header is None:
        case.header = [{"CHILD": c, "SEX": "M", "DOB": DOB}]
    return case


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    columns = COLUMNS[name]
    return pl.DataFrame(
        [{column: row.get(column) for column in columns} for row in rows],
        schema=dict.fromkeys(columns, pl.String),
        orient="row",
    )


def _tables(cases: list[Case]) -> Tables:
    last = [row for case in cases for row in case.missing_last]
    return Tables(
        header=_frame("Header", [row for case in cases for row in case.header]),
        episodes=_frame("Episodes", [row for case in cases for row in case.episodes]),
        missing=_frame("Missing", [row for case in cases for row in case.missing]),
        collection_start=YEAR.start,
        collection_end=YEAR.end,
        missing_last=_frame("Missing", last) if last else None,
    )


def test_every_missing_rule_of_domain_md_is_checked():
    assert (
        set(CHECKS)
        == set(RULES)
        == {
            *[
                "1004",
                "1005",
                "1006",
                "564",
                "565",
                "566",
                "567",
                "570",
                "571",
                "574",
                "575",
                "576",
                "577",
                "578",
                "580",
                "581",
                "586",
            ],
            "INT04",
            "INT13",
        }
    )


@pytest.mark.parametrize("rule", RULES)
def test_the_check_catches_the_rules_violation(rule):
    case = _case(rule)
    table, check = CHECKS[rule]

    assert check(_tables([case])) == case.flagged
    breaches = [b for b in ssda903_missing_check(_tables([case])) if b.rule == rule]
    assert [(b.child, b.table, b.row) for b in breaches] == [
        (case.child, table, r) for r in case.flagged
    ]


@pytest.mark.parametrize("rule", RULES)
def test_a_child_who_breaks_no_rule_is_not_flagged(rule):
    """The same child, set right: looked after from 2024, one period within the year."""
    c = f"OK{rule}"
    good = Case(
        c,
        [
            _missing(c, "20/03/2025", "02/04/2025"),  # carried over from last year
            _missing(c, "12/05/2025", "13/05/2025"),
            _missing(c, "30/03/2026"),  # open at the year end
        ],
        [],
        episodes=[_episode(c, "01/01/2024")],
        header=[{"CHILD": c, "SEX": "M", "DOB": DOB}],
        missing_last=[_missing(c, "20/03/2025")],
    )
    assert CHECKS[rule][1](_tables([good])) == []


def test_rule_576_is_checked_only_with_last_years_table():
    case = _case("576")
    case.missing_last = []
    assert CHECKS["576"][1](_tables([case])) == []


def test_the_validator_flags_the_same_rows_on_the_same_files(tmp_path):
    """Every rule's case in one return, written as CSV: HomeSafe's checks on the files as read
    back and the DfE's validator on the same files name the same rows for every missing rule."""
    needs_validator()
    tables = _tables([_case(rule) for rule in RULES])
    this_year, last_year = tmp_path / "this", tmp_path / "last"
    this_year.mkdir()
    last_year.mkdir()
    for name, frame in (
        ("header", tables.header),
        ("episodes", tables.episodes),
        ("missing", tables.missing),
    ):
        frame.write_csv(this_year / f"{name}.csv", null_value="")
    tables.missing_last.write_csv(last_year / "missing.csv", null_value="")
    read = Tables(
        header=table_read(this_year / "header.csv"),
        episodes=table_read(this_year / "episodes.csv"),
        missing=table_read(this_year / "missing.csv"),
        collection_start=YEAR.start,
        collection_end=YEAR.end,
        missing_last=table_read(last_year / "missing.csv"),
    )

    ours = {(b.rule, b.table, b.row) for b in ssda903_missing_check(read)}
    result = validator_run(this_year, year=YEAR, select=list(RULES), previous=last_year)
    theirs = {(e.rule, e.table, e.row) for e in result.errors if e.rule in RULES}

    assert result.fails == []
    assert ours == theirs
    assert {rule for rule, _table, _row in ours} == set(RULES)


def test_dates_are_read_as_the_validator_reads_them():
    """An unreadable date is no date (1004), not an error of the check itself."""
    case = Case("X", [_missing("X", "not a date", "also not")], [0])
    case.episodes, case.header = [_episode("X", "01/01/2024")], [{"CHILD": "X", "DOB": DOB}]
    rules = {b.rule for b in ssda903_missing_check(_tables([case]))}
    assert {"1004", "1005"} <= rules
    assert date(2026, 3, 31) == YEAR.end


def _write(tables: dict[str, pl.DataFrame], folder, last_folder) -> Tables:
    folder.mkdir()
    last_folder.mkdir()
    for name in ("Header", "Episodes", "Missing"):
        tables[name].write_csv(folder / f"{name.lower()}.csv", null_value="")
    tables["Missing_last"].write_csv(last_folder / "missing.csv", null_value="")
    return Tables(
        header=table_read(folder / "header.csv"),
        episodes=table_read(folder / "episodes.csv"),
        missing=table_read(folder / "missing.csv"),
        collection_start=YEAR.start,
        collection_end=YEAR.end,
        missing_last=table_read(last_folder / "missing.csv"),
    )


def test_on_a_messy_synthetic_return_the_validator_and_homesafe_flag_the_same_rows(tmp_path):
    """3,000 Missing rows, one in eight spoiled in one of a dozen ways (ssda903_synthetic)."""
    needs_validator()
    synthetic = synthetic_return(missing_rows=3000, year=YEAR, seed=15, messy=0.12)
    read = _write(synthetic, tmp_path / "this", tmp_path / "last")

    ours = {(b.rule, b.table, b.row) for b in ssda903_missing_check(read)}
    result = validator_run(
        tmp_path / "this", year=YEAR, select=list(RULES), previous=tmp_path / "last"
    )
    theirs = {(e.rule, e.table, e.row) for e in result.errors if e.rule in RULES}

    assert result.fails == []
    assert len(ours) > 200
    assert ours == theirs
