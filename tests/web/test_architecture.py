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
