"""A partition's articles on local disk, between the passes of a run.

A run reads its articles more than once: boilerplate learned from the whole
partition may re-clean every body, and the duplicate rule needs every
signature before any article's answer is final. Keeping the articles in a
temporary file between those passes, rather than in a list, is what keeps a
run's memory independent of the partition's size. The file is private to the
task (it never outlives it), so nothing on one worker's disk is needed by
another.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

BATCH = 256  # items per pickle frame: few frames, little memory per frame


class Spill(Generic[T]):
    """Append picklable items (articles, with what a later pass needs of them),
    then iterate over them (any number of times), in order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self._pending: list[T] = []

    def __enter__(self) -> Spill[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def append(self, item: T) -> None:
        self._pending.append(item)
        if len(self._pending) >= BATCH:
            self._write()

    def _write(self) -> None:
        if self._pending:
            self._file.seek(0, 2)
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def __iter__(self) -> Iterator[T]:
        self._write()
        self._file.seek(0)
        end = self._file.seek(0, 2)
        position = 0
        while position < end:
            self._file.seek(position)
            batch = pickle.load(self._file)
            position = self._file.tell()
            yield from batch
