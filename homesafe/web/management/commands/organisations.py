"""homesafe organisations: every organisation as code<TAB>type<TAB>name (e.g. to find a force's code)."""

from django.core.management.base import BaseCommand

from homesafe.access.models import Organisation


class Command(BaseCommand):
    help = "List every organisation: code, type and name, separated by tabs."

    def handle(self, *args, **options):
        for code, kind, name in Organisation.objects.order_by("type", "code").values_list(
            "code", "type", "name"
        ):
            self.stdout.write(f"{code}\t{kind}\t{name}")
