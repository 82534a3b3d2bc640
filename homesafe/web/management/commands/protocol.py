"""`homesafe protocol simulate FILE.json`: the duties the protocol plans for one child's facts.

Runs the pure engine (`homesafe.protocol`) only: it never touches the database. Prints one JSON
object a line, sorted by due time; bad input exits with status 2 and a message naming the field.
The input and output formats are in docs/protocol.md.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from homesafe.protocol.simulate import SimulatorInputError, simulate_lines

BAD_INPUT_EXIT_STATUS = 2


class Command(BaseCommand):
    help = "Work with the local protocol. `protocol simulate FILE.json` (or -) prints the duties."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        simulate = actions.add_parser(
            "simulate",
            help="Print the duties planned for one child's facts, one JSON object a line.",
        )
        simulate.add_argument(
            "file",
            help="The facts as JSON (docs/protocol.md: episodes and screenings); - for stdin.",
        )

    def handle(self, *args, **options):
        try:
            lines = simulate_lines(options["file"], sys.stdin)
        except SimulatorInputError as error:
            raise CommandError(str(error), returncode=BAD_INPUT_EXIT_STATUS) from None
        for line in lines:
            self.stdout.write(line)
