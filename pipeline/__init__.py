"""akhbar: Arabic news to clean, deduplicated, analysis-ready Parquet datasets.

The package is plain Python and knows nothing of Airflow: every stage is a
function over typed records (see ``pipeline.records``), so the same code runs
from the CLI, from tests and from the DAGs in ``dags/``.
"""

__version__ = "0.1.0"
