import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from homesafe.intake.notifications import STANDARD_COLUMNS


def csv_bytes(rows: list[dict], *, columns=STANDARD_COLUMNS, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def row_for(child, ref: str, **extra) -> dict:
    return {
        "police_reference": ref,
        "forename": child.first_name,
        "surname": child.last_name,
        "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
        "reported_at": "01/03/2026 10:30",
        "last_seen_at": "01/03/2026 09:00",
        "last_seen_location": "Town centre",
        "risk": "medium",
        "pre_planned": "N",
        **extra,
    }


def parse_report(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_bytes(rows: list[dict], *, columns=STANDARD_COLUMNS) -> bytes:
    """The rows as a spreadsheet (text cells, as a force's export has them)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROOT = Path(__file__).resolve().parents[2]
# Import and task settings (chunk sizes, leases), never inherited from the caller's environment.
_OWN_VARIABLES = ("HOMESAFE_INTAKE_", "HOMESAFE_TASK")


def homesafe_env(database_url: str, *, chunk: int, **extra) -> dict:
    """The environment of a real `homesafe` process (a worker, an import) on a test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_VARIABLES)}
    env.update(
        DATABASE_URL=database_url,
        HOMESAFE_MODE="test",
        DJANGO_SETTINGS_MODULE="homesafe.settings",
        HOMESAFE_INTAKE_CHUNK_SIZE=str(chunk),
        **extra,
    )
    return env


def run_homesafe(database_url: str, *args: str, chunk: int, **extra) -> str:
    """Run `homesafe ARGS` to the end on a test database; its output, or the test fails."""
    done = subprocess.run(
        [sys.executable, "-m", "homesafe.cli", *args],
        cwd=ROOT,
        env=homesafe_env(database_url, chunk=chunk, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_homesafe_steps(database_url: str, *steps: list[str], chunk: int, **extra) -> list[str]:
    """Run the `homesafe` commands `steps` one after the other in one process
    (tests/homesafe_steps.py) on a test database; each one's output, or the test fails."""
    import json

    from tests.homesafe_steps import split_output

    done = subprocess.run(
        [sys.executable, "-m", "tests.homesafe_steps", json.dumps([list(s) for s in steps])],
        cwd=ROOT,
        env=homesafe_env(database_url, chunk=chunk, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return split_output(done.stdout, len(steps))
