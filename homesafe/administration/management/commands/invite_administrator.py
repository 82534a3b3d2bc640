"""homesafe invite_administrator EMAIL --organisation CODE: the first administrator of a new
installation (or one more), invited like anyone else: the sign-up link is e-mailed and printed."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from homesafe.access.choices import Role
from homesafe.access.models import Organisation
from homesafe.administration.services import invitation_link, user_invite


class Command(BaseCommand):
    help = (
        "Invite an administrator: makes the user (no password yet) and prints the single-use "
        "sign-up link (also e-mailed). Then they sign in and set up two-factor sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--organisation", required=True, help="the organisation's code")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, email, organisation, first_name, last_name, **options):
        found = Organisation.objects.filter(code=organisation).first()
        if found is None:
            raise CommandError(
                f"No organisation has the code {organisation!r}: `homesafe organisations` "
                "lists them."
            )
        try:
            _, token = user_invite(
                email=email,
                first_name=first_name,
                last_name=last_name,
                organisation=found,
                roles=[Role.ADMINISTRATOR],
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Invited {email}. Sign-up link (works once, for 7 days):")
        self.stdout.write(invitation_link(token))
