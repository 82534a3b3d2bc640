"""A new user's first hour: `homesafe` works with no environment, a missing setting is one line
naming it (not a traceback), a fresh clone's var/ is made on first use, the demo serves pages as
users see them (no debug pages), its links use the address it serves at, and its e-mails go to
files."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from homesafe.administration.management.commands.demo import _demo_base_url
from tests.protocol.test_simulate import EXAMPLE

# Variables that would make a run less "fresh" than a new user's shell.
_DROPPED = {
    "HOMESAFE_MODE",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "HOMESAFE_VAR_DIR",
    "EMAIL_URL",
    "HOMESAFE_BASE_URL",
}


def _fresh(*args: str, tmp_path, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "homesafe.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd or tmp_path,
    )


def test_help_works_with_no_environment(tmp_path):
    result = _fresh("--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "homesafe help <subcommand>" in result.stdout
    assert "import_police" in result.stdout  # HomeSafe's own commands are listed
    assert "Traceback" not in result.stderr


def test_protocol_simulate_works_with_no_environment(tmp_path):
    facts = tmp_path / "child.json"
    facts.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    result = _fresh("protocol", "simulate", str(facts), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    duties = [json.loads(line) for line in result.stdout.splitlines()]
    assert duties and all("due_at" in duty for duty in duties)


@pytest.mark.parametrize("command", [["check"], ["migrate"], ["db_worker"]])
def test_a_command_needing_the_secret_key_says_so_in_one_line(tmp_path, command):
    result = _fresh(*command, tmp_path=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("homesafe: SECRET_KEY must be set in the environment")
    assert "HOMESAFE_MODE=demo" in lines[0]


def test_a_wrong_mode_is_one_line_naming_the_setting(tmp_path):
    result = _fresh("check", tmp_path=tmp_path, env={"HOMESAFE_MODE": "staging"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "homesafe: HOMESAFE_MODE must be production, demo or test, not 'staging'"
    )


def test_the_demo_command_outside_demo_mode_says_how_to_run_it(tmp_path):
    result = _fresh("demo", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "HOMESAFE_MODE=demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_never_starts_without_the_secret_key(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    result = subprocess.run(
        [sys.executable, "-c", "import homesafe.wsgi"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_demo_serves_without_debug_pages_and_makes_its_var_folder(tmp_path):
    var = tmp_path / "var" / "nested"
    program = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.MAILERS['default']['BACKEND'], "
        "settings.MAILERS['default']['OPTIONS']['file_path'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    clean.update(
        {
            "HOMESAFE_MODE": "demo",
            "HOMESAFE_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "homesafe.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {program}"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    debug, backend, mail_folder = result.stdout.split()
    assert debug == "False"
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert mail_folder == str(var / "mail")
    assert var.is_dir()  # a fresh clone has no var/: the settings make it


def test_the_demo_links_use_the_address_it_serves_at(monkeypatch):
    monkeypatch.delenv("HOMESAFE_BASE_URL", raising=False)
    assert _demo_base_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert _demo_base_url("[::1]", 8000) == "http://[::1]:8000"


@pytest.mark.django_db
def test_the_demo_prints_the_address_of_the_port_chosen(settings):
    settings.DEMO = True
    out = io.StringIO()
    call_command("demo", "--no-serve", "--children", "20", "--port", "8123", stdout=out)
    assert "Sign in at http://127.0.0.1:8123 with any account above." in out.getvalue()


def test_the_api_docs_and_schema_are_served(db, client):
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"/api/v1/events/missing-reported" in docs.content
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"openapi:" in schema.content
