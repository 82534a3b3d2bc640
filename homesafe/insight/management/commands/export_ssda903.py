"""homesafe export_ssda903 --year 2025-26 --out DIR [--la CODE] [--previous DIR] [--force]

Writes the SSDA903 Header, Episodes and Missing tables (header.csv, episodes.csv,
missing.csv) for a collection year, after HomeSafe's checks of the DfE's missing rules. A
breach is printed naming the child (the return's CHILD code and HomeSafe's record number) and
the rule; with any breach nothing is written and the command exits with status 1, unless
--force, which writes the files all the same (and says so). docs/insight.md has the details.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homesafe.access.audit import ClientActor
from homesafe.insight.returns import (
    LA_UNKNOWN,
    NO_LA,
    local_authorities_for_return,
)
from homesafe.insight.services_returns import statutory_return_record_export
from homesafe.insight.ssda903 import CollectionYear, YearError, ssda903_build, table_read
from homesafe.insight.ssda903_rules import Tables, ssda903_missing_check

BREACHES_FOUND = (
    "{count} breach(es) of the DfE's missing rules: nothing written. Correct the records, or "
    "give --force to write the return as it is."
)


class Command(BaseCommand):
    help = (
        "Export the SSDA903 Header, Episodes and Missing tables for a collection year (CSV, as "
        "the DfE's validator reads them), after checking the DfE's missing rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The collection year, like 2025-26.")
        parser.add_argument("--out", required=True, type=Path, help="The folder to write to.")
        parser.add_argument(
            "--la",
            help="The local authority's code (default: every LA that looked after children in "
            "the year; one sub-folder each when there are several).",
        )
        parser.add_argument(
            "--previous",
            type=Path,
            help="Last year's return folder (its missing.csv): checks rule 576 too.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Write the files even with breaches."
        )

    def handle(self, *args, year: str, out: Path, la, previous, force: bool, **options):
        try:
            collection = CollectionYear.parse(year)
        except YearError as error:
            raise CommandError(str(error)) from None
        authorities = local_authorities_for_return(code=la, year=collection)
        if authorities is None:
            raise CommandError(LA_UNKNOWN.format(code=la))
        if not authorities:
            raise CommandError(NO_LA.format(year=collection.label))
        missing_last = None
        if previous is not None:
            path = previous / "missing.csv"
            if not path.is_file():
                raise CommandError(f"No missing.csv in {previous}.")
            missing_last = table_read(path)
        total = 0
        for authority in authorities:
            folder = out if len(authorities) == 1 else out / authority.code
            total += self._export(authority, collection, folder, missing_last, force)
        if total and not force:
            raise CommandError(BREACHES_FOUND.format(count=total), returncode=1)

    def _export(self, authority, collection, folder: Path, missing_last, force: bool) -> int:
        built = ssda903_build(la_id=authority.pk, year=collection)
        tables = Tables(
            header=built.header,
            episodes=built.episodes,
            missing=built.missing,
            collection_start=collection.start,
            collection_end=collection.end,
            missing_last=missing_last,
        )
        breaches = ssda903_missing_check(tables)
        name = f"{authority.name} ({authority.code}), {collection.label}"
        for breach in breaches:
            child_id = built.child_ids.get(breach.child)
            record = f" (HomeSafe child {child_id})" if child_id else ""
            self.stderr.write(
                f"{name}: child {breach.child}{record}: rule {breach.rule}, "
                f"{breach.table} row {breach.row + 1}: {breach.message}"
            )
        if breaches and not force:
            return len(breaches)
        files = built.write(folder)
        statutory_return_record_export(
            actor=ClientActor(f"cli:export_ssda903:{authority.code}:{collection.label}"),
            return_name="ssda903",
            la_id=authority.pk,
            year=collection.label,
            child_ids=built.child_ids.values(),
            files=[f.name for f in files],
            forced=bool(breaches),
        )
        self.stdout.write(
            f"{name}: {built.header.height} children, {built.episodes.height} episodes, "
            f"{built.missing.height} missing or away periods, written to {folder}"
            + (f" with {len(breaches)} breach(es) (--force)" if breaches else "")
        )
        return len(breaches)
