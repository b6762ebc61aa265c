"""Ordered, bounded map over a process pool: how one task uses a machine's cores.

Extraction, segmentation and event coding are CPU-bound pure Python, so threads
would share one interpreter lock; processes are the only way to use more than
one core. Three properties matter more than raw speed:

- **Order.** Results come back in input order whatever the scheduling, so a
  run with 4 workers writes exactly the rows a run with 1 worker writes.
- **Bounded memory.** Items travel in batches, and at most ``max_pending``
  batches are in flight: a slow consumer stops the reading of input instead of
  letting results (or parsed pages) pile up, so memory depends on the batch
  size, not on the size of the partition.
- **One code path.** ``workers <= 1`` runs the same function in-process, with
  no pool, no pickling and no child processes (the default; what tests and
  debuggers want).

Workers are started with the ``fork`` method: they begin with the pipeline
already imported and cost nothing to start. ``spawn`` and ``forkserver``
re-run the caller's ``__main__`` in each worker, which inside an Airflow task
is the ``airflow`` command itself (it then fails for want of its database);
``forkserver`` also needs a Unix socket under ``$TMPDIR``, which fails when
that path is long. Forking is safe here because the callers (the CLI, an
Airflow task process) run the pipeline in one thread and the workers only
compute and return values.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "AKHBAR_WORKERS"


def workers_from_env(default: int = 1) -> int:
    """``$AKHBAR_WORKERS`` as a positive count (``0`` or ``auto``: every core)."""
    raw = os.environ.get(WORKERS_ENV, "").strip().lower()
    if not raw:
        return default
    if raw in ("0", "auto"):
        return os.cpu_count() or 1
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV}={raw!r}: expected a whole number or 'auto'") from None
    if value < 0:
        raise ValueError(f"{WORKERS_ENV}={raw!r}: expected 0 (auto) or more")
    return value


def _run_batch(fn: Callable[..., R], batch: list[Any], shared: tuple[Any, ...]) -> list[R]:
    return [fn(item, *shared) for item in batch]


class BatchPool:
    """A pool of ``workers`` processes mapping functions over batches, in order.

    Use as a context manager; one pool serves several :meth:`map` calls, so the
    workers start once per task, not once per stage.
    """

    def __init__(self, workers: int, *, batch_size: int = 32,
                 max_pending: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self.max_pending = max_pending or 2 * self.workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> BatchPool:
        if self.workers > 1:
            context = multiprocessing.get_context("fork")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=exc_type is not None)
            self._executor = None

    def map(self, fn: Callable[..., R], items: Iterable[T], *shared: Any) -> Iterator[R]:
        """``fn(item, *shared)`` for every item, yielded in input order.

        ``fn`` must be a module-level function and items, ``shared`` and
        results picklable when ``workers > 1``. ``shared`` travels once per
        batch. An exception raised by ``fn`` propagates to the caller (catch
        per-item failures inside ``fn`` and return them as values instead).
        """
        if self._executor is None:
            for item in items:
                yield fn(item, *shared)
            return
        iterator = iter(items)
        pending: deque[Future[list[R]]] = deque()
        try:
            while True:
                while len(pending) < self.max_pending:
                    batch = list(islice(iterator, self.batch_size))
                    if not batch:
                        break
                    pending.append(self._executor.submit(_run_batch, fn, batch, shared))
                if not pending:
                    return
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
