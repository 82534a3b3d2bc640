"""Work that closes itself (issue 13): an exploitation screening in the significant band or
above raises an exploitation concern on the child's latest episode reported at or before it
(the open episode while the child is missing), which plans consider_mace from the screening's
completion, through the child's stored duties."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_report
from homesafe.screening.services import screening_complete, screening_override_band
from tests.screening.helpers import combined_answers, seraf_answers

SIGNIFICANT = seraf_answers(
    missing_overnight="both", older_partner="both", picked_up_in_cars="both"
)  # 18 points
MILD = seraf_answers(
    abuse_or_neglect="yes",
    in_care="yes",
    missing_short="recent",
    late_nights="recent",
    truanting="recent",
    substance_use="recent",
)  # 6


def _screen(world, child, answers, *, tool="seraf", hours_ago=1):
    return screening_complete(
        child=child,
        tool=tool,
        answers=answers,
        completed_at=timezone.now() - dt.timedelta(hours=hours_ago),
        actor=world.users["sw_2"],
    )


def _due(moment, setting):
    _, settings = protocol_current()
    return settings.calendar.add_working_days(moment, getattr(settings, setting))


def test_a_significant_band_screening_raises_an_exploitation_concern(world, returned):
    assert not Duty.objects.filter(episode=returned, kind="consider_mace").exists()
    screening = _screen(world, returned.child, SIGNIFICANT)
    assert screening.final_band == "significant"
    mace = Duty.objects.get(episode=returned, kind="consider_mace")
    assert mace.state == DutyState.OPEN
    assert mace.due_at == _due(screening.completed_at, "consider_mace_working_days")
    assert not Duty.objects.filter(episode=returned, kind="consider_nrm").exists()
    entry = AuditEntry.objects.get(verb="screening.completed")
    assert entry.payload["raises"] == ["exploitation"]


def test_a_screening_below_the_significant_band_raises_nothing(world, returned):
    screening = _screen(world, returned.child, MILD)
    assert screening.final_band == "mild"
    assert not Duty.objects.filter(episode=returned, kind="consider_mace").exists()


def test_the_concern_goes_on_the_open_episode_not_an_earlier_one(world, returned):
    child = returned.child
    now = timezone.now()
    current = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
    )
    _screen(world, child, SIGNIFICANT, hours_ago=1)
    assert Duty.objects.filter(episode=current, kind="consider_mace").exists()
    assert not Duty.objects.filter(episode=returned, kind="consider_mace").exists()


def test_a_professional_overriding_into_the_significant_band_raises_it_and_back_withdraws(
    world, returned
):
    screening = _screen(world, returned.child, MILD)
    screening_override_band(
        screening=screening,
        override_band="significant",
        override_reason="Disclosures since",
        actor=world.users["sw_2"],
    )
    mace = Duty.objects.get(episode=returned, kind="consider_mace")
    assert mace.state == DutyState.OPEN
    screening_override_band(
        screening=screening, override_band="", override_reason="", actor=world.users["sw_2"]
    )
    mace.refresh_from_db()
    assert mace.state == DutyState.NOT_NEEDED


def test_a_categorical_screening_experiencing_trafficking_raises_both_concerns(world, returned):
    screening = _screen(
        world, returned.child, combined_answers("trafficking_forced_work"), tool="combined"
    )
    assert screening.final_band == "experiencing"
    assert Duty.objects.get(episode=returned, kind="consider_mace").state == DutyState.OPEN
    nrm = Duty.objects.get(episode=returned, kind="consider_nrm")
    assert nrm.due_at == _due(screening.completed_at, "consider_nrm_working_days")


def test_a_categorical_screening_significant_elsewhere_raises_no_trafficking_concern(
    world, returned
):
    _screen(world, returned.child, combined_answers("cce_weapon"), tool="combined")
    assert Duty.objects.filter(episode=returned, kind="consider_mace").exists()
    assert not Duty.objects.filter(episode=returned, kind="consider_nrm").exists()


def test_a_child_with_no_episode_gets_no_concern_duty(world):
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    _screen(world, child, SIGNIFICANT)
    assert not Duty.objects.filter(child=child, kind="consider_mace").exists()


def test_the_episode_page_and_api_say_the_screening_raised_it(world, returned, client):
    screening = _screen(world, returned.child, SIGNIFICANT)
    client.force_login(world.users["sw_2"])
    page = client.get(reverse("episodes:detail", args=[returned.pk])).text
    assert "An exploitation screening in the significant band or above" in page
    assert reverse("screening:detail", args=[screening.pk]) in page
    body = client.get(reverse("api:episode_concerns", args=[returned.pk])).json()
    assert body["concerns"] == [
        {
            "kind": "exploitation",
            "source": "screening",
            "raised_at": body["concerns"][0]["raised_at"],
            "raised_by": "",
            "note": "",
            "interview_id": None,
            "screening_id": screening.pk,
        }
    ]
