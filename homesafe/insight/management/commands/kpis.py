"""homesafe kpis --from YYYY-MM-DD --to YYYY-MM-DD [--la CODE] --format json"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.insight.figures import Period
from homesafe.insight.report import kpis_report
from homesafe.insight.scope import children_of_la, local_authority_by_code

BAD_DATE = "{option} must be a date as YYYY-MM-DD, like 2026-04-01 (got {value!r})."


def _date(option: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(option=option, value=value)) from None


class Command(BaseCommand):
    help = (
        "Print the partnership's figures for a period (London dates, both included) as one "
        "JSON object (docs/insight.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument(
            "--la", help="Only children this local authority (its code) is responsible for."
        )
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, start: str, end: str, la: str | None, **options):
        first, last = _date("--from", start), _date("--to", end)
        try:
            period = Period(first, last)
        except ValueError as error:
            raise CommandError(str(error)) from None
        children, la_id = None, None
        if la is not None:
            try:
                authority = local_authority_by_code(la)
            except ApplicationError as error:
                raise CommandError(error.message) from None
            children, la_id = children_of_la(authority), authority.pk
        figures = kpis_report(period=period, now=timezone.now(), children=children, la_id=la_id)
        if la is not None:
            figures = {"la": la, **figures}
        self.stdout.write(json.dumps(figures, indent=2))
