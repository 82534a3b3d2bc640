"""Set-up shared by the interview tests: an episode with a return, and a full interview."""

import datetime as dt

from django.utils import timezone

from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report


def report_and_return(world, key="a_team2", **report):
    """A fresh episode for the world's child `key`, reported 10 hours ago, back 4 hours ago."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    child = world.children[key]
    child.episodes.all().delete()
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=10),
        reported_at=now - dt.timedelta(hours=9),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
        **report,
    )
    return episode_record_return(
        episode=episode,
        returned_at=now - dt.timedelta(hours=4),
        found_by="police",
        actor=world.users["cmo_a"],
    )


def content(world, **overrides) -> dict:
    """A full, valid interview_complete() payload."""
    data = {
        "held_at": timezone.now() - dt.timedelta(hours=1),
        "held_where": "Café near school",
        "held_by_name": "Robin Worker",
        "held_by_organisation": world.orgs["rhi"],
        "independent": True,
        "push_factors": ["conflict", "placement_unhappiness"],
        "pull_factors": ["friends", "older_partner"],
        "where_went": "A friend's flat in town",
        "with_whom": "Older friends",
        "travel": "Bus",
        "harm_disclosed": "None",
        "exploitation_indicators": ["older_associates", "new_phone"],
        "exploitation_note": "Asked about gifts, phones and who paid for travel",
        "childs_words": "  I just wanted to see my mates.  ",
        "carers_view": "Worried about new friends",
        "apps_used": "Snapchat",
        "devices_used": "A second phone",
        "online_contacts": "Someone called 'Kay'",
        "consent_to_share": "yes",
        "referrals": ["mace"],
        "shared_with": [world.orgs["force_a"], world.orgs["school_2"]],
        "shareable_summary": "Went to friends; concerns about older associates.",
    }
    data.update(overrides)
    return data


def record_through_sections(client, episode, data: dict, *, action: str = "continue"):
    """Post the interview's answers through every section page (each keeps only its own
    inputs), then record it from the check-your-answers page; the last response."""
    from django.urls import reverse

    from homesafe.interviews.choices import SECTION_SLUGS

    for slug in SECTION_SLUGS:
        response = client.post(
            reverse("interviews:section", args=[episode.pk, slug]), {**data, "action": action}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return client.post(reverse("interviews:check", args=[episode.pk]))
