"""Run Airflow commands against a throw-away embedded Airflow (SQLite) for tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def airflow_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(PROJECT_ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
    )
    return env


def airflow(home: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run ``airflow ARGS`` with the embedded home; raise with its log on failure."""
    proc = subprocess.run(
        [str(BIN / "airflow"), *args], env=airflow_env(home), capture_output=True,
        text=True, timeout=timeout, cwd=PROJECT_ROOT,
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"airflow {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def dags_test(home: Path, dag_id: str, day: str, conf: dict) -> str:
    """Migrate the DB if needed and run one DAG run in-process; return the log."""
    if not (home / "airflow.db").exists():
        airflow(home, "db", "migrate")
    proc = airflow(home, "dags", "test", dag_id, day, "-c", json.dumps(conf))
    log = proc.stdout + proc.stderr
    state = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "last_dag_run.py"), dag_id],
        env=airflow_env(home), capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert state.returncode == 0, state.stdout + log[-4000:]
    return log
