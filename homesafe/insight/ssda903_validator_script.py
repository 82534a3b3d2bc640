"""Runs the DfE's SSDA903 validator (the public `csc-validator-be-903` package) on a folder's
CSV files and prints its findings as JSON. Run by the validator's own Python (.venv-903, see
scripts/bootstrap), never imported by HomeSafe: it imports nothing of HomeSafe's.

    .venv-903/bin/python ssda903_validator_script.py DIR --year 2026 --ruleset lac2025_26
        [--select 574,575] [--previous DIR] [--isolated]

Prints {"errors": [{"rule", "table", "row", "child"}], "fails": [...], "skips": [...],
"cpu_seconds": reading and checking, "rules_run": n}.
"""

import argparse
import importlib
import json
import logging
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", required=True, help="collectionYear: the year it ends in")
    parser.add_argument("--ruleset", required=True)
    parser.add_argument("--select", default="")
    parser.add_argument("--previous", type=Path)
    parser.add_argument("--la", default="E10000024")
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="give each rule its own copy of the tables (see below)",
    )
    args = parser.parse_args()

    logging.disable(logging.WARNING)  # the package logs every step at INFO and WARNING
    from lac_validator import lac_validator
    from lac_validator.utils import process_uploaded_files

    if args.isolated:
        # The package hands each rule a shallow copy of the tables, and some rules write into
        # it (rule 365 fills every blank Episodes DEC with the year's end), so that rules run
        # after them see changed tables (575 and 577 then flag every period open at the year
        # end). --isolated gives each rule a deep copy: each rule as written, on the files.
        def copy_datastore(data_store):
            return {k: v if k == "metadata" else v.copy(deep=True) for k, v in data_store.items()}

        lac_validator.copy_datastore = copy_datastore

    registry = importlib.import_module(f"lac_validator.rules.{args.ruleset}").registry
    files = {"This year": sorted(str(p) for p in args.folder.glob("*.csv"))}
    if args.previous:
        files["Prev year"] = [str(args.previous / "missing.csv")]
    selected = [code for code in args.select.split(",") if code] or None
    started = time.process_time()
    real_stdout, sys.stdout = sys.stdout, sys.stderr  # some rules print
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": args.year, "localAuthority": args.la},
        files=process_uploaded_files(files),
        registry=registry,
        selected_rules=selected,
    )
    cpu = time.process_time() - started
    sys.stdout = real_stdout
    errors = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in [c for c in frame.columns if c.startswith("ERR_")]:
            flagged = frame[frame[column] == True]  # noqa: E712 (a pandas mask)
            for row, child in zip(flagged.index, flagged["CHILD"], strict=True):
                errors.append(
                    {"rule": column[4:], "table": table, "row": int(row), "child": str(child)}
                )
    json.dump(
        {
            "errors": errors,
            "fails": validator.fails,
            "skips": validator.skips,
            "cpu_seconds": cpu,
            "rules_run": len(validator.dones),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
