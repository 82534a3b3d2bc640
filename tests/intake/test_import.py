"""The daily download: rows checked, matched and applied once, reported line by line."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from homesafe.access.audit import ClientActor
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.intake.choices import ReviewStatus
from homesafe.intake.imports import police_download_import
from homesafe.intake.models import ForceMapping, IdentityReview, PoliceReport
from homesafe.intake.notifications import LONDON
from homesafe.people.models import Child
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, parse_report, row_for

ACTOR = ClientActor("test import")


@pytest.fixture
def kids(world):
    """Three children of LA A with distinct names and no episodes."""
    la = world.orgs["la_a"]
    return [
        ChildFactory(
            responsible_la=la,
            first_name="Amelia",
            last_name="Hartley",
            date_of_birth=dt.date(2010, 2, 3),
        ),
        ChildFactory(
            responsible_la=la,
            first_name="Bilal",
            last_name="Okafor",
            date_of_birth=dt.date(2011, 7, 21),
            police_person_id="P-77",
        ),
        ChildFactory(
            responsible_la=la,
            first_name="Chloe",
            last_name="Nguyen",
            date_of_birth=dt.date(2009, 11, 30),
            nhs_number="9434765919",
        ),
    ]


def run(world, content: bytes, **kwargs):
    return police_download_import(
        content=content, force=world.orgs["force_a"], actor=ACTOR, **kwargs
    )


def test_import_creates_then_reimport_changes_nothing_then_a_later_file_updates(world, kids):
    a, b, c = kids
    rows = [
        row_for(a, "R1"),
        {**row_for(b, "R2", forename="Bil", surname="X"), "person_id": "P-77"},
        {**row_for(c, "R3"), "nhs_number": "943 476 5919", "risk": "High"},
    ]
    result = run(world, csv_bytes(rows))
    assert result.counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "needs_review": 0,
        "rejected": 0,
    }
    e1 = MissingEpisode.objects.get(police_reference="R1")
    assert e1.child == a and e1.last_seen_at == dt.datetime(2026, 3, 1, 9, 0, tzinfo=LONDON)
    assert MissingEpisode.objects.get(police_reference="R2").child == b
    e3 = MissingEpisode.objects.get(police_reference="R3")
    assert e3.child == c and e3.gradings.get().grade == "high"
    counts = (MissingEpisode.objects.count(), RiskGrading.objects.count())

    again = run(world, csv_bytes(rows))
    assert again.counts["unchanged"] == 3 and again.counts["created"] == 0
    assert (MissingEpisode.objects.count(), RiskGrading.objects.count()) == counts

    later = [
        {
            **rows[0],
            "found_at": "02/03/2026 08:15",
            "found_by": "police",
            "closed_reason": "Found safe",
        },
        {**rows[1], "risk": "high"},
        rows[2],
    ]
    result = run(world, csv_bytes(later))
    assert result.counts["updated"] == 2 and result.counts["unchanged"] == 1
    e1.refresh_from_db()
    assert e1.status == EpisodeStatus.RETURNED and e1.found_by == "police"
    assert e1.police_closed_reason == "Found safe"
    assert MissingEpisode.objects.get(police_reference="R2").gradings.count() == 2
    assert run(world, csv_bytes(later)).counts["unchanged"] == 3


def test_report_names_line_field_and_reason_and_escapes_formulas(world, kids):
    a, b, _ = kids
    rows = [
        row_for(a, "R1"),
        row_for(b, '=HYPERLINK("http://x")', date_of_birth="31/02/2011"),
        row_for(b, "R3", reported_at="01/03/2099 10:00"),
        row_for(b, "", risk="high"),
    ]
    result = run(world, csv_bytes(rows))
    report = parse_report(result.report_csv())
    assert result.report_csv().splitlines()[0] == "line,outcome,police_reference,field,reason"
    assert [(r["line"], r["outcome"], r["field"]) for r in report] == [
        ("2", "created", ""),
        ("3", "rejected", "date_of_birth"),
        ("4", "rejected", "reported_at"),
        ("5", "rejected", "police_reference"),
    ]
    assert report[1]["police_reference"] == '\'=HYPERLINK("http://x")'
    assert "future" in report[2]["reason"]


def test_encodings_and_date_forms(world):
    la = world.orgs["la_a"]
    for n, (encoding, bom) in enumerate([("utf-8", False), ("utf-8", True), ("cp1252", False)]):
        born = dt.date(2012, 1, 5 + n)
        zoe = ChildFactory(
            responsible_la=la, first_name="Zoë", last_name="Brontë", date_of_birth=born
        )
        row = row_for(
            zoe,
            f"ENC{n}",
            date_of_birth=born.isoformat(),
            reported_at="2026-03-01T10:30:00Z",
            last_seen_at="01/03/2026",
        )
        result = run(world, csv_bytes([row], encoding=encoding, bom=bom))
        assert result.counts["created"] == 1, result.report_csv()
        episode = MissingEpisode.objects.get(police_reference=f"ENC{n}")
        assert episode.child == zoe
        assert episode.reported_at == dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)
        assert episode.last_seen_at == dt.datetime(2026, 3, 1, 0, 0, tzinfo=LONDON)


def test_force_mapping_maps_columns_and_codes(world, kids):
    a = kids[0]
    ForceMapping.objects.create(
        organisation=world.orgs["force_a"],
        columns={
            "Occurrence Ref": "police_reference",
            "Risk Level": "risk",
            "DOB": "date_of_birth",
        },
        codes={"risk": {"H": "high", "M": "medium"}},
    )
    row = row_for(a, "X")
    content = csv_bytes(
        [{**row, "Occurrence Ref": "MAP-1", "Risk Level": "H", "DOB": row["date_of_birth"]}],
        columns=["Occurrence Ref", "forename", "surname", "DOB", "reported_at", "Risk Level"],
    )
    result = run(world, content)
    assert result.counts["created"] == 1, result.report_csv()
    assert MissingEpisode.objects.get(police_reference="MAP-1").gradings.get().grade == "high"


def test_xlsx(world, kids):
    a = kids[0]
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["police_reference", "forename", "surname", "date_of_birth", "reported_at", "risk"]
    )
    sheet.append(
        [12345, a.first_name, a.last_name, a.date_of_birth, dt.datetime(2026, 3, 1, 10, 30), "low"]
    )
    sheet.append(["=1+1", a.first_name, a.last_name, "not a date", "01/03/2026 10:30", "low"])
    out = io.BytesIO()
    book.save(out)
    result = run(world, out.getvalue())
    report = parse_report(result.report_csv())
    assert [(r["line"], r["outcome"]) for r in report] == [("2", "created"), ("3", "rejected")]
    episode = MissingEpisode.objects.get(police_reference="12345")
    assert episode.reported_at == dt.datetime(2026, 3, 1, 10, 30, tzinfo=LONDON)


def test_missing_required_column_rejects_every_row(world, kids):
    content = csv_bytes([row_for(kids[0], "R1")], columns=["forename", "surname", "risk"])
    report = parse_report(run(world, content).report_csv())
    assert report == [
        {
            "line": "2",
            "outcome": "rejected",
            "police_reference": "",
            "field": "police_reference",
            "reason": "The file has no police_reference column.",
        }
    ]


def test_uncertain_match_goes_to_review_and_is_not_attached(world, kids):
    a = kids[0]
    ChildFactory(
        responsible_la=a.responsible_la,
        first_name="Amelie",
        last_name="Hartley",
        date_of_birth=a.date_of_birth,
    )
    result = run(world, csv_bytes([row_for(a, "R1", forename="Amelia-Rose")]))
    assert result.counts["needs_review"] == 1
    assert not MissingEpisode.objects.filter(police_reference="R1").exists()
    review = IdentityReview.objects.get(police_reference="R1")
    assert review.candidates.count() == 2
    assert (
        run(world, csv_bytes([row_for(a, "R1", forename="Amelia-Rose")])).counts["needs_review"]
        == 1
    )
    assert IdentityReview.objects.filter(police_reference="R1").count() == 1


def test_unknown_child_is_created_in_the_forces_only_local_authority(world):
    ghost = Child(first_name="New", last_name="Person", date_of_birth=dt.date(2013, 4, 4))
    # Force A covers only LA A in the world
    result = run(world, csv_bytes([row_for(ghost, "NEW-1", person_id="P-NEW")]))
    assert result.counts["created"] == 1, result.report_csv()
    child = MissingEpisode.objects.get(police_reference="NEW-1").child
    assert (child.first_name, child.responsible_la, child.police_person_id) == (
        "New",
        world.orgs["la_a"],
        "P-NEW",
    )


def test_unknown_child_goes_to_review_when_the_force_covers_no_single_authority(world):
    from tests.factories import OrganisationFactory

    OrganisationFactory(code="903", name="LA C", police_force=world.orgs["force_a"])
    ghost = Child(first_name="New", last_name="Person", date_of_birth=dt.date(2013, 4, 4))
    result = run(world, csv_bytes([row_for(ghost, "NEW-1")]))
    assert result.counts["needs_review"] == 1
    assert IdentityReview.objects.get(police_reference="NEW-1").status == ReviewStatus.OPEN


def test_an_episode_recorded_by_hand_is_adopted(world, kids):
    from tests.factories import EpisodeFactory

    a = kids[0]
    manual = EpisodeFactory(child=a, police_reference="", police_force=None)
    result = run(
        world,
        csv_bytes(
            [row_for(a, "R1", reported_at="", risk="high") | {"reported_at": "01/03/2026 10:30"}]
        ),
    )
    assert result.counts["updated"] == 1, result.report_csv()
    manual.refresh_from_db()
    assert manual.police_reference == "R1" and manual.police_force == world.orgs["force_a"]


def test_dry_run_writes_nothing(world, kids):
    rows = [row_for(kids[0], "R1"), row_for(kids[1], "R2"), row_for(kids[0], "R1")]
    result = run(world, csv_bytes(rows), dry_run=True)
    assert result.counts["created"] == 2 and result.counts["unchanged"] == 1
    assert not MissingEpisode.objects.filter(police_reference__in=["R1", "R2"]).exists()
    assert not PoliceReport.objects.exists()


def test_cli_prints_counts_and_writes_the_report(world, kids, tmp_path, capsys):
    path = tmp_path / "download.csv"
    path.write_bytes(csv_bytes([row_for(kids[0], "R1"), row_for(kids[1], "@SUM(A1)", risk="??")]))
    out = tmp_path / "report.csv"
    call_command("import_police", str(path), "--force", "FA", "--report", str(out))
    printed = capsys.readouterr().out
    assert "created 1" in printed and "rejected 1" in printed
    report = out.read_text()
    assert "'@SUM(A1)" in report
    call_command("import_police", str(path), "--force", "FA", "--dry-run")
    assert "unchanged 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No police force has the code"):
        call_command("import_police", str(path), "--force", "NOPE")


def test_cli_says_with_v2_how_many_replans_it_queued(world, kids, tmp_path, capsys):
    path = tmp_path / "download.csv"
    path.write_bytes(csv_bytes([row_for(kids[0], "V1"), row_for(kids[1], "V2")]))
    call_command("import_police", str(path), "--force", "FA")
    printed = capsys.readouterr().out
    assert "created 2" in printed and "re-planning" not in printed  # the counts line only
    path.write_bytes(csv_bytes([row_for(kids[0], "V1", found_at="01/03/2026 18:00")]))
    call_command("import_police", str(path), "--force", "FA", verbosity=2)
    printed = capsys.readouterr().out
    assert "updated 1" in printed
    assert "1 duty re-planning task(s) queued for the worker." in printed


def test_organisations_command(world, capsys):
    call_command("organisations")
    lines = capsys.readouterr().out.splitlines()
    assert "FA\tpolice\tForce A" in lines
    assert "901\tlocal_authority\tLA A" in lines
    assert all(len(line.split("\t")) == 3 for line in lines)
