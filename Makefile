# 巾帼看板. `make run` opens the app; `make test` is what CI runs.
PY      ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)

.PHONY: run serve test db venv system-deps lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# System packages, from Debian, where missing (CI runs as root): Chromium and CJK/emoji fonts for the
# browser tests and the briefing's static charts, nginx for `serve`, LibreOffice (calc, no GUI) so the
# tests can make the .xls/.ods files real offices send, wrk for the finder's crowd bench, libzbar0 so the
# tests can decode the QR code on a room's page.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "wqy" || missing="$$missing fonts-wqy-microhei"; \
	fc-list 2>/dev/null | grep -qi "color emoji" || missing="$$missing fonts-noto-color-emoji"; \
	command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	ldconfig -p 2>/dev/null | grep -q "libzbar.so.0" || missing="$$missing libzbar0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "note: missing$$missing and not root: the tests that need them will skip"; fi; \
	fi

db: $(STAMP)
	$(VPY) -m jinguo build --if-stale

run: db
	$(VPY) -m streamlit run serve_app.py

# N app processes behind nginx (sticky sessions, restarts): `make serve REPLICAS=4 PORT=8080`
REPLICAS ?= 2
PORT    ?= 8501
serve: db system-deps
	$(VPY) -m jinguo serve --replicas $(REPLICAS) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) system-deps db
	$(VENV)/bin/ruff check .
	$(VPY) -m pytest -q

bench: db
	$(VPY) -m tools.bench

clean:
	rm -rf $(VENV) data/jinguo.duckdb data/jinguo.duckdb.wal .pytest_cache screenshots
