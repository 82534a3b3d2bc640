"""The demo's contact directory: the councils and schools with no HomeSafe users have a secure
mailbox for missing-child notifications, so a notification to them can be sent from its duty,
and the demo writes the e-mail under var/mail/ (here, a folder of the test's)."""

import io

import pytest
from django.core.management import call_command

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation, OrganisationContact, User
from homesafe.demo.vocabulary import DEMO_EMAIL_DOMAIN
from homesafe.duties.choices import DutyState, MessageState
from homesafe.duties.models import Duty
from homesafe.duties.sending import duty_send, duty_telling_directory
from homesafe.protocol.facts import DutyKind
from tests.demo.test_seed_demo import ANCHOR, clock  # noqa: F401 (the demo's frozen clock)


@pytest.mark.django_db
def test_the_demo_s_host_council_notifications_can_be_sent(clock, settings, tmp_path):  # noqa: F811
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    call_command(
        "seed_demo", "--children=100", "--seed=7", f"--anchor={ANCHOR}", stdout=io.StringIO()
    )
    kinds = (OrganisationType.LOCAL_AUTHORITY, OrganisationType.SCHOOL)
    for organisation in Organisation.objects.filter(type__in=kinds, users__isnull=True):
        assert organisation.contacts.filter(email_secure=True).exists(), organisation
    assert (
        OrganisationContact.objects.exclude(email="")
        .exclude(email__endswith=DEMO_EMAIL_DOMAIN)
        .count()
        == 0
    )
    duties = [
        d
        for d in Duty.objects.filter(state=DutyState.OPEN, kind=DutyKind.NOTIFY_HOST_LA)
        if duty_telling_directory(d) is not None
    ]
    assert duties, "the demo has a host council notification to send"
    duty = duties[0]
    contact = duty_telling_directory(duty).sendable[0]
    coordinator = User.objects.get(email=f"cmo@{DEMO_EMAIL_DOMAIN}")
    message = duty_send(duty=duty, contact=contact, token="demo-1", actor=coordinator)
    assert message.state == MessageState.SENT
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    assert contact.email in written and duty.child.full_name in written
