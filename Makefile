# Everything a fresh clone needs: `make demo` and `make test` do all the set-up.
SHELL := /bin/bash
# A failing engine build must fail the target, not yield an empty PULUMI_BIN.
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv lock pulumi sdk docs plugin-dist demo test test-fast test-chaos test-examples test-wheel lint typecheck bench bench-client bench-waits bench-pulumi bench-plugin clean

# pyproject.toml states ranges (what a team's install may resolve); requirements.lock pins
# this project's own installs, so every clone and CI run tests the same versions.
$(STAMP): pyproject.toml requirements.lock
	@echo "==> creating $(VENV) and installing the locked dependencies"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev,emulator]'
	@touch $(STAMP)

# Re-resolves requirements.lock from pyproject.toml, keeping the versions already pinned
# unless they no longer fit (`make lock UPGRADE=--upgrade` moves everything to the newest).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --extra emulator --python-version 3.11 \
	  -o requirements.lock --custom-compile-command "make lock" -q $(UPGRADE)

venv: $(STAMP)

# Prints progress, then the absolute path of the pulumi binary as its last line.
# Also builds the YAML language host (its directory in PULUMI_YAML_DIR for the tests).
pulumi: $(STAMP)
	@bash scripts/ensure-pulumi-yaml.sh >/dev/null
	@bash scripts/ensure-pulumi.sh

# The aep plugin's SDKs (sdk/python, sdk/nodejs, sdk/go) regenerated from its schema: run after a
# schema change and commit sdk/ (the e2e tier checks they agree).
sdk: $(STAMP)
	@bash scripts/gen-sdk.sh
	@$(PY) -m sandbox_provider.docs_pages

# The generated parts of docs/ (the configuration table, ...) rebuilt from their sources;
# tests/docs/test_docs_pages.py fails while they are out of date.
docs: $(STAMP)
	@$(PY) -m sandbox_provider.docs_pages

# The self-contained plugin for this machine's OS and CPU (no Python needed where it runs):
# dist/pulumi-resource-aep-v<version>-<os>-<arch>.tar.gz and dist/pulumi-aep_<version>_checksums.txt,
# from a PyInstaller build cached under ~/.cache/sandbox-provider/plugin-dist/ (about a minute, once
# per change of the sources). Install it with `pulumi plugin install resource aep <version> --file …`.
plugin-dist: $(STAMP)
	@DIR="$$(bash scripts/ensure-plugin-dist.sh | tail -n 1)" && test -d "$$DIR" && mkdir -p dist && \
	  for f in "$$DIR"/pulumi-resource-aep-v*.tar.gz "$$DIR"/pulumi-aep_*_checksums.txt; do \
	    cp "$$f" dist/ && echo "dist/$$(basename "$$f")"; \
	  done

demo: $(STAMP)
	@PULUMI_BIN="$$(bash scripts/ensure-pulumi.sh | tail -n 1)" && test -x "$$PULUMI_BIN" && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

SLOW_TIERS := e2e or chaos or examples or wheel
# Tests run in JOBS worker processes (pytest-xdist; JOBS=0: in pytest's own process), each
# with its own emulator, and each test with its own stacks and PULUMI_HOME: the engine tiers
# mostly wait on pulumi, so two workers halve them on two cores. A chaos file stays in one
# worker (its fault runs share one fixture, and its kills stay apart from each other).
JOBS ?= 2
XDIST := -n $(JOBS) --dist worksteal
XDIST_FILES := -n $(JOBS) --dist loadfile

# Every tier: unit, emulator, client, providers; e2e through the real pulumi CLI; chaos (the
# real CLI under injected faults, kills and -v=9 logs); every program under examples/; and
# wheel (the built wheel installed into fresh virtualenvs beside a newer pulumi SDK).
test: $(STAMP)
	@PULUMI_BIN="$$(bash scripts/ensure-pulumi.sh | tail -n 1)" && test -x "$$PULUMI_BIN" && \
	  export PULUMI_YAML_DIR="$$(bash scripts/ensure-pulumi-yaml.sh | tail -n 1)" && \
	  test -x "$$PULUMI_YAML_DIR/pulumi-language-yaml" && \
	  $(MAKE) --no-print-directory lint typecheck && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest $(XDIST) -m "not ($(SLOW_TIERS))" && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest $(XDIST) -m e2e && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest $(XDIST_FILES) -m chaos && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest $(XDIST) -m examples && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest -m wheel

# The fast tiers only (no engine needed).
test-fast: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "not ($(SLOW_TIERS))"

test-examples: $(STAMP)
	@PULUMI_BIN="$$(bash scripts/ensure-pulumi.sh | tail -n 1)" && test -x "$$PULUMI_BIN" && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest $(XDIST) -m examples

test-wheel: $(STAMP)
	@PULUMI_BIN="$$(bash scripts/ensure-pulumi.sh | tail -n 1)" && test -x "$$PULUMI_BIN" && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest -m wheel

# The chaos tier alone; its terminal summary gives the first-up pass rate of the fault runs.
test-chaos: $(STAMP)
	@PULUMI_BIN="$$(bash scripts/ensure-pulumi.sh | tail -n 1)" && test -x "$$PULUMI_BIN" && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m pytest $(XDIST_FILES) -m chaos

# Measured figures, written to benchmarks/RESULTS.md (not pass/fail tests).
bench: bench-client bench-waits bench-pulumi bench-plugin

bench-client: $(STAMP)
	$(PY) -m benchmarks.run client

# A 60 s import followed by id against polling the jobs list (about a minute).
bench-waits: $(STAMP)
	$(PY) -m benchmarks.run waits

# The self-contained plugin's startup against the venv launchers (builds the plugin first if
# the cache has none for these sources).
bench-plugin: $(STAMP)
	$(PY) -m benchmarks.run plugin-startup

bench-pulumi: $(STAMP)
	@PULUMI_BIN="$$(bash scripts/ensure-pulumi.sh | tail -n 1)" && \
	  PULUMI_BIN="$$PULUMI_BIN" $(PY) -m benchmarks.pulumi_stacks --write

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
