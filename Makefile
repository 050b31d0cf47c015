# One command each for the README's quick start: `make test` and `make demo`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Segment's engine for `make record` (the peer): installed with npm into $(PEER_DIR) by its setup.sh.
PEER_SETUP ?= $(firstword $(wildcard ../shared/peer/setup.sh /work/shared/peer/setup.sh))
PEER_DIR ?= /tmp/segment-peer
RECORDERS := $(wildcard tests/*/conformance/record.py tests/*/*/conformance/record.py)

.PHONY: test lint record demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Regenerate every recorded Segment case from the peer; each file's first line names the engine
# versions and the generator seed (framework/testing/recordings.py).
record: $(STAMP)
	@test -n "$(PEER_SETUP)" || { echo "make record: no peer setup.sh found; set PEER_SETUP=path/to/peer/setup.sh"; exit 2; }
	PEER_DIR=$(PEER_DIR) $(PEER_SETUP) >/dev/null
	cp $(PEER_SETUP) $(PEER_DIR)/setup.sh
	@for recorder in $(RECORDERS); do echo "== $$recorder"; \
	  PEER_DIR=$(PEER_DIR) $(BIN)/python $$recorder --peer $(PEER_DIR) || exit 1; done

demo: $(STAMP)
	$(BIN)/actions replay fixtures/events/ --instance fixtures/instances/pardot.toml --emulator --show-prospects

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
