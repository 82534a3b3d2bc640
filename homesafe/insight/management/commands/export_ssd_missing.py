"""homesafe export_ssd_missing --la CODE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.csv

The Standard Safeguarding Dataset's ssd_missing table for the local authority's children:
their episodes that began between the two London dates (both included). docs/insight.md.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homesafe.access.audit import ClientActor
from homesafe.insight.returns import LA_UNKNOWN, local_authorities_for_return
from homesafe.insight.services_returns import statutory_return_record_export
from homesafe.insight.ssd import ssd_missing_build
from homesafe.insight.ssda903 import CollectionYear


class Command(BaseCommand):
    help = "Export the Standard Safeguarding Dataset's ssd_missing table (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--la", required=True, help="The local authority's code.")
        parser.add_argument("--from", dest="first_day", required=True, type=date.fromisoformat)
        parser.add_argument("--to", dest="last_day", required=True, type=date.fromisoformat)
        parser.add_argument("--out", required=True, type=Path, help="The CSV file to write.")

    def handle(self, *args, la: str, first_day: date, last_day: date, out: Path, **options):
        if last_day < first_day:
            raise CommandError("--to is before --from.")
        found = local_authorities_for_return(code=la, year=CollectionYear(first_day.year))
        if not found:
            raise CommandError(LA_UNKNOWN.format(code=la))
        authority = found[0]
        built = ssd_missing_build(la_id=authority.pk, first_day=first_day, last_day=last_day)
        built.write(out)
        statutory_return_record_export(
            actor=ClientActor(f"cli:export_ssd_missing:{authority.code}"),
            return_name="ssd_missing",
            la_id=authority.pk,
            year=f"{first_day}/{last_day}",
            child_ids=built.child_ids,
            files=[out.name],
        )
        self.stdout.write(
            f"{built.table.height} episodes of {len(built.child_ids)} children: {out}"
        )
