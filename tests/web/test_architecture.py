"""Rules of the house that a reviewer would otherwise have to remember (STYLE.md 3 and 2)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

HOMESAFE = Path(__file__).resolve().parents[2] / "homesafe"
GATED_MODELS = {"Child", "MissingEpisode"}
READ_AND_WRITE_MODULES = sorted(
    p for p in HOMESAFE.glob("*/*.py") if p.name in {"views.py", "api.py", "forms.py", "tasks.py"}
)


def _direct_manager_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in GATED_MODELS
        ):
            found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", READ_AND_WRITE_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_never_reach_children_or_episodes_around_the_gate(path):
    assert _direct_manager_uses(path) == []


def test_the_check_finds_a_direct_use(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text("from x import Child\n\ndef v(r):\n    return Child.objects.all()\n")
    assert _direct_manager_uses(bad) == ["views.py:4 Child.objects"]


@pytest.mark.parametrize("path", READ_AND_WRITE_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_do_not_save_models_themselves(path):
    source = path.read_text()
    assert ".save(" not in source and ".objects.create(" not in source


def test_models_and_migrations_agree(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


# What calls use cases: pages, API classes, tasks and commands.
ENTRY_MODULES = sorted(
    {
        *HOMESAFE.glob("*/views*.py"),
        *HOMESAFE.glob("api/*.py"),
        *HOMESAFE.glob("*/tasks.py"),
        *HOMESAFE.glob("*/management/commands/*.py"),
    }
)


@pytest.mark.parametrize("path", ENTRY_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_open_no_transaction_of_their_own(path):
    """A view calls one use case, which owns the (durable) transaction: a view that needs two
    writes together calls a service that composes them (homesafe.use_cases)."""
    assert "transaction.atomic" not in path.read_text()


def test_the_layers_hold():
    """import-linter's contracts in pyproject.toml (docs/architecture.md, "Layers"): an app
    that imports one above it fails here, as in `make lint`, naming the import."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=HOMESAFE.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# --- One way to map a service's errors (issue 14; STYLE.md 10) --------------------------------

SERVICE_ERRORS = {"ValidationError", "DjangoValidationError", "ApplicationError", "StaleEdit"}
PAGE_AND_API_MODULES = sorted(
    p
    for p in HOMESAFE.glob("*/*.py")
    if p.name.startswith("views") or (p.parent.name == "api" and p.name != "errors.py")
)
# A lookup before any form, not a form's error: an unusable invitation link is a 404 page.
CATCHES_ALLOWED = {"administration/views.py:invitation_accept_view"}


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {k.id if isinstance(k, ast.Name) else getattr(k, "attr", "") for k in kinds if k}


def _service_error_catches(path: Path) -> list[str]:
    """Where a module catches a service's errors itself: "file:function name"."""
    found = []
    for top in ast.parse(path.read_text()).body:
        for node in ast.walk(top):
            if isinstance(node, ast.ExceptHandler) and _caught_names(node) & SERVICE_ERRORS:
                found.append(f"{path.parent.name}/{path.name}:{getattr(top, 'name', '?')}")
    return found


@pytest.mark.parametrize("path", PAGE_AND_API_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pages_and_the_api_leave_service_errors_to_the_one_mapping(path):
    """Pages go through homesafe.web.form_pages (form_save, form_page, action_run) and the API
    through its exception handler (homesafe.api.errors): no view catches them itself."""
    assert [c for c in _service_error_catches(path) if c not in CATCHES_ALLOWED] == []


def test_the_check_finds_a_view_that_catches_a_service_error(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "def v(request):\n    try:\n        s()\n    except (ValidationError, KeyError):\n"
        "        pass\n"
    )
    assert _service_error_catches(bad) == [f"{tmp_path.name}/views.py:v"]
