"""Browser tests: pytest-playwright driving Debian's Chromium (never `playwright install`),
with axe-core from our own static files checking every page visited.

Chromium's headless shell (Debian's `chromium-headless-shell`, which `./scripts/bootstrap
--test` installs) is the same engine as the browser without its windows, and takes about half
the CPU per page (most of the browser tests' CPU is Chromium's); the full browser is used
where the shell is missing."""

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = (
    shutil.which("chromium-headless-shell") or shutil.which("chromium") or "/usr/bin/chromium"
)
AXE_STATIC = "vendor/axe/axe.min.js"  # in homesafe/static, served by the live server

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: run ./scripts/bootstrap --test")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


class AxeViolations(AssertionError):
    pass


def _axe_load(page) -> None:
    """Put axe-core into the page from the live server's static files, as a page's own script
    is loaded: the browser keeps the file and its compiled code between the checks of a test.
    Handing Chromium the 650 KB source in each check (`page.evaluate`) cost about three times
    as long, most of it in sending the text and compiling it again."""
    from django.conf import settings

    origin = urlsplit(page.url)
    page.add_script_tag(url=f"{origin.scheme}://{origin.netloc}{settings.STATIC_URL}{AXE_STATIC}")


def axe_check(page, *, context: str = "") -> None:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page; fail listing any violation."""
    # A click that navigates returns once the new page commits, before its stylesheet has
    # applied; axe measuring unstyled links reports false target-size failures.
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => document.readyState === 'complete'"
        " && [...document.styleSheets].every(s => { try { return s.cssRules !== null } catch (e) { return true } })"
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        _axe_load(page)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}, resultTypes: ['violations']})"""
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    if violations:
        raise AxeViolations(f"{context or page.url}: {json.dumps(violations, indent=1)}")


@pytest.fixture
def axe():
    return axe_check


def sign_in_by_cookie(page, live_server, user) -> None:
    """Give the page's browser context a session of `user` that passed the password and the
    second factor (tests/signin.py), as the sign-in pages would. The sign-in pages themselves
    are walked, with axe, by tests/e2e/test_journeys.py and test_responsive.py; the other
    journeys start signed in, which saves each of them three pages and their checks."""
    from django.conf import settings

    from tests.signin import SignedInClient

    client = SignedInClient()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
