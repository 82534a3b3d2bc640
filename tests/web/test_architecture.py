"""Rules of the house that a reviewer would otherwise have to remember (STYLE.md 3 and 2)."""

import ast
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
