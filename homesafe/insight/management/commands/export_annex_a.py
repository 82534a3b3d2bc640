"""homesafe export_annex_a --la CODE [--on YYYY-MM-DD] --out FILE.csv

Ofsted's Annex A List 8 (children in care) with the columns HomeSafe holds, on the day given
(default today, London). docs/insight.md.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.insight.annex_a import annex_a_list8_build
from homesafe.insight.returns import LA_UNKNOWN, local_authorities_for_return
from homesafe.insight.services_returns import statutory_return_record_export
from homesafe.insight.ssda903 import CollectionYear


class Command(BaseCommand):
    help = "Export Ofsted's Annex A List 8 (children in care), the columns HomeSafe holds (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--la", required=True, help="The local authority's code.")
        parser.add_argument("--on", type=date.fromisoformat, help="The day (default: today).")
        parser.add_argument("--out", required=True, type=Path, help="The CSV file to write.")

    def handle(self, *args, la: str, on: date | None, out: Path, **options):
        on = on or timezone.localdate()
        found = local_authorities_for_return(code=la, year=CollectionYear(on.year))
        if not found:
            raise CommandError(LA_UNKNOWN.format(code=la))
        authority = found[0]
        built = annex_a_list8_build(la_id=authority.pk, on=on)
        built.write(out)
        statutory_return_record_export(
            actor=ClientActor(f"cli:export_annex_a:{authority.code}"),
            return_name="annex_a_list8",
            la_id=authority.pk,
            year=str(on),
            child_ids=built.child_ids,
            files=[out.name],
        )
        self.stdout.write(f"List 8 on {on}: {built.table.height} children: {out}")
