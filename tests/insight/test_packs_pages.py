"""The report packs' page and downloads: asking for a pack, its progress without script, the
download links once built, who may download each pack (by role and organisation), audited."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import AuditEntry
from homesafe.insight.models import PackKind, PackStatus, ReportPack
from homesafe.insight.packs_forms import CHOOSE_PERIOD
from homesafe.insight.services_packs import report_pack_build, report_pack_request
from tests.factories import UserFactory
from tests.insight.dataset import build

pytestmark = pytest.mark.django_db

JANUARY = dt.datetime(2027, 1, 6, 10, 0, tzinfo=ZoneInfo("Europe/London"))
Q4 = dt.date(2026, 10, 1)


@pytest.fixture
def data():
    return build()


def user(data, *roles, organisation=None):
    return UserFactory(organisation=organisation or data.la_a, roles=list(roles))


# The files of the first pack each kind of requester had built in this process: the same data
# and the same period give the same figures, so the download tests after the first store those
# files against their own requested pack instead of laying the PDF out again (a second a pack).
_BUILT_FILES: dict[str, tuple[bytes, bytes]] = {}


def built(actor, *, same_as: str | None = None) -> ReportPack:
    with time_machine.travel(JANUARY, tick=True):
        pack = report_pack_request(actor=actor, kind=PackKind.QUARTERLY, first_day=Q4)
        if same_as in _BUILT_FILES:
            pdf, xlsx = _BUILT_FILES[same_as]
            ReportPack.objects.filter(pk=pack.pk).update(
                status=PackStatus.READY, progress=100, pdf=pdf, xlsx=xlsx
            )
        else:
            report_pack_build(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY
    if same_as is not None:
        _BUILT_FILES.setdefault(same_as, (bytes(pack.pdf), bytes(pack.xlsx)))
    return pack


def test_a_team_manager_asks_for_a_pack_sees_it_built_and_downloads_it(client, data):
    with time_machine.travel(JANUARY, tick=True):
        a_team_manager_asks_for_a_pack(client, data)


def a_team_manager_asks_for_a_pack(client, data):
    manager = UserFactory(organisation=data.la_a, team=data.team, roles=[Role.TEAM_MANAGER])
    client.force_login(manager)
    dashboard = client.get(reverse("insight:dashboard")).content.decode()
    assert f'href="{reverse("insight:packs")}"' in dashboard
    page = client.get(reverse("insight:packs")).content.decode()
    assert "Quarterly: October to December 2026" in page
    response = client.post(reverse("insight:packs"), {"pack": "quarterly:2026-10-01"})
    assert response.status_code == 302
    page = client.get(reverse("insight:packs")).content.decode()
    pack = ReportPack.objects.get()
    assert pack.requested_by == manager and pack.status == PackStatus.QUEUED
    # No script: a progress bar and a link to refresh the page while it is built.
    assert re.search(r'<progress class="hs-progress" max="100" value="0"', page)
    assert "Refresh this page" in page and "Waiting to be built" in page
    assert reverse("insight:pack_download", args=[pack.pk, "pdf"]) not in page

    report_pack_build(pack_id=pack.pk)
    page = client.get(reverse("insight:packs")).content.decode()
    assert "Refresh this page" not in page and "<progress" not in page
    for file_format, content_type, magic in (
        ("pdf", "application/pdf", b"%PDF-"),
        ("xlsx", "application/vnd.openxmlformats", b"PK"),
    ):
        link = reverse("insight:pack_download", args=[pack.pk, file_format])
        assert link in page
        response = client.get(link)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert response.content.startswith(magic)
        assert (
            f"homesafe-quarterly-pack-2026-10-01-to-2026-12-31-{pack.pk}.{file_format}"
            in (response["Content-Disposition"])
        )
    downloads = AuditEntry.objects.filter(verb=AuditVerb.PACK_DOWNLOADED, actor=manager)
    assert sorted(e.payload["format"] for e in downloads) == ["pdf", "xlsx"]
    assert {e.target_id for e in downloads} == {str(pack.pk)}


def test_a_period_must_be_chosen(client, data):
    client.force_login(user(data, Role.MISSING_COORDINATOR))
    response = client.post(reverse("insight:packs"), {"pack": ""})
    assert response.status_code == 400
    assert CHOOSE_PERIOD in response.content.decode()
    response = client.post(reverse("insight:packs"), {"pack": "quarterly:2026-11-01"})
    assert response.status_code == 400  # not one of the periods offered
    assert not ReportPack.objects.exists()


# (who, whose pack) -> may download: the requester's organisation's insight users; a pack
# that shows small counts never reaches an analyst.
@pytest.mark.parametrize(
    ("downloader", "requester", "allowed"),
    [
        ("cmo", "cmo", True),
        ("manager", "cmo", True),
        ("senior", "cmo", True),
        ("analyst", "cmo", False),
        ("other_cmo", "cmo", False),
        ("social_worker", "cmo", None),
        ("analyst", "analyst", True),
        ("cmo", "analyst", True),
        ("other_analyst", "analyst", False),
    ],
)
def test_who_may_download_a_pack(client, data, downloader, requester, allowed):
    people = {
        "cmo": lambda: user(data, Role.MISSING_COORDINATOR),
        "manager": lambda: user(data, Role.TEAM_MANAGER),
        "senior": lambda: user(data, Role.SENIOR_LEADER),
        "analyst": lambda: user(data, Role.ANALYST),
        "other_cmo": lambda: user(data, Role.MISSING_COORDINATOR, organisation=data.la_b),
        "other_analyst": lambda: user(data, Role.ANALYST, organisation=data.la_b),
        "social_worker": lambda: user(data, Role.SOCIAL_WORKER),
    }
    owner = people[requester]()
    pack = built(owner, same_as=requester)
    who = owner if downloader == requester else people[downloader]()
    client.force_login(who)
    response = client.get(reverse("insight:pack_download", args=[pack.pk, "xlsx"]))
    expected = {True: 200, False: 404, None: 403}[allowed]
    assert response.status_code == expected
    listed = client.get(reverse("insight:packs"))
    if allowed is None:
        assert listed.status_code == 403
    else:
        link = reverse("insight:pack_download", args=[pack.pk, "xlsx"])
        assert (link in listed.content.decode()) is allowed
    audited = AuditEntry.objects.filter(verb=AuditVerb.PACK_DOWNLOADED, actor=who).exists()
    assert audited is bool(allowed)


def test_a_pack_not_ready_is_not_downloaded(client, data):
    cmo = user(data, Role.MISSING_COORDINATOR)
    with time_machine.travel(JANUARY, tick=True):
        pack = report_pack_request(actor=cmo, kind=PackKind.QUARTERLY, first_day=Q4)
    client.force_login(cmo)
    assert client.get(reverse("insight:pack_download", args=[pack.pk, "pdf"])).status_code == 404
    assert client.get(reverse("insight:pack_download", args=[pack.pk, "doc"])).status_code == 404
    assert not AuditEntry.objects.filter(verb=AuditVerb.PACK_DOWNLOADED).exists()
