"""Discovery, polite fetching and WARC bronze for one (source, date).

The public entry point is :func:`ingest`; :class:`FetchSettings` gathers the
fetcher's knobs and :func:`canonicalize_url` is the one URL canonicaliser.
"""

from pipeline.fetch.ingest import IngestReport, ingest
from pipeline.fetch.settings import FetchSettings
from pipeline.fetch.urls import canonicalize_url

__all__ = ["FetchSettings", "IngestReport", "canonicalize_url", "ingest"]
