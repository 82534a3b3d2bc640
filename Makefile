# HomeSafe: `make demo` runs the demo, `make test` runs the tests. Both set themselves up first.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
RUN := .venv/bin/python -m homesafe.cli

.PHONY: demo test test-fast lint bootstrap

# make demo PORT=8123 serves on another port; make demo DEMO_ARGS=--no-serve sets up, seeds
# and exits (CI runs it that way).
PORT ?= 8000
demo:
	./scripts/bootstrap
	HOMESAFE_MODE=demo $(RUN) demo --port $(PORT) $(DEMO_ARGS)

# DATABASE_URL=postgres://postgres@127.0.0.1:5432/homesafe make test  runs the same on PostgreSQL.
# The tests run in TEST_WORKERS processes (pytest-xdist): one more than the cores, since the
# browser and process tests wait more than they compute (on 2 cores, 3 workers: 3 min 41 s
# against 3 min 57 s on SQLite, docs/benchmarks.md). Python keeps the
# modules it compiles (__pycache__, git-ignored) even where the environment says not to, or
# every process the tests start would compile Django again.
# --dist worksteal: a worker that runs out of tests takes half of what another has not started,
# so neither waits at the end while the other works through the browser tests (with the default
# scheduling one worker finished 50 s before the other).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
PYTEST := PYTHONDONTWRITEBYTECODE= HOMESAFE_MODE=test .venv/bin/pytest -n $(TEST_WORKERS) --dist worksteal

test:
	./scripts/bootstrap --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check homesafe tests
	.venv/bin/lint-imports --no-cache
	$(PYTEST) $(PYTEST_ARGS)

# The quick loop: everything but the browser tests.
test-fast:
	./scripts/bootstrap --test
	$(PYTEST) -m "not e2e" $(PYTEST_ARGS)

# lint-imports: the layers of docs/architecture.md ([tool.importlinter] in pyproject.toml).
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check homesafe tests && .venv/bin/lint-imports --no-cache
