# Two commands for a fresh machine (Python 3.11+ and the package registries):
#   make demo   set up, then run the whole pipeline on the bundled demo articles
#   make test   set up, then run the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= eventwire.duckdb

.PHONY: demo test install lint lock bench clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/eventwire run examples/ --db $(DB)
	$(BIN)/eventwire export --db $(DB) --format csv -o out/events.csv
	$(BIN)/eventwire export --db $(DB) --format json -o out/events.json
	$(BIN)/eventwire report --db $(DB) -o out/report.html

# the tests also cover the optional Ray engine (eventwire[ray]): its pinned extra is installed for them
$(BIN)/.ray-installed: $(BIN)/.installed requirements-ray.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-ray.lock
	touch $@

test: install $(BIN)/.ray-installed
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench scripts

# Re-pin every dependency with hashes after changing pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev --strip-extras -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o requirements-ray.lock requirements-ray.in

bench: install
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out $(DB) $(DB).wal
