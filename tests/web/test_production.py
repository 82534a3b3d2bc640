"""Production as deployed: `collectstatic`, then gunicorn with production settings (the command
in docs/deployment.md), behind a proxy that says the request came over HTTPS. A person signs in
with a password and a second factor and reaches the main pages, a child's record, the 404 page,
the API docs and schema, and the stylesheet; no page answers 500.

On the database the suite runs on: a SQLite file, or a database of its own on the PostgreSQL
server when DATABASE_URL names one.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from allauth.mfa.totp.internal.auth import generate_totp_secret

from tests.clock import totp_code
from tests.databases import copy_database, drop_database

# gunicorn runs in its own process, on the machine's clock: so does this test.
pytestmark = [pytest.mark.e2e, pytest.mark.real_clock]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "smoke-test-password-1234"
EMAIL = "cmo@smoke.homesafe.test"

# Run inside `homesafe shell` with production settings: a coordinator with a TOTP authenticator
# and one child of their authority, through the project's own factories.
SETUP = """
import os
from allauth.mfa.totp.internal.auth import TOTP
from homesafe.access.choices import Role
from tests.factories import ChildFactory, OrganisationFactory, UserFactory
la = OrganisationFactory(code="999", name="Smoke Vale Council")
user = UserFactory(email=os.environ["SMOKE_EMAIL"], organisation=la,
                   roles=[Role.MISSING_COORDINATOR], mfa=False)
user.set_password(os.environ["SMOKE_PASSWORD"])
user.save()
TOTP.activate(user, os.environ["SMOKE_TOTP_SECRET"])
child = ChildFactory(responsible_la=la, first_name="Robin", last_name="Smoke")
print(child.pk)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production_database(tmp_path, migrated_template):
    """A SQLite file, or a new PostgreSQL database dropped afterwards: a copy of the run's
    migrated template (tests/databases.py), so that `homesafe migrate` below finds every
    migration applied, as on a deployment that is already up, instead of running them all
    again (about 8 s of CPU; every run migrates the template once anyway)."""
    if migrated_template.startswith("sqlite"):
        yield copy_database(migrated_template, str(tmp_path / "production.sqlite3"))
        return
    url = copy_database(migrated_template, f"homesafe_smoke_{uuid.uuid4().hex[:8]}")
    yield url
    drop_database(url)


class Browser:
    """Requests with the cookies kept by hand: production's cookies are Secure, and the proxy in
    front of gunicorn (played here by a header) is where HTTPS ends."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.https = base.replace("http://", "https://", 1)

    def _headers(self, path: str) -> dict:
        return {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": self.https + path,
            "Origin": self.https,
        }

    def _keep(self, response: requests.Response) -> requests.Response:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str) -> requests.Response:
        return self._keep(
            requests.get(self.base + path, headers=self._headers(path), allow_redirects=False)
        )

    def post_form(self, path: str, data: dict) -> requests.Response:
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self._keep(
            requests.post(
                self.base + path,
                data={**data, "csrfmiddlewaretoken": token},
                headers=self._headers(path),
                allow_redirects=False,
            )
        )


def test_production_settings_serve_every_main_page_under_gunicorn(tmp_path, production_database):
    totp_secret = generate_totp_secret()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        {
            "HOMESAFE_MODE": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": production_database,
            "HOMESAFE_VAR_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_URL": "consolemail://",
            "SMOKE_EMAIL": EMAIL,
            "SMOKE_PASSWORD": PASSWORD,
            "SMOKE_TOTP_SECRET": totp_secret,
        }
    )

    def homesafe(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "homesafe.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    homesafe("migrate", "--noinput", "-v", "0")
    assert "summary rows written" in homesafe("rebuild_episode_facts")
    homesafe("collectstatic", "--noinput", "-v", "0")
    assert (tmp_path / "static" / "staticfiles.json").is_file()  # the manifest production reads
    child_id = int(homesafe("shell", "-c", SETUP).strip().splitlines()[-1])

    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "homesafe.wsgi",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                browser.get("/healthz")
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)

        # Signed out: the sign-in page, styled from the collected, hashed static files.
        assert browser.get("/").status_code == 302
        sign_in = browser.get("/account/login/")
        assert sign_in.status_code == 200
        stylesheet = re.search(
            r'href="(/static/vendor/govuk/homesafe\.[0-9a-f]+\.css)"', sign_in.text
        )
        assert stylesheet, "the stylesheet is not served from the manifest"
        assert browser.get(stylesheet.group(1)).status_code == 200

        # Password, then the second factor.
        response = browser.post_form("/account/login/", {"login": EMAIL, "password": PASSWORD})
        assert response.status_code == 302
        second_factor = response.headers["Location"]
        assert "2fa" in second_factor
        response = browser.post_form(second_factor, {"code": totp_code(totp_secret)})
        assert response.status_code == 302, response.text[-2000:]

        for path, status, text in [
            ("/", 200, "My work"),
            ("/children/?name=Robin", 200, "Robin Smoke"),
            (f"/children/{child_id}/", 200, "Robin Smoke"),
            ("/api/docs/", 200, "/api/v1/events/missing-reported"),
            ("/api/schema/", 200, "openapi:"),
            ("/no-such-page/", 404, "Page not found"),
            ("/children/99999999/", 404, "Page not found"),
        ]:
            page = browser.get(path)
            assert page.status_code == status, (path, page.status_code, page.text[-2000:])
            assert text in page.text, path
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output[-3000:]
