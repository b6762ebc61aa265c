"""Backfills: the nightly pipeline run over past dates, fed from archives.

A backfill is the same (date, source) run as the nightly one; only discovery
differs. Sources may name archive inputs (corpus dumps, WARC files, Common
Crawl CC-NEWS listings); :mod:`pipeline.backfill.index` cuts each input once
into per-date shards that :func:`pipeline.fetch.ingest` writes into the day's
bronze WARC, and :mod:`pipeline.backfill.runner` drives a date range with
completion markers so that an interrupted backfill resumes where it stopped.
"""
