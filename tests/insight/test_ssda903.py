"""The SSDA903 return built from HomeSafe's record (homesafe/insight/ssda903.py) and the
`homesafe export_ssda903` command: the year's bounds, carried-over and open episodes, the dates'
format, the per-child breaches, --force and the audit entry."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.episodes.choices import EpisodeStatus, EpisodeType
from homesafe.insight.management.commands.export_ssda903 import BREACHES_FOUND
from homesafe.insight.returns import LA_UNKNOWN, NO_LA
from homesafe.insight.ssda903 import COLUMNS, YEAR_INVALID, CollectionYear, YearError
from homesafe.people.choices import LegalStatus, PlacementType, Sex
from homesafe.people.models import CarePeriod
from tests.factories import ChildFactory, EpisodeFactory, OrganisationFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def at(y, m, d, hour=20):
    return datetime(y, m, d, hour, 0, tzinfo=UTC)


def episode(child, seen, back=None, kind=EpisodeType.MISSING, **extra):
    status = EpisodeStatus.RETURNED if back else EpisodeStatus.MISSING
    return EpisodeFactory(
        child=child, episode_type=kind, status=status, last_seen_at=seen, returned_at=back, **extra
    )


@pytest.fixture
def la():
    return OrganisationFactory(code="891", name="Sherwood Vale")


@pytest.fixture
def child(la):
    """In care since January 2024 (care order), fostered, then moved to a children's home on
    1 September 2025."""
    child = ChildFactory(
        responsible_la=la, la_child_id="C1001", date_of_birth=date(2010, 6, 1), sex=Sex.FEMALE
    )
    CarePeriod.objects.create(
        child=child,
        legal_status=LegalStatus.CARE_ORDER,
        placing_la=la,
        started_on=date(2024, 1, 10),
    )
    PlacementFactory(
        child=child,
        placement_type=PlacementType.FOSTER,
        started_on=date(2024, 1, 10),
        ended_on=date(2025, 8, 31),
        postcode="NG1 1AA",
    )
    PlacementFactory(
        child=child, placement_type=PlacementType.RESIDENTIAL, started_on=date(2025, 9, 1)
    )
    return child


def read(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def export(tmp_path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "export_ssda903", "--year", "2025-26", "--out", str(tmp_path), *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_the_collection_year_runs_from_1_april_to_31_march():
    year = CollectionYear.parse("2025-26")
    assert (year.start, year.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert (year.validator_year, year.validator_ruleset) == ("2026", "lac2025_26")
    for wrong in ("2025-27", "2025/26", "25-26", "2025"):
        with pytest.raises(YearError, match=YEAR_INVALID):
            CollectionYear.parse(wrong)


def test_the_three_tables_as_the_validator_reads_them(child, tmp_path):
    episode(child, at(2025, 3, 30), at(2025, 4, 2))  # carried over from 2024-25, ended in April
    episode(child, at(2025, 6, 14, 23), at(2025, 6, 15, 1), kind=EpisodeType.AWAY)
    episode(child, at(2026, 3, 30), at(2026, 4, 3))  # still out on 31 March: no end this year
    episode(child, at(2025, 2, 1), at(2025, 2, 2))  # all in last year: not in this one
    voided = episode(child, at(2025, 7, 1), at(2025, 7, 2))
    voided.status, voided.voided_at, voided.void_reason = EpisodeStatus.VOIDED, at(2025, 7, 3), "x"
    voided.save()

    out, err = export(tmp_path)

    assert err == ""
    assert "1 children, 2 episodes, 3 missing or away periods" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "episodes.csv",
        "header.csv",
        "missing.csv",
    ]
    assert read(tmp_path / "header.csv") == [
        COLUMNS["Header"],
        ["C1001", "F", "01/06/2010", "NOBT", "", "", ""],
    ]
    assert read(tmp_path / "episodes.csv") == [
        COLUMNS["Episodes"],
        ["C1001", "10/01/2024", "S", "C2", "", "U6", "", "01/09/2025", "X1", "", "", "NG1 1AA", ""],
        ["C1001", "01/09/2025", "P", "C2", "", "K2", "", "", "", "", "", "", ""],
    ]
    assert read(tmp_path / "missing.csv") == [
        COLUMNS["Missing"],
        ["C1001", "01/06/2010", "M", "30/03/2025", "02/04/2025"],
        # London dates: 23:00 UTC on 14 June is 00:00 on the 15th in London.
        ["C1001", "01/06/2010", "A", "15/06/2025", "15/06/2025"],
        ["C1001", "01/06/2010", "M", "30/03/2026", ""],
    ]


def test_a_child_who_stops_being_looked_after_while_missing_has_the_episode_end_then(
    child, tmp_path, la
):
    CarePeriod.objects.filter(child=child).update(ended_on=date(2025, 10, 5))
    episode(child, at(2025, 10, 1))  # still missing today

    export(tmp_path)

    episodes = read(tmp_path / "episodes.csv")
    assert episodes[-1][7:9] == ["05/10/2025", "E8"]
    assert read(tmp_path / "missing.csv")[1] == [
        "C1001",
        "01/06/2010",
        "M",
        "01/10/2025",
        "05/10/2025",
    ]


def test_episodes_before_care_began_are_not_in_the_return(child, tmp_path):
    other = ChildFactory(responsible_la=child.responsible_la)
    episode(other, at(2025, 5, 1), at(2025, 5, 2))  # never looked after
    CarePeriod.objects.filter(child=child).update(started_on=date(2025, 5, 10))
    episode(child, at(2025, 5, 1), at(2025, 5, 2))  # before care

    export(tmp_path)

    assert read(tmp_path / "missing.csv") == [COLUMNS["Missing"]]
    assert [row[0] for row in read(tmp_path / "header.csv")[1:]] == ["C1001"]


def test_a_breach_is_printed_per_child_and_rule_and_nothing_is_written(child, tmp_path):
    # Two episodes recorded over each other (rule 574), the second still open.
    episode(child, at(2025, 10, 1), at(2025, 10, 5))
    episode(child, at(2025, 10, 3))

    with pytest.raises(CommandError) as raised:
        export(tmp_path)

    assert raised.value.returncode == 1
    assert str(raised.value) == BREACHES_FOUND.format(count=1)
    assert not any(tmp_path.iterdir())
    assert not AuditEntry.objects.filter(verb=AuditVerb.RETURN_EXPORTED).exists()


def test_the_breach_names_the_child_and_the_rule(child, tmp_path):
    episode(child, at(2025, 10, 1), at(2025, 10, 5))
    episode(child, at(2025, 10, 3))

    _out, err = export(tmp_path, "--force")

    assert err.strip() == (
        f"Sherwood Vale (891), 2025-26: child C1001 (HomeSafe child {child.pk}): rule 574, "
        "Missing row 1: A new missing/away from placement without authorisation period cannot "
        "start when the previous missing/away from placement without authorisation period is "
        "still open. Missing/away from placement without authorisation periods should also not "
        "overlap."
    )


def test_force_writes_the_return_with_its_breaches_and_the_export_is_audited(child, tmp_path):
    child.date_of_birth = date(2025, 6, 2)  # born after the episode began (rule 586)
    child.save()
    episode(child, at(2025, 6, 1), at(2025, 6, 5))

    out, err = export(tmp_path, "--force")

    assert "rule 586" in err and "child C1001" in err
    assert "with 1 breach(es) (--force)" in out
    assert (tmp_path / "missing.csv").exists()
    entry = AuditEntry.objects.get(verb=AuditVerb.RETURN_EXPORTED)
    assert entry.payload == {
        "return": "ssda903",
        "year": "2025-26",
        "files": ["episodes.csv", "header.csv", "missing.csv"],
        "forced": True,
        "children": [child.pk],
    }
    assert entry.actor_label == "cli:export_ssda903:891:2025-26"


def test_an_unknown_authority_or_none_at_all_is_said(la, tmp_path):
    with pytest.raises(CommandError, match=LA_UNKNOWN.format(code="999")):
        export(tmp_path, "--la", "999")
    with pytest.raises(CommandError, match=NO_LA.format(year="2025-26")):
        export(tmp_path)


def test_an_open_episode_from_a_placement_that_has_ended_is_rule_575(child, tmp_path):
    """Still missing from the foster home, which ended on 31 August: the DfE wants the period
    ended (the CMO records the return or corrects the placement)."""
    episode(child, at(2025, 8, 20))

    _out, err = export(tmp_path, "--force")

    assert f"child C1001 (HomeSafe child {child.pk}): rule 575, Missing row 1" in err


def test_last_years_return_checks_rule_576(child, tmp_path):
    """An episode open over 31 March 2025 is open in 2024-25's return and starts 2025-26's;
    a last year's return that says another start is a breach of rule 576."""
    episode(child, at(2025, 3, 30), at(2025, 4, 2))
    last_year, this_year = tmp_path / "2024-25", tmp_path / "2025-26"
    call_command(
        "export_ssda903", "--year", "2024-25", "--out", str(last_year), stdout=io.StringIO()
    )
    assert read(last_year / "missing.csv")[1] == ["C1001", "01/06/2010", "M", "30/03/2025", ""]

    _out, err = export(this_year, "--previous", str(last_year))
    assert err == ""

    (last_year / "missing.csv").write_text(
        "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1001,01/06/2010,M,28/03/2025,\n"
    )
    with pytest.raises(CommandError):
        export(this_year, "--previous", str(last_year))


def test_a_wrong_year_is_said(la, tmp_path):
    with pytest.raises(CommandError, match=YEAR_INVALID):
        call_command("export_ssda903", "--year", "2025", "--out", str(tmp_path))
