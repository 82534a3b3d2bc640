"""Benchmark: HomeSafe's checks of the SSDA903 missing rules against the DfE's validator
(`csc-validator-be-903`, in .venv-903) on a national-size Missing table, in the same run.

    .venv/bin/python bench/bench_ssda903.py [--rows 90000] [--messy 0.02] [--seed 15] [--repeat 3]

A synthetic return (homesafe/insight/ssda903_synthetic.py: about 90,000 Missing rows, the
Header and Episodes of about 94,000 children looked after) is written as CSV; then
- HomeSafe reads the three files and runs its 19 checks (CPU time of this process, best of
  --repeat runs);
- the validator reads the same files and runs the same 19 rules (`selected_rules`), in its own
  process; the script there reports its CPU time for reading and checking (best of --repeat).
Both are CPU times (time.process_time), so other processes on the machine weigh less on them;
wall-clock times are printed too. The benchmark also says whether both flagged the same rows.
Needs .venv-903 (scripts/bootstrap --test). Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _setup  # noqa: E402,F401  (Django's settings in test mode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=90_000)
    parser.add_argument("--messy", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from homesafe.insight.ssda903 import CollectionYear, table_read
    from homesafe.insight.ssda903_rules import RULES, Tables, ssda903_missing_check
    from homesafe.insight.ssda903_synthetic import synthetic_return
    from homesafe.insight.ssda903_validator import validator_python, validator_run

    if not validator_python().exists():
        sys.exit(f"{validator_python()} is missing: run scripts/bootstrap --test first")
    year = CollectionYear.parse("2025-26")
    tables = synthetic_return(missing_rows=args.rows, year=year, seed=args.seed, messy=args.messy)
    folder = Path(tempfile.mkdtemp(prefix="homesafe-903-"))
    this, last = folder / "this", folder / "last"
    this.mkdir()
    last.mkdir()
    for name in ("Header", "Episodes", "Missing"):
        tables[name].write_csv(this / f"{name.lower()}.csv", null_value="")
    tables["Missing_last"].write_csv(last / "missing.csv", null_value="")
    sizes = {name: frame.height for name, frame in tables.items()}
    print(
        f"Return {year.label}: {sizes['Missing']:,} Missing rows ({args.messy:.0%} spoiled), "
        f"{sizes['Header']:,} children, {sizes['Episodes']:,} episodes, "
        f"{sizes['Missing_last']:,} rows open at last year's end"
    )

    def homesafe_run():
        read = Tables(
            header=table_read(this / "header.csv"),
            episodes=table_read(this / "episodes.csv"),
            missing=table_read(this / "missing.csv"),
            collection_start=year.start,
            collection_end=year.end,
            missing_last=table_read(last / "missing.csv"),
        )
        return ssda903_missing_check(read)

    ours_cpu, ours_wall, breaches = [], [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        breaches = homesafe_run()
        ours_cpu.append(time.process_time() - cpu)
        ours_wall.append(time.perf_counter() - wall)
    theirs_cpu, theirs_wall, result = [], [], None
    for _ in range(args.repeat):
        wall = time.perf_counter()
        result = validator_run(this, year=year, select=list(RULES), previous=last)
        theirs_wall.append(time.perf_counter() - wall)
        theirs_cpu.append(result.cpu_seconds)

    ours = {(b.rule, b.table, b.row) for b in breaches}
    theirs = {(e.rule, e.table, e.row) for e in result.errors if e.rule in RULES}
    print(
        f"HomeSafe (read + {len(RULES)} checks, polars): CPU {min(ours_cpu):.3f} s, "
        f"wall {min(ours_wall):.3f} s, {len(ours):,} breaches"
    )
    print(
        f"csc-validator-be-903 0.1.17 (read + the same rules, pandas): CPU {min(theirs_cpu):.3f} s, "
        f"wall {min(theirs_wall):.3f} s with its process start, {len(theirs):,} errors"
    )
    print(f"Ratio, validator / HomeSafe CPU: {min(theirs_cpu) / min(ours_cpu):.1f}x")
    print(f"Same rows flagged: {'yes' if ours == theirs else 'NO'}")
    if ours != theirs:
        print(f"  only HomeSafe: {sorted(ours - theirs)[:10]}")
        print(f"  only the validator: {sorted(theirs - ours)[:10]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
