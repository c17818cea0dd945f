# cuegraph — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STORE ?= oxigraph:.cuegraph/store
export CUEGRAPH_STORE ?= $(STORE)

.PHONY: run test lint bench setup setup-test system-deps build clean help

help:
	@echo "make run    - set up, build the graph from data/, serve UI + API on http://$(HOST):$(PORT)/"
	@echo "make test   - set up (with test extras and system packages) and run the whole suite"
	@echo "make lint   - ruff (lint and format check) and mypy (type check of src/cuegraph)"
	@echo "make bench  - benchmarks (ratios measured side by side)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# setup: the package and its runtime dependencies (re-run when pyproject.toml changes)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test system-deps

# System packages the tests use: Chromium (web page tests), Graphviz (images) and a CJK font
# (native names in PNG images), Virtuoso (a real remote SPARQL server); for the audio tests
# Chromaprint's fpcalc, SoX, eSpeak NG and Battle for Wesnoth's soundtrack (GPL, the real music
# the test episodes are mixed from). Installed with apt-get when missing.
SYSTEM_PACKAGES := chromium graphviz fonts-droid-fallback virtuoso-opensource libchromaprint-tools sox \
                   libsox-fmt-all espeak-ng wesnoth-1.16-music
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	fc-list :lang=ja 2>/dev/null | grep -q . || missing="$$missing fonts-droid-fallback"; \
	command -v virtuoso-t >/dev/null || missing="$$missing virtuoso-opensource"; \
	command -v fpcalc >/dev/null || missing="$$missing libchromaprint-tools"; \
	command -v sox >/dev/null || missing="$$missing sox libsox-fmt-all"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	[ -d /usr/share/games/wesnoth/1.16/data/core/music ] || missing="$$missing wesnoth-1.16-music"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: setup
	$(BIN)/cuegraph build data

run: build
	$(BIN)/cuegraph serve --host $(HOST) --port $(PORT)

test: setup-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: setup-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# make bench [SECTION=stores|http|audio|dumps|remote|identity] [SCALE=1000000]: SECTION=http runs only cuegraph serve
# vs oxigraph serve on a generated graph of SCALE triples (figures in benchmarks/results/);
# SECTION=remote cuegraph serve on the embedded store vs on Virtuoso, same graph;
# SECTION=audio only cue detection and clip identification on generated episodes
SECTION ?= all
SCALE ?= 1000000
bench: setup-test
	$(BIN)/python -m benchmarks --section $(SECTION) --scale $(SCALE)

clean:
	rm -rf $(VENV) .cuegraph .pytest_cache
