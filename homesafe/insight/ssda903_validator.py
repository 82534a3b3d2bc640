"""Running the DfE's SSDA903 validator (`csc-validator-be-903`) on an exported return.

The validator cannot live in HomeSafe's environment (it pins pandas < 2, numpy < 1.25 and
rich < 14), so scripts/bootstrap --test installs it in its own, `.venv-903` beside the project
(Python 3.11: its pandas has no wheels for 3.12), and this module runs it there as a separate
process (ssda903_validator_script.py) and reads back its findings.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from homesafe.insight.ssda903 import CollectionYear

SCRIPT = Path(__file__).with_name("ssda903_validator_script.py")
VALIDATOR_VERSION = "0.1.17"


def validator_python() -> Path:
    """The validator environment's Python: $HOMESAFE_SSDA903_VALIDATOR_PYTHON, or .venv-903's."""
    configured = os.environ.get("HOMESAFE_SSDA903_VALIDATOR_PYTHON")
    if configured:
        return Path(configured)
    return Path(settings.PROJECT_DIR) / ".venv-903" / "bin" / "python"


@dataclass(frozen=True)
class ValidatorFinding:
    rule: str
    table: str
    row: int
    child: str


@dataclass(frozen=True)
class ValidatorResult:
    errors: list[ValidatorFinding]
    fails: list[str]  # rules that raised on the data
    skips: list[str]  # rules skipped for want of a table
    cpu_seconds: float  # the validator's own reading and checking, in its process
    rules_run: int

    def on_table(self, table: str) -> list[ValidatorFinding]:
        return [e for e in self.errors if e.table == table]


def validator_run(
    folder: Path,
    *,
    year: CollectionYear,
    select: list[str] | None = None,
    previous: Path | None = None,
    isolated: bool = False,
    timeout: float = 1800,
) -> ValidatorResult:
    """The validator's findings on the CSV files in the folder, for the collection year.
    `isolated`: each rule on its own copy of the tables (ssda903_validator_script.py says why)."""
    command = [
        str(validator_python()),
        str(SCRIPT),
        str(folder),
        "--year",
        year.validator_year,
        "--ruleset",
        year.validator_ruleset,
    ]
    if select:
        command += ["--select", ",".join(select)]
    if previous is not None:
        command += ["--previous", str(previous)]
    if isolated:
        command.append("--isolated")
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"The SSDA903 validator failed:\n{done.stderr[-4000:]}")
    found = json.loads(done.stdout)
    return ValidatorResult(
        errors=[ValidatorFinding(**e) for e in found["errors"]],
        fails=found["fails"],
        skips=found["skips"],
        cpu_seconds=found["cpu_seconds"],
        rules_run=found["rules_run"],
    )
