"""akhbar: Arabic news to clean, deduplicated, analysis-ready Parquet datasets.

The package is plain Python and knows nothing of Airflow: every stage is a
function over typed records (see ``pipeline.records``), so the same code runs
from the CLI, from tests and from the DAGs in ``dags/``.
"""

import os

# Arrow's bundled allocators (mimalloc, jemalloc) keep freed pages for reuse, so
# a run's resident memory would keep the high-water mark of every row group it
# wrote or read; the C library's allocator gives them back. Arrow reads this once,
# when it is first imported, so it is set here, before any stage imports it; a
# value already set (the user's choice) wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

__version__ = "0.1.0"
