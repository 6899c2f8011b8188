# The two README commands are `make run` and `make test`; everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint format schema bench bench-scaling chaos services-up services-down clean

$(STAMP): pyproject.toml
	@echo "make: installing the project and its tools into $(VENV) (the first time: about a minute)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## run: local PostgreSQL + Redis, migrate, seed once, bridge + web at http://localhost:3001
## (SHARDS=2: two shard clusters behind a PL/Proxy database, a bridge per shard;
##  REDIS_CLUSTER=1: a local 3-master, 3-replica Redis Cluster)
run: $(STAMP)
	$(BIN)/python -m ops run $(if $(SHARDS),--shards $(SHARDS)) $(if $(REDIS_CLUSTER),--redis-cluster)

## test: the whole suite (SQL, bridge, web, browser, faults) plus lints
test: $(STAMP)
	$(BIN)/python -m ops deps
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest

## test-fast: the inner loop, the unit and SQL tiers only (no web, bridge, browser or faults)
test-fast: $(STAMP)
	$(BIN)/pytest tests/unit tests/db

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint db

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix db

## schema: write db/schema.sql (the lb schema a fresh migrate makes; the suite diffs against it)
schema: $(STAMP)
	$(BIN)/python -m ops schema

## bench: the benchmark suite (SCALE=small checks the harness; SCALE=full is 1M players)
SCALE ?= small
bench: $(STAMP)
	$(BIN)/python -m ops deps
	$(BIN)/python -m ops bench $(SCALE)

## bench-scaling: the scaling curve with its 10M-player point (~10 GB of disk, tens of minutes)
bench-scaling: $(STAMP)
	$(BIN)/python -m ops deps
	$(BIN)/python -m ops bench full --only scaling --sizes 100000,1000000,10000000

## chaos: a chaos soak of MINUTES minutes with every fault kind (report in perf/reports/)
MINUTES ?= 10
chaos: $(STAMP)
	$(BIN)/python -m ops deps
	$(BIN)/leaderboard chaos --minutes $(MINUTES)

services-up: $(STAMP)
	$(BIN)/python -m ops up

services-down: $(STAMP)
	$(BIN)/python -m ops down

clean: services-down
	rm -rf .var $(VENV)
