"""Exit 0 when the newest run of a DAG succeeded; print its id and state.

`airflow dags test` does not reliably signal a failed run through its exit
code, and Airflow prints warnings on stdout before the JSON, so this reads
`airflow dags list-runs -o json` and takes the JSON line.
Usage: python scripts/last_dag_run.py DAG_ID   (with AIRFLOW_HOME set)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def newest_run(dag_id: str) -> dict:
    airflow = str(Path(sys.executable).parent / "airflow")
    out = subprocess.run([airflow, "dags", "list-runs", dag_id, "-o", "json"],
                         capture_output=True, text=True, check=True).stdout
    payload = next(line for line in reversed(out.splitlines()) if line.startswith("["))
    return max(json.loads(payload), key=lambda run: run["run_after"])


if __name__ == "__main__":
    run = newest_run(sys.argv[1])
    print(f"DAG run {run['run_id']} (logical date {run['logical_date'][:10]}): {run['state']}")
    sys.exit(0 if run["state"] == "success" else 1)
