"""The API's one error mapping (homesafe.api.errors): a service's ValidationError and
ApplicationError become JSON answers with a stable `code`, through the exception handler every
DRF view uses, from one table of codes."""

from pathlib import Path

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from homesafe.access.edits import StaleEdit
from homesafe.access.errors import ApplicationError
from homesafe.api.errors import INVALID, SERVICE_ERROR_STATUS


def _answer(error: Exception):
    """What a DRF view answers when the service it calls raises `error`."""

    class ServiceView(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        def post(self, request):
            raise error

    response = ServiceView.as_view()(APIRequestFactory().post("/api/v1/x", {}, format="json"))
    response.render()
    return response


def test_a_broken_rule_is_a_400_with_its_own_code():
    response = _answer(ApplicationError("The child has returned.", code="episode_closed"))
    assert "episode_closed" not in SERVICE_ERROR_STATUS
    assert response.status_code == 400
    assert response.data == {"code": "episode_closed", "detail": "The child has returned."}


def test_a_rule_in_the_table_answers_its_status():
    response = _answer(ApplicationError("Already completed.", code="action_completed"))
    assert response.status_code == 409 == SERVICE_ERROR_STATUS["action_completed"]
    assert response.data == {"code": "action_completed", "detail": "Already completed."}


def test_a_field_problem_is_a_400_invalid_naming_the_field():
    response = _answer(ValidationError({"graded_at": "The time cannot be in the future."}))
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid",
        "detail": INVALID,
        "errors": {"graded_at": ["The time cannot be in the future."]},
    }
    unnamed = _answer(ValidationError("Nothing would change."))
    assert unnamed.data["errors"] == {"non_field_errors": ["Nothing would change."]}


def test_a_stale_edit_names_the_fields_and_the_current_version():
    stale = StaleEdit(fields=["last_name"], current={"last_name": "Reid"})
    response = _answer(stale)
    assert response.status_code == 412
    assert response.data == {
        "code": "stale_edit",
        "detail": stale.message,
        "changed": ["last_name"],
    }
    assert response["ETag"] == f'"{stale.version}"'


def test_every_code_in_the_table_is_one_homesafe_raises():
    homesafe = Path(__file__).resolve().parents[2] / "homesafe"
    source = "\n".join(
        p.read_text() for p in homesafe.rglob("*.py") if p != homesafe / "api" / "errors.py"
    )
    assert [code for code in SERVICE_ERROR_STATUS if f'"{code}"' not in source] == []
