"""homesafe import_police FILE --force CODE [--dry-run] [--report OUT.csv]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homesafe.access.audit import ClientActor
from homesafe.access.errors import ApplicationError
from homesafe.intake.files import PoliceFileError
from homesafe.intake.imports import police_download_import
from homesafe.intake.services import force_by_code
from homesafe.intake.services_imports import police_import_from_command


class Command(BaseCommand):
    help = "Import a police force's daily download (CSV or XLSX) of missing-person reports."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", required=True, help="The force's organisation code.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument("--report", type=Path, help="Write the row-by-row report to this CSV.")

    def handle(self, *args, file: Path, force: str, dry_run: bool, report: Path | None, **options):
        try:
            organisation = force_by_code(force)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            actor = ClientActor(f"cli:import_police:{organisation.code}:{file.name}"[:200])
            if dry_run:
                result = police_download_import(
                    content=content, force=organisation, actor=actor, dry_run=True
                )
            else:  # leaves a PoliceImport, as the page does
                _import, result = police_import_from_command(
                    force=organisation, file_name=file.name, content=content, actor=actor
                )
        except PoliceFileError as error:
            raise CommandError(str(error)) from None
        if report:
            report.write_text(result.report_csv(), encoding="utf-8")
        prefix = "Dry run (nothing written): " if dry_run else ""
        counts = ", ".join(f"{outcome} {count}" for outcome, count in result.counts.items())
        self.stdout.write(f"{prefix}{sum(result.counts.values())} rows: {counts}")
        if options["verbosity"] >= 2:
            if result.matched_ahead:
                self.stdout.write(
                    f"{result.matched_ahead} rows matched by a second process, a chunk ahead."
                )
            self.stdout.write(
                f"{result.replans_queued} duty re-planning task(s) queued for the worker."
            )
