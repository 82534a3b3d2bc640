"""schemathesis against the OpenAPI schema, through the Django WSGI app: no server errors, and
responses that conform to the schema (as a police system with a key, and as a signed-in CMO)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from homesafe.intake.models import PoliceApiKey
from tests.signin import SignedInClient


@pytest.fixture
def api_schema(world):
    # As Django's test client does: the request's end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _session_cookie(user) -> str:
    client = SignedInClient()  # its session passed the second factor, as a real one has
    client.force_login(user)
    return client.cookies["sessionid"].value


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, *, headers=None, cookies=None, examples=25):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case):
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(
            response,
            checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        )

    run()


def test_schema_lists_the_event_and_read_operations(api_schema):
    paths = {operation.path for operation in _operations(api_schema)}
    assert {
        "/api/v1/events/missing-reported",
        "/api/v1/events/risk-regraded",
        "/api/v1/events/sighting",
        "/api/v1/events/found",
        "/api/v1/events/closed",
        "/api/v1/children/",
        "/api/v1/children/{child_id}/",
        "/api/v1/episodes/",
        "/api/v1/episodes/{episode_id}/",
        "/api/v1/episodes/{episode_id}/correct",
        "/api/v1/episodes/{episode_id}/void",
        "/api/v1/interviews/",
        "/api/v1/interviews/{interview_id}/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{meeting_id}/",
        "/api/v1/meeting-actions/",
        "/api/v1/meeting-actions/{action_id}/complete",
        "/api/v1/children/{child_id}/screenings/",
        "/api/v1/children/{child_id}/profile/",
        "/api/v1/children/{child_id}/concerns/",
        "/api/v1/persons-of-concern/{person_id}/",
        "/api/v1/professional-differences/",
        "/api/v1/professional-differences/{difference_id}/",
        "/api/v1/screening/",
        "/api/v1/screening/decisions",
    } <= paths


def test_schema_is_generated_without_warnings_or_errors(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/meeting-actions/{action_id}/complete" in schema["paths"]
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}


def test_police_events_fuzzed_with_a_key(world, api_schema):
    _, key = PoliceApiKey.objects.create_key(name="fuzz", organisation=world.orgs["force_a"])
    for operation in _operations(api_schema):
        if "/events/" in operation.path:
            _fuzz(operation, headers={"Authorization": f"Api-Key {key}"})


def test_reads_fuzzed_signed_in_and_anonymous(world, casework, api_schema):
    cookie = _session_cookie(world.users["cmo_a"])
    csrf = _get_new_csrf_string()  # the action completion is a session write: it needs the token
    for operation in _operations(api_schema):
        if "/events/" not in operation.path:
            _fuzz(
                operation,
                cookies={"sessionid": cookie, "csrftoken": csrf},
                headers={"X-CSRFToken": csrf},
                examples=10,
            )
            # Anonymous: refused whatever the input, so two cases show it for each operation.
            _fuzz(operation, examples=2)


def test_action_completion_fuzzed_with_real_action_ids(world, casework, api_schema):
    """Every action id the CMO may complete, so valid and invalid bodies reach the service."""
    cookie = _session_cookie(world.users["cmo_a"])
    csrf = _get_new_csrf_string()
    (operation,) = [op for op in _operations(api_schema) if op.path.endswith("/complete")]
    ids = [casework.actions[key].pk for key in ("police", "team2", "whole")]
    operation.path_parameters.get("action_id").definition["schema"] = {"enum": ids}
    _fuzz(
        operation,
        cookies={"sessionid": cookie, "csrftoken": csrf},
        headers={"X-CSRFToken": csrf},
        examples=30,
    )
