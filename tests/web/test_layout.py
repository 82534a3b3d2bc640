"""The service's layout: tables that scroll in their own box on a phone, templates the Content
Security Policy allows, and allauth's account pages in the same header, navigation and sentence
case as every other page. (tests/e2e/test_responsive.py measures the pages in Chromium.)"""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from homesafe.access.choices import Role
from homesafe.web.templatetags.govuk_dtl import sentence_case
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

HOMESAFE = Path(__file__).resolve().parents[2] / "homesafe"
TEMPLATES = sorted(HOMESAFE.glob("**/*.html"))
MACROS = HOMESAFE / "web/jinja2/web/macros.html"


def _render_table(params: str) -> str:
    page = engines["jinja2"].from_string(
        '{% from "web/macros.html" import data_table %}{{ data_table(' + params + ") }}"
    )
    return page.render({})


def test_a_data_table_scrolls_in_a_named_region_that_takes_focus():
    html = _render_table(
        '{"caption": "Children found", "classes": "app-found", '
        '"head": [{"text": "Name"}], "rows": [[{"text": "Robin"}]]}'
    )
    region = re.search(r"<div ([^>]*)>", html).group(1)
    assert 'class="hs-table-scroll"' in region
    assert 'role="region"' in region and 'tabindex="0"' in region
    assert 'aria-label="Children found"' in region
    assert 'class="govuk-table app-found govuk-table--small-text-until-tablet"' in html
    assert "Robin" in html


def test_a_data_table_without_classes_of_its_own():
    html = _render_table('{"caption": "Stages", "head": [{"text": "Stage"}], "rows": []}')
    assert 'class="govuk-table govuk-table--small-text-until-tablet"' in html


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(HOMESAFE)))
def test_every_table_goes_through_data_table(path):
    if path == MACROS:
        pytest.skip("the macro itself")
    assert "govukTable" not in path.read_text(), "use data_table from web/macros.html"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(HOMESAFE)))
def test_no_inline_styles_which_the_content_security_policy_blocks(path):
    assert not re.search(r"\sstyle=", path.read_text())


@pytest.mark.parametrize(
    ("title_case", "sentence"),
    [
        ("Two-Factor Authentication", "Two-factor authentication"),
        ("\n    Sign In\n", "Sign in"),
        ("Trust this Browser?", "Trust this browser?"),
        ("Don't Trust", "Don't trust"),
        ("Activate", "Activate"),
        ("Set Up TOTP for HomeSafe", "Set up TOTP for HomeSafe"),
    ],
)
def test_sentence_case(title_case, sentence):
    assert sentence_case(title_case) == sentence


@pytest.fixture
def cmo(db):
    return UserFactory(organisation=OrganisationFactory(), roles=[Role.MISSING_COORDINATOR])


def _heading(html: str) -> str:
    return re.search(r"<h1[^>]*>\s*(.*?)\s*</h1>", html, re.S).group(1)


def test_sign_in_security_is_in_the_service_layout_in_sentence_case(client, cmo):
    client.force_login(cmo)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "<title>Two-factor authentication – HomeSafe</title>" in html
    assert _heading(html) == "Two-factor authentication"
    assert 'aria-label="Your account"' in html
    assert 'href="/account/2fa/" aria-current="page">Sign-in security</a>' in html
    # The same service navigation as every other page, for this user's roles.
    assert 'class="govuk-service-navigation' in html
    assert f'href="{reverse("daily_screening:list")}"' in html
    assert "Signed in as" in html
    assert re.search(r">\s*Authenticator app\s*<", html)
    assert re.search(r">\s*Deactivate\s*<", html)


def test_sign_out_is_in_the_service_layout_in_sentence_case(client, cmo):
    client.force_login(cmo)
    html = client.get(reverse("account_logout")).content.decode()
    assert _heading(html) == "Sign out"
    assert re.search(r'<button class="govuk-button"[^>]*>\s*Sign out\s*</button>', html)
    assert "Sign Out" not in html
    assert 'class="govuk-service-navigation' in html


def test_the_two_factor_code_page_has_the_header_but_no_navigation(client, cmo):
    client.post(reverse("account_login"), {"login": cmo.email, "password": PASSWORD})
    response = client.get(reverse("mfa_authenticate"))
    html = response.content.decode()
    assert _heading(html) == "Two-factor authentication"
    assert re.search(r">\s*Sign in\s*</button>", html)
    assert "govuk-generic-header" in html
    assert "govuk-service-navigation" not in html  # not signed in yet
    assert 'aria-label="Your account"' not in html


def test_a_form_with_errors_says_so_in_the_title(client, cmo):
    html = client.post(
        reverse("account_login"), {"login": cmo.email, "password": "not-the-password"}
    ).content.decode()
    assert "<title>Error: Sign in – HomeSafe</title>" in html
    assert "There is a problem" in html
