"""The dedup index on disk: one Parquet file of signatures per (date, source).

Layout under the index root (a local path or any URL
:func:`pipeline.storage.filesystem_for` reaches)::

    _settings.json                                   DedupSettings the signatures were made with
    date=YYYY-MM-DD/source=<source_id>/signatures.parquet

One file per partition so that re-running a (date, source) replaces exactly its
own signatures, in one atomic move of a staged file (POSIX rename; one
server-side copy on object stores), the same guarantee the datasets get from
:mod:`pipeline.storage`. As there, the partition keys live in the path only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import date

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pipeline.dedup.signature import DedupSettings
from pipeline.storage import PARTITIONING_SCHEMA, filesystem_for, partition_path

SIGNATURES_FILE = "signatures.parquet"
SETTINGS_FILE = "_settings.json"
STAGING_DIR = "_staging"
READ_FILES = 64

SIGNATURES = pa.schema(
    [
        ("article_id", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("content_hash", pa.string()),
        ("canonical_id", pa.string()),
        # uint32 MinHash values, little-endian; null for bodies matched exactly only.
        ("minhash", pa.binary()),
        ("shingles", pa.int32()),  # size of the shingle set, for containment
    ]
)


class SignatureStore:
    """Reads and atomically replaces the per-partition signature files."""

    def __init__(self, root: str) -> None:
        self.fs, self.root = filesystem_for(root)

    def _partition_dir(self, day: date, source_id: str) -> str:
        partition_path(self.root, "articles", day, source_id)  # same key checks as datasets
        return f"{self.root}/date={day.isoformat()}/source={source_id}"

    def read_settings(self) -> DedupSettings | None:
        path = f"{self.root}/{SETTINGS_FILE}"
        if self.fs.get_file_info(path).type != pafs.FileType.File:
            return None
        with self.fs.open_input_stream(path) as stream:
            return DedupSettings.from_json(stream.read().decode("utf-8"))

    def write_settings(self, settings: DedupSettings) -> None:
        self._publish(f"{self.root}/{SETTINGS_FILE}", settings.to_json().encode("utf-8"))

    def read(self, first: date, last: date) -> Iterator[pa.Table]:
        """Signatures of the partitions dated ``first`` to ``last`` (inclusive), with
        ``date`` and ``source`` columns from the path, ``READ_FILES`` files at a
        time: the caller converts each table before the next is read, which
        keeps the peak memory of opening a large index down."""
        files = self._files(first, last)
        for start in range(0, len(files), READ_FILES):
            yield self._table(files[start : start + READ_FILES])

    def read_partition(self, day: date, source_id: str) -> pa.Table | None:
        """One partition's signatures (with ``date`` and ``source``), if it has any."""
        path = f"{self._partition_dir(day, source_id)}/{SIGNATURES_FILE}"
        if self.fs.get_file_info(path).type != pafs.FileType.File:
            return None
        return self._table([path])

    def _table(self, files: list[str]) -> pa.Table:
        factory = ds.FileSystemDatasetFactory(
            self.fs,
            files,
            ds.ParquetFileFormat(),
            ds.FileSystemFactoryOptions(
                partition_base_dir=self.root,
                partitioning=ds.partitioning(PARTITIONING_SCHEMA, flavor="hive"),
            ),
        )
        return factory.finish(pa.schema(list(SIGNATURES) + list(PARTITIONING_SCHEMA))).to_table()

    def _files(self, first: date, last: date) -> list[str]:
        """Signature files under the date directories in range; the others are not
        even listed, so loading a window costs the same whatever the archive size
        (and loading everything is one recursive listing, one request on S3)."""
        if self.fs.get_file_info(self.root).type != pafs.FileType.Directory:
            return []
        if (first, last) == (date.min, date.max):
            everything = self.fs.get_file_info(pafs.FileSelector(self.root, recursive=True))
            return sorted(info.path for info in everything if info.base_name == SIGNATURES_FILE)
        files = []
        for info in self.fs.get_file_info(pafs.FileSelector(self.root)):
            if info.type != pafs.FileType.Directory or not info.base_name.startswith("date="):
                continue
            try:
                day = date.fromisoformat(info.base_name.removeprefix("date="))
            except ValueError:
                continue
            if first <= day <= last:
                files.extend(
                    found.path
                    for found in self.fs.get_file_info(pafs.FileSelector(info.path, recursive=True))
                    if found.base_name == SIGNATURES_FILE
                )
        return sorted(files)

    def replace(self, day: date, source_id: str, batches: Iterable[pa.RecordBatch]) -> None:
        """Make ``batches`` (rows of :data:`SIGNATURES`, maybe with more columns) the
        partition's signatures; none at all removes the file. They are written
        to the staged file as they come, so a large partition is never one
        table in memory."""
        final = f"{self._partition_dir(day, source_id)}/{SIGNATURES_FILE}"
        staged = f"{self.root}/{STAGING_DIR}/{uuid.uuid4().hex}.tmp"
        if isinstance(self.fs, pafs.LocalFileSystem):  # object stores have no directories
            self.fs.create_dir(f"{self.root}/{STAGING_DIR}", recursive=True)
        rows = 0
        try:
            with self.fs.open_output_stream(staged) as out, \
                    pq.ParquetWriter(out, SIGNATURES, compression="zstd") as writer:
                for batch in batches:
                    rows += batch.num_rows
                    writer.write_batch(batch.select(SIGNATURES.names).cast(SIGNATURES))
            if rows:
                self._move(staged, final)
                return
        except BaseException:
            self.fs.delete_file(staged)
            raise
        self.fs.delete_file(staged)
        if self.fs.get_file_info(final).type == pafs.FileType.File:
            self.fs.delete_file(final)

    def _publish(self, final: str, payload: bytes) -> None:
        staged = f"{self.root}/{STAGING_DIR}/{uuid.uuid4().hex}.tmp"
        if isinstance(self.fs, pafs.LocalFileSystem):
            self.fs.create_dir(f"{self.root}/{STAGING_DIR}", recursive=True)
        with self.fs.open_output_stream(staged) as out:
            out.write(payload)
        self._move(staged, final)

    def _move(self, staged: str, final: str) -> None:
        if isinstance(self.fs, pafs.LocalFileSystem):
            self.fs.create_dir(final.rsplit("/", 1)[0], recursive=True)
        self.fs.move(staged, final)
