"""Plain files in the output store (bronze WARCs, JSON Lines, run state), local or remote.

On a cluster, the fetch task of a (date, source) and its process task may run on
different machines, so everything one task leaves for another lives in the
output store, addressed by URL under the output root (``s3://bucket/prefix``
or a shared folder), never on a worker's own disk. Some stage code (the WARC
writer and reader, the fetcher's seen-state and HTTP cache) works on local
files only; these context managers give it a local path and move the bytes:

- :func:`local_output`: a local path to write; published to the URL on success;
- :func:`local_input`: a local copy of a URL to read;
- :func:`local_mirror`: a local copy of (parts of) a folder, whose new and
  changed files are uploaded back on success.

For a local output root they hand out the real path and copy nothing, so the
CLI on a laptop pays no overhead. Uploads go to a unique temporary name and are
then moved onto the final name (one rename, or one server-side copy on object
stores), so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs

from pipeline.storage import filesystem_for

_CHUNK = 1 << 20


def is_local(url: str) -> bool:
    """Whether ``url`` (a path or URL) is on this machine's filesystem."""
    return isinstance(filesystem_for(url)[0], pafs.LocalFileSystem)


def exists(url: str) -> bool:
    fs, path = filesystem_for(url)
    return fs.get_file_info(path).type == pafs.FileType.File


def upload(local: Path, url: str) -> None:
    """Publish the local file ``local`` at ``url`` atomically."""
    fs, path = filesystem_for(url)
    folder, _, name = path.rpartition("/")
    staged = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
    if isinstance(fs, pafs.LocalFileSystem):
        fs.create_dir(folder, recursive=True)
    try:
        with open(local, "rb") as src, fs.open_output_stream(staged) as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        fs.move(staged, path)
    except BaseException:
        with contextlib.suppress(OSError):
            fs.delete_file(staged)
        raise


def download(url: str, local: Path) -> None:
    """Copy ``url`` to the local file ``local`` (streamed, never whole in memory)."""
    fs, path = filesystem_for(url)
    local.parent.mkdir(parents=True, exist_ok=True)
    with fs.open_input_stream(path) as src, open(local, "wb") as dst:
        shutil.copyfileobj(src, dst, _CHUNK)


@contextlib.contextmanager
def local_output(url: str) -> Iterator[Path]:
    """A local path to write the file ``url`` at; uploaded when the block succeeds.

    The writer must create the file itself; if it does not exist at the end of
    the block, nothing is uploaded.
    """
    if is_local(url):
        path = Path(filesystem_for(url)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="akhbar-out-") as tmp:
        path = Path(tmp) / url.rstrip("/").rsplit("/", 1)[-1]
        yield path
        if path.exists():
            upload(path, url)


@contextlib.contextmanager
def local_input(url: str) -> Iterator[Path]:
    """A local path holding the content of the file ``url`` for the block's duration."""
    if is_local(url):
        yield Path(filesystem_for(url)[1])
        return
    with tempfile.TemporaryDirectory(prefix="akhbar-in-") as tmp:
        path = Path(tmp) / url.rstrip("/").rsplit("/", 1)[-1]
        download(url, path)
        yield path


def _digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass(frozen=True)
class Narrowed:
    """A subfolder of which a mirror fetches only the files ``select`` picks from its
    listing (path relative to the subfolder -> (size, mtime in ns)).

    For state that keeps many small files of which a task needs few, when which
    ones can be told from names, sizes and times: the fetcher's seen-state
    (:func:`pipeline.fetch.state.mirrored_files`)."""

    folder: str
    select: Callable[[dict[str, tuple[int, int]]], Iterable[str]]


@contextlib.contextmanager
def local_mirror(url: str, parts: Sequence[str | Narrowed]) -> Iterator[Path]:
    """A local folder standing for the folder ``url``, holding copies of the files
    under its subfolders ``parts``; on success, files created or changed in it
    are uploaded back (each atomically).

    Only ``parts`` are copied because a state folder may hold much else (the
    dedup index) that the caller does not need; a :class:`Narrowed` part is
    copied only in part, and takes its files out of any plain part that holds
    it. Copies keep the store's modification times, so that state can tell from
    a listing which files changed since it last looked. Deletions are not
    propagated, and two tasks changing the *same* file at the same time leave
    the last one's version: state written this way must be partitioned so that
    concurrent tasks write different files (the fetcher's seen-state has one
    file per date) or the same content (a deterministic index).
    """
    if is_local(url):
        path = Path(filesystem_for(url)[1])
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    fs, root = filesystem_for(url)
    base = url.rstrip("/")
    narrowed = [f"{part.folder.strip('/')}/" for part in parts if isinstance(part, Narrowed)]
    with tempfile.TemporaryDirectory(prefix="akhbar-state-") as tmp:
        local_root = Path(tmp)
        before: dict[str, str] = {}
        for part in parts:
            name = (part.folder if isinstance(part, Narrowed) else part).strip("/")
            folder = f"{root}/{name}"
            if fs.get_file_info(folder).type != pafs.FileType.Directory:
                continue
            listing = {
                info.path[len(folder) + 1:]: (info.size, info.mtime_ns)
                for info in fs.get_file_info(pafs.FileSelector(folder, recursive=True))
                if info.type == pafs.FileType.File
            }
            if isinstance(part, Narrowed):
                chosen = list(part.select(listing))
            else:
                chosen = [p for p in listing
                          if not f"{name}/{p}".startswith(tuple(narrowed))]
            for inner in chosen:
                relative = f"{name}/{inner}"
                local = local_root / relative
                download(f"{base}/{relative}", local)
                os.utime(local, ns=(listing[inner][1], listing[inner][1]))
                before[relative] = _digest(local)
        yield local_root
        for path in sorted(p for p in local_root.rglob("*") if p.is_file()):
            relative = path.relative_to(local_root).as_posix()
            if before.get(relative) != _digest(path):
                upload(path, f"{base}/{relative}")
