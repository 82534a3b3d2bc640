"""The daily screening list as CSV: the columns are a contract (docs/daily-screening.md)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from homesafe.daily_screening.queries import ScreeningList
from homesafe.intake.imports import csv_safe

CSV_COLUMNS = (
    "notification",
    "notified_at",
    "episode_id",
    "child_id",
    "child_name",
    "la_child_id",
    "episode_type",
    "status",
    "last_seen_at",
    "reported_at",
    "returned_at",
    "police_force",
    "police_reference",
    "police_risk",
    "reported_outside_area",
    "duties",
    "time_corrections",
    "screened",
    "decision",
    "decision_note",
    "decided_by",
    "decided_at",
)


def _when(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def screening_csv(screening: ScreeningList) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n in screening.notifications:
        e, d = n.episode, n.decision
        row = {
            "notification": n.kind,
            "notified_at": _when(n.at),
            "episode_id": e.pk,
            "child_id": e.child_id,
            "child_name": e.child.full_name,
            "la_child_id": e.child.la_child_id,
            "episode_type": e.episode_type,
            "status": e.status,
            "last_seen_at": _when(e.last_seen_at),
            "reported_at": _when(e.reported_at),
            "returned_at": _when(e.returned_at),
            "police_force": e.police_force.code if e.police_force_id else "",
            "police_reference": e.police_reference,
            "police_risk": e.current_risk or "",
            "reported_outside_area": "Y" if e.pk in screening.outside_area else "N",
            "duties": "; ".join(f"{duty.kind}:{duty.state}" for duty in e.duties.all()),
            "time_corrections": "; ".join(
                f"{c.time}:{_when(c.before)}>{_when(c.after)}" for c in n.corrections
            ),
            "screened": "Y" if n.screened else "N",
            "decision": d.decision if d else "",
            "decision_note": d.note if d else "",
            "decided_by": str(d.decided_by) if d else "",
            "decided_at": _when(d.decided_at) if d else "",
        }
        writer.writerow([csv_safe(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
