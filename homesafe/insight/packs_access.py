"""Who sees and downloads a report pack: the insight users of the requester's organisation; a
pack whose small counts are shown (built for someone who sees names) never reaches someone
who sees no names (an analyst sees only suppressed packs)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from homesafe.access.models import User
from homesafe.insight.models import ReportPack
from homesafe.insight.roles import can_view_patterns, sees_names


def packs_visible_to(user: User) -> QuerySet[ReportPack]:
    if not can_view_patterns(user) or not user.organisation_id:
        return ReportPack.objects.none()
    packs = ReportPack.objects.filter(organisation_id=user.organisation_id)
    if not sees_names(user):
        packs = packs.filter(suppressed=True)
    return packs.defer("pdf", "xlsx")


def pack_get_for_user_or_404(user: User, pk: int) -> ReportPack:
    pack = ReportPack.objects.filter(pk=pk).first()
    if pack is None or not packs_visible_to(user).filter(pk=pk).exists():
        raise Http404("No such pack")
    return pack
