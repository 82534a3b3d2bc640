"""`homesafe check --deploy` with production-like settings reports nothing, and production
refuses to start without a secret key."""

import os
import secrets
import subprocess
import sys

import pytest


def _homesafe(*args, env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "HOMESAFE_MODE",
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "HOMESAFE_VAR_DIR": str(tmp_path),
        }
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "homesafe.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_check_deploy_reports_nothing_with_production_settings(tmp_path, database):
    overrides = {
        "HOMESAFE_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "homesafe.example.org",
        "EMAIL_URL": "smtp://mailer.example.org:587/?tls=True",
    }
    if database == "postgres":
        overrides["DATABASE_URL"] = "postgres://homesafe:secret@db.example.org:5432/homesafe"
    result = _homesafe(
        "check", "--deploy", "--fail-level", "DEBUG", env_overrides=overrides, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _homesafe(
        "check", env_overrides={"HOMESAFE_MODE": "production", "SECRET_KEY": ""}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_unknown_mode_is_refused(tmp_path):
    result = _homesafe("check", env_overrides={"HOMESAFE_MODE": "staging"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "HOMESAFE_MODE must be production, demo or test" in result.stderr
