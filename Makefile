# Two commands for a newcomer: `make run` (the nightly DAG on the offline seed)
# and `make test`. Everything installs into ./.venv from pyproject.toml,
# constrained by requirements.lock.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
DATE ?= 2016-06-19
SOURCE ?= seeds
OUT ?= $(CURDIR)/data

export AIRFLOW_HOME := $(CURDIR)/airflow_home
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING

.PHONY: install run test lint lock clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The nightly DAG under an embedded Airflow 3 (SQLite metadata DB in ./airflow_home),
# for one logical date and source; then a report of what was written under ./data.
run: install
	@mkdir -p $(AIRFLOW_HOME)
	@$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -40 $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	@$(BIN)/airflow pools set akhbar_fetch 4 "concurrent fetch tasks" > /dev/null 2>&1
	@echo "running DAG akhbar_nightly for $(DATE) on source '$(SOURCE)' (log: airflow_home/dags-test.log)"
	@$(BIN)/airflow dags test akhbar_nightly $(DATE) \
		-c '{"sources": ["$(SOURCE)"], "out": "$(OUT)"}' > $(AIRFLOW_HOME)/dags-test.log 2>&1 \
		|| (tail -60 $(AIRFLOW_HOME)/dags-test.log; exit 1)
	@$(BIN)/python scripts/last_dag_run.py akhbar_nightly || (tail -60 $(AIRFLOW_HOME)/dags-test.log; exit 1)
	@$(BIN)/akhbar report --date $(DATE) --source $(SOURCE) --out $(OUT)

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

# Re-resolve the lock after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/pip freeze --exclude-editable | grep -v '^akhbar' > requirements.lock

clean:
	rm -rf $(VENV) airflow_home data
