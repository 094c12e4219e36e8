# The workbook's two everyday commands are `make demo` and `make test`.
# Both set up everything on a fresh machine (Debian packages, .venv, kernel)
# and are safe to run again: each step is skipped when already done.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.workbook-installed
SYSTEM_STAMP := $(VENV)/.system-packages
APT_PACKAGES := chromium poppler-utils fonts-dejavu-core fonts-liberation fonts-droid-fallback fonts-noto-color-emoji
LOG := .make-setup.log
WORKERS ?= 2

.PHONY: setup demo test test-fast bench lab clean help

help:
	@echo "make demo   set up, then build the example clients' reports into reports/"
	@echo "make test   set up, then run every test"
	@echo "make lab    open JupyterLab on the start page: pick or create a client (after setup)"
	@echo "make bench  run the speed benchmarks in benchmarks/"

setup: $(STAMP) $(SYSTEM_STAMP)

# Debian packages: Chromium prints the PDF reports and drives the browser
# tests; poppler-utils turns PDFs into pictures for checking.
$(SYSTEM_STAMP): | $(VENV)/bin/python
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then :; \
	else \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "Installing Debian packages: $(APT_PACKAGES)"; \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) ) >>$(LOG) 2>&1 \
	    || { echo "apt-get failed; see $(LOG)"; tail -20 $(LOG); exit 1; }; \
	fi
	@touch $@

$(VENV)/bin/python:
	@$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "Installing the workbook into $(VENV) (first time takes a few minutes)"
	@( $(BIN)/python -m pip install -q --upgrade pip && \
	   $(BIN)/python -m pip install -q -e '.[test]' && \
	   $(BIN)/python -m workbook.warm --install ) >>$(LOG) 2>&1 \
	  || { echo "pip install failed; see $(LOG)"; tail -20 $(LOG); exit 1; }
	@touch $@

demo: setup
	@$(BIN)/workbook demo

test: setup
	@$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile --nbval-lax -p no:cacheprovider tests notebooks

bench: setup
	@for b in benchmarks/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# JupyterLab on 127.0.0.1 at the start page, as root or not; saved notebooks stay clean.
lab: setup
	@$(BIN)/workbook lab

clean:
	rm -rf $(VENV) reports $(LOG)
