# 巾帼看板. `make run` opens the app; `make test` is what CI runs.
PY      ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)

.PHONY: run test db venv system-deps lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# Chromium and a CJK font for the browser tests, from Debian, where missing (CI runs as root).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei fonts-noto-color-emoji >/dev/null; \
	  else echo "note: chromium/fonts-wqy-microhei missing and not root: browser tests will skip"; fi; \
	fi

db: $(STAMP)
	$(VPY) -m jinguo build --if-stale

run: db
	$(VPY) -m streamlit run app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) system-deps db
	$(VENV)/bin/ruff check .
	$(VPY) -m pytest -q

bench: db
	$(VPY) -m jinguo bench

clean:
	rm -rf $(VENV) data/jinguo.duckdb data/jinguo.duckdb.wal .pytest_cache screenshots
