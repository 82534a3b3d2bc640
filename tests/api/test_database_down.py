"""With the database down (issue 12, point 8): the API answers JSON with a `code` (503,
`database_unavailable`) whatever fails, the pages answer the GOV.UK 500 page, and /healthz
answers 503.

The database really is down: HomeSafe runs in a subprocess whose DATABASE_URL points at a
port nothing listens on (PostgreSQL) or at a file it cannot open (SQLite), and requests go
through the whole stack (middleware, DRF, handler500) with Django's test client.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

REQUESTS = """
import json
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False, HTTP_HOST="localhost")
session = Client(raise_request_exception=False, HTTP_HOST="localhost")
session.cookies["sessionid"] = "a" * 32  # a signed-in browser: its session is in the database
answers = {}
for name, who, method, path, headers in [
    ("event", client, "post", "/api/v1/events/missing-reported", {"HTTP_AUTHORIZATION": "Api-Key abc.def"}),
    ("found", client, "post", "/api/v1/events/found", {"HTTP_AUTHORIZATION": "Api-Key abc.def"}),
    ("children_by_session", session, "get", "/api/v1/children/", {}),
    ("page", session, "get", "/children/", {}),
    ("healthz", client, "get", "/healthz", {}),
]:
    response = getattr(who, method)(path, **headers)
    answers[name] = {
        "status": response.status_code,
        "type": response.get("Content-Type", ""),
        "body": response.content.decode()[:2000],
    }
print(json.dumps(answers))
"""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def down_url(tmp_path) -> str:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return f"postgres://postgres@127.0.0.1:{_closed_port()}/homesafe_down"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'homesafe.sqlite3'}"


def test_with_the_database_down_the_api_answers_json_with_a_code(down_url):
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DATABASE_URL=down_url, HOMESAFE_MODE="test", DJANGO_SETTINGS_MODULE="homesafe.settings"
    )
    done = subprocess.run(
        [sys.executable, "-c", REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert "OperationalError" in done.stderr  # the failure is logged, and it is the database's

    for name in ("event", "found", "children_by_session"):
        answer = answers[name]
        assert answer["status"] == 503, (name, answer)
        assert answer["type"] == "application/json", (name, answer)
        assert json.loads(answer["body"])["code"] == "database_unavailable", name

    page = answers["page"]
    assert page["status"] == 500 and page["type"].startswith("text/html")
    assert "Sorry, there is a problem with the service" in page["body"]

    assert answers["healthz"] == {
        "status": 503,
        "type": "text/plain",
        "body": "database unavailable",
    }


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
