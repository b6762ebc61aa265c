"""Benchmark: ingest a local news site of a few thousand pages, then replay its WARC.

The site (tests/sites/news_site.py, built from the corpus articles) runs in a
child process so that the figures are the crawler's own: pages per second and
the ingest process's peak resident memory. Politeness is set high (the point
is the crawler's overhead, not a real site's rate limit).

    .venv/bin/python benchmarks/fetch.py [--articles ../shared/data/corpus/articles.jsonl]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.fetch import FetchSettings, ingest  # noqa: E402
from pipeline.records import RawPage  # noqa: E402
from pipeline.warc import iter_pages  # noqa: E402

DAY = date(2024, 3, 5)


def _serve(articles_path: str, limit: int, ready) -> None:
    """Child process: serve the site until killed, sending back its Source."""
    from tests.sites.news_site import serve_news_site

    with open(articles_path, encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh][:limit]
    with serve_news_site(articles, DAY, hostile=False) as site:
        ready.send((site.source(rate_per_second=2000.0, concurrency=8), len(site.good_urls)))
        while True:
            time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--articles", default=str(ROOT.parent / "shared" / "data" / "corpus" / "articles.jsonl")
    )
    parser.add_argument("--limit", type=int, default=3000, help="articles to serve")
    args = parser.parse_args()

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(args.articles, args.limit, child))
    server.start()
    try:
        source, expected = parent.recv()
        with tempfile.TemporaryDirectory() as tmp:
            warc = Path(tmp) / "day.warc.gz"
            started = time.perf_counter()
            report = ingest(source, DAY, warc, Path(tmp) / "state", settings=FetchSettings())
            fetch_seconds = time.perf_counter() - started
            started = time.perf_counter()
            pages = sum(isinstance(item, RawPage) for item in iter_pages(warc, source.id, DAY))
            replay_seconds = time.perf_counter() - started
            warc_mb = warc.stat().st_size / 1e6
    finally:
        server.kill()
        server.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fetched = report.counts["fetched"]
    print(f"site pages for the day : {expected}")
    print(f"counts                 : {report.counts}")
    print(
        f"ingest                 : {fetched} pages in {fetch_seconds:.1f} s "
        f"= {fetched / fetch_seconds:.0f} pages/s (concurrency {source.concurrency})"
    )
    print(
        f"replay (iter_pages)    : {pages} pages in {replay_seconds:.1f} s "
        f"= {pages / replay_seconds:.0f} pages/s"
    )
    print(f"WARC size              : {warc_mb:.1f} MB")
    print(f"peak RSS (ingest proc) : {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
