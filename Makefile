# make serve | test | lint | spec | eval | bench | load | clean
# Every target installs the pinned requirements into $(VENV) first, once per change to them.

SHELL := bash
VENV ?= .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 8000
# The comparison cases and their scorer, beside this repository.
EVAL ?= ../shared/eval

BIN := $(VENV)/bin

.PHONY: help serve nginx slow-clients memory hostile test test-deps lint spec eval bench load screenshot clean

help:
	@echo "make serve   run the service (nginx in front of gunicorn) on HOST:PORT (default 127.0.0.1:8000)"
	@echo "make test    run the test suite (test-deps first)"
	@echo "make test-deps  install Debian's chromium, nginx, LibreOffice and redis-server for the tests, when root and missing"
	@echo "make lint    run ruff"
	@echo "make spec    regenerate api_spec/openapi.yaml from the schemas"
	@echo "make eval    start the service on a free port and score it on $(EVAL)/dev and bench/quality"
	@echo "make bench   run the benchmarks, when there are some"
	@echo "make load    gunicorn on 127.0.0.1 under 8 clients for 2 minutes, then a worker killed mid-run"
	@echo "make slow-clients  16 clients sending one byte a second while health and a comparison are timed"
	@echo "make memory  worker memory after 2,000 requests against after 100"
	@echo "make hostile the probe's expensive inputs (189 articles flipped, 3,600 at the size limit) in process and over HTTP"
	@echo "make screenshot  take docs/screenshot.png of the page in chromium"
	@echo "make clean   remove caches"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# nginx in front of gunicorn (scripts/serve.py), on 127.0.0.1 unless HOST says otherwise. nginx is
# installed first when missing and when root; without it gunicorn serves alone and says so.
HOST ?= 127.0.0.1
serve: $(VENV)/.installed nginx
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m scripts.serve

# Debian's nginx (the light build is enough), for make serve and tests/test_slow_clients.py.
nginx:
	@if ! command -v nginx > /dev/null && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light) \
				|| (DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx) \
				|| echo "make: nginx could not be installed; make serve runs gunicorn alone"; \
		else \
			echo "make: nginx is missing (apt-get install nginx-light as root); make serve runs gunicorn alone"; \
		fi; \
	fi

test: lint test-deps
	$(BIN)/python -m pytest -q

# Debian packages the tests drive: chromium for tests/test_browser.py and nginx for
# tests/test_slow_clients.py (required under CI, where those tests fail without them), LibreOffice to open the Word exports and redis-server for the shared rate
# limit (optional: those tests skip without them). Installed only when missing and when root, as CI
# is; elsewhere the tests that need them skip.
test-deps: nginx
	@if ! command -v chromium > /dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
		else \
			echo "make test-deps: chromium is missing (apt-get install chromium as root); the browser test skips"; \
		fi; \
	fi
	@if ! command -v soffice > /dev/null && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libreoffice-writer-nogui) \
			|| echo "make test-deps: LibreOffice could not be installed; the conversion test skips"; \
	fi
	@if command -v soffice > /dev/null && ! /usr/bin/python3 -c "import uno" 2> /dev/null && [ "$$(id -u)" = 0 ]; then \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-uno) \
			|| echo "make test-deps: python3-uno could not be installed; the accept-all and reject-all tests in LibreOffice skip"; \
	fi
	@if ! command -v redis-server > /dev/null && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server) \
			|| echo "make test-deps: redis-server could not be installed; the Redis rate-limit test skips"; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .

spec: $(VENV)/.installed
	$(BIN)/python -m service.spec > api_spec/openapi.yaml.new
	mv api_spec/openapi.yaml.new api_spec/openapi.yaml

# One shell, so that the trap stops the server however the recipe ends. Fails only when the
# service does not come up; the scorer's own verdict is printed, not turned into a failure.
# Two blocks from the same server: the dev cases beside the repository, then the public
# benchmark in bench/quality (statute revisions and layouts the service was not tuned on).
eval: $(VENV)/.installed
	@port=$$($(BIN)/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	log=$$(mktemp); \
	PORT=$$port $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$$port > "$$log" 2>&1 & \
	pid=$$!; \
	trap 'kill $$pid 2> /dev/null; wait $$pid 2> /dev/null; rm -f "$$log"' EXIT; \
	deadline=$$(( SECONDS + 60 )); \
	until $(BIN)/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
			"http://127.0.0.1:$$port/v1/health" 2> /dev/null; do \
		if ! kill -0 $$pid 2> /dev/null || (( SECONDS >= deadline )); then \
			echo "make eval: the service did not start on port $$port; its log:" >&2; \
			tail -n 30 "$$log" >&2; \
			exit 1; \
		fi; \
		sleep 1; \
	done; \
	echo "make eval: service up on port $$port, scoring $(EVAL)/dev"; \
	$(BIN)/python $(EVAL)/score.py --url http://127.0.0.1:$$port $(EVAL)/dev \
		|| echo "make eval: the scorer exited with status $$?"; \
	echo "make eval: scoring bench/quality"; \
	$(BIN)/python $(EVAL)/score.py --url http://127.0.0.1:$$port bench/quality \
		|| echo "make eval: the scorer exited with status $$?"

# Without the rate limit: the benchmark sends over a thousand requests a minute from one address.
bench: $(VENV)/.installed
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench; else echo "No benchmarks yet."; fi

# Two minutes of mixed compare and drift requests from 8 clients against gunicorn (2 workers) on a
# free port of 127.0.0.1, then 30 s more with one worker killed (SIGKILL); prints latency, memory
# and the checks, fails when one does not hold. LOAD_SECONDS=10 for a short run.
LOAD_SECONDS ?= 120
load: $(VENV)/.installed
	$(BIN)/python -m scripts.load --seconds $(LOAD_SECONDS)

# 16 connections sending one byte a second for 20 s against make serve's nginx and gunicorn, while
# health and a comparison of seed 001 are timed; SLOW_FRONT=none shows gunicorn alone.
SLOW_FRONT ?= nginx
SEEDS ?= ../shared/seeds
slow-clients: $(VENV)/.installed nginx
	$(BIN)/python -m scripts.slow_clients --front $(SLOW_FRONT) \
		$$([ -d "$(SEEDS)" ] && echo --seeds "$(SEEDS)")

# Worker memory after 2,000 comparisons against after 100, with gunicorn's recycling (about 2 minutes).
memory: $(VENV)/.installed
	$(BIN)/python -m scripts.memory

# The hostile inputs made from the seeds (189 articles whose sentences flip, then 3,600 near the
# size limit) in process and over HTTP against gunicorn on a free port of 127.0.0.1, beside seed
# 003 against itself; fails when one misses its bound, after profiling it (about 2 minutes).
hostile: $(VENV)/.installed
	$(BIN)/python -m scripts.hostile $$([ -d "$(SEEDS)" ] && echo --seeds "$(SEEDS)")

# Japanese text needs a Japanese font in the system (fonts-ipafont-gothic), or it shows as boxes.
screenshot: $(VENV)/.installed test-deps
	$(BIN)/python docs/screenshot.py docs/screenshot.png

clean:
	rm -rf .pytest_cache .ruff_cache api_spec/openapi.yaml.new
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
