"""Throughput of the post-fetch pipeline against plain trafilatura, per stage.

Input (built once, cached as a WARC under ``--cache``): ``--pages`` HTML pages
made from ``<data>``:

- every fifth page is one of the real Arabic pages of ``<data>/html``, cycled,
  each copy under its own URL and with a varied navigation block (so copies
  are byte-distinct near-duplicates, as syndicated or re-published pages are);
- the others are corpus articles rendered into news-site HTML with realistic
  chrome (navigation, breadcrumbs, share widget, "read also" links, footer),
  in one of three site templates. With ``--corpus sample`` (the default, the
  input of the figures in the README) they come from the 3,000 of
  ``<data>/corpus/articles.jsonl``: after those are used up, articles come
  round again under another template (a syndicated copy), so about a third of
  5,000 pages are duplicates, which skip segmentation and coding. With
  ``--corpus full`` they come from the ~72,700 of ``<data>/corpus/*_full.jsonl.gz``
  and every corpus article is distinct (the costlier case; the real pages of
  every fifth page still repeat).

In one run it then times, over the same pages:

- ``trafilatura``: plain ``trafilatura.extract(html)`` per page (the baseline);
- each stage of ours, in one process: ``read`` (WARC to pages),
  ``extract+clean``, ``dedup``, ``segment``, ``events``, ``write`` (four
  Parquet partitions plus the quality checks);
- the whole ``process_stage`` with 1 and with ``--workers`` processes, each
  in a fresh child process whose peak memory (the process tree's summed RSS,
  sampled) is reported too; ``--growth`` adds a run on a tenth of the pages,
  to see whether peak memory grows with the input.

    .venv/bin/python benchmarks/throughput.py [--data ../shared/data] [--pages 5000]
        [--workers 2] [--growth] [--corpus sample|full] [--profile extract.html]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from itertools import cycle
from pathlib import Path

import psutil

DAY = date(2026, 11, 20)
SOURCE_ID = "bench"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data"
DEFAULT_CACHE = PROJECT_ROOT / "benchmarks" / "out"
REAL_PAGE_EVERY = 5

# Three site templates: the chrome differs, so boilerplate is not one fixed string.
_SITES = (
    {"name": "الخبر اليوم", "host": "khabar.example", "menu": ["الرئيسية", "سياسة", "اقتصاد",
     "رياضة", "ثقافة", "منوعات", "اتصل بنا"], "credit": "جميع الحقوق محفوظة"},
    {"name": "صحيفة المساء", "host": "masaa.example", "menu": ["أخبار", "عربي ودولي", "آراء",
     "تحقيقات", "فيديو", "صور"], "credit": "حقوق النشر محفوظة لصحيفة المساء"},
    {"name": "بوابة الشرق", "host": "sharq.example", "menu": ["محليات", "العالم", "مال وأعمال",
     "تكنولوجيا", "صحة", "الطقس", "من نحن"], "credit": "© بوابة الشرق"},
)


def _published(record: dict) -> str:
    raw = (record.get("date") or "").replace(" ", "T")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = datetime(2016, 1, 1, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def render_article(record: dict, site: dict, related: list[dict], variant: int) -> str:
    """A news-site page around one corpus article, with the usual chrome."""
    esc = html.escape
    paragraphs = [p.strip() for p in record["body"].split("\n") if p.strip()]
    menu = "".join(f'<li><a href="/section/{i}">{esc(item)}</a></li>'
                   for i, item in enumerate(site["menu"]))
    links = "".join(
        f'<li><a href="/article/{esc(r["id"])}">{esc(r["title"] or "")}</a></li>' for r in related
    )
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    author = f'<span class="author">{esc(record["author"])}</span>' if record.get("author") else ""
    published = _published(record)
    title = esc(record["title"] or "")
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{title} | {esc(site['name'])}</title>"
        f'<meta property="og:title" content="{title}">'
        f'<meta property="og:site_name" content="{esc(site["name"])}">'
        f'<meta property="article:published_time" content="{published}">'
        f'<link rel="stylesheet" href="/static/site.css?v={variant}"></head><body>'
        f'<header><div class="logo">{esc(site["name"])}</div><nav><ul>{menu}</ul></nav></header>'
        f'<div class="breadcrumbs"><a href="/">الرئيسية</a> » <a href="/news">أخبار</a></div>'
        f'<main><article><h1>{title}</h1><div class="meta">{author}'
        f'<time datetime="{published}">{published[:10]}</time></div>'
        f'<div class="share"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a>'
        f' + الخط -</div><div class="article-body">{body}</div></article>'
        f'<aside class="related"><h3>اقرأ أيضا</h3><ul>{links}</ul></aside></main>'
        f'<footer><p>{esc(site["credit"])} {2000 + variant % 26}</p>'
        f'<ul><li><a href="/privacy">سياسة الخصوصية</a></li><li><a href="/about">من نحن</a>'
        f"</li></ul></footer></body></html>"
    )


def _vary_real_page(page: str, copy: int) -> str:
    """A real page with a copy-specific navigation line, so copies are byte-distinct."""
    marker = f'<nav class="bench-copy"><a href="/copy/{copy}">نسخة {copy}</a></nav>'
    at = page.lower().find("<body")
    at = page.find(">", at) + 1 if at >= 0 else 0
    return page[:at] + marker + page[at:]


FULL_CORPORA = ("saudinewsnet_full.jsonl.gz", "ant_multisource_full.jsonl.gz",
                "ant_v1_jawharafm_full.jsonl.gz")


def load_corpus(data: Path, corpus: str, needed: int) -> list[dict]:
    """Articles with a title and a body: the 3,000 sample, or the first ``needed``
    of the full corpora (each given an id, which they lack)."""
    if corpus == "sample":
        records = (json.loads(line) for line in (data / "corpus" / "articles.jsonl").open())
        return [r for r in records if r.get("body") and r.get("title")]
    found: list[dict] = []
    for name in FULL_CORPORA:
        with gzip.open(data / "corpus" / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if record.get("body") and record.get("title"):
                    found.append({**record, "id": f"f{len(found):06d}"})
                    if len(found) >= needed:
                        return found
    return found


def generate_pages(data: Path, count: int,
                   corpus_name: str = "sample") -> Iterator[tuple[str, str, str]]:
    """(url, html, content_type) for ``count`` pages, deterministically."""
    manifest = [json.loads(line) for line in (data / "html" / "manifest.jsonl").open()]
    real = [((data / "html" / m["file"]).read_text("utf-8", errors="replace"), m["url"])
            for m in manifest if m.get("language") == "ar"]
    corpus = load_corpus(data, corpus_name, count)
    real_cycle = cycle(real)
    made = used = 0
    while made < count:
        if made % REAL_PAGE_EVERY == REAL_PAGE_EVERY - 1:
            page, url = next(real_cycle)
            copy = made // REAL_PAGE_EVERY
            yield f"{url.rstrip('/')}/copy-{copy}", _vary_real_page(page, copy), "text/html"
        else:
            record = corpus[used % len(corpus)]
            lap = used // len(corpus)
            site = _SITES[(used + lap) % len(_SITES)]
            related = [corpus[(used + k) % len(corpus)] for k in (7, 19, 42)]
            url = f"https://{site['host']}/article/{record['id']}-{lap}"
            yield url, render_article(record, site, related, used), "text/html"
            used += 1
        made += 1


def build_warc(data: Path, count: int, cache: Path, corpus: str = "sample") -> Path:
    """The input WARC for ``count`` pages, written once and reused."""
    from pipeline.warc import BronzeWriter

    path = cache / (f"pages-{count}.warc.gz" if corpus == "sample"
                    else f"pages-{count}-{corpus}.warc.gz")
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    when = datetime.combine(DAY, datetime.min.time(), UTC)
    with BronzeWriter(path, SOURCE_ID, DAY) as writer:
        for url, page, content_type in generate_pages(data, count, corpus):
            writer.write_resource(url, page.encode("utf-8"), content_type, when)
    return path


def bench_source():
    from pipeline.sources import Source

    return Source(id=SOURCE_ID, name="benchmark", home="https://bench.example/")


class TreeUsage:
    """Samples this process and its descendants every 50 ms: the peak of their
    summed RSS, and their CPU seconds (the machine may be shared, so CPU time
    is the load-independent measure of work)."""

    def __init__(self) -> None:
        self.peak_rss = 0
        self._cpu: dict[int, float] = {}
        # CPU this process spent before the measured block (imports) is not the run's.
        times = psutil.Process().cpu_times()
        self._before = times.user + times.system
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values()) - self._before

    def _sample(self) -> None:
        me = psutil.Process()
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                with proc.oneshot():
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
            except psutil.Error:
                continue
            self._cpu[proc.pid] = times.user + times.system
        self.peak_rss = max(self.peak_rss, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.05)

    def __enter__(self) -> TreeUsage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def whole_child(warc: Path, workers: int) -> None:
    """Child mode: one ``process_stage`` into a fresh output root; prints JSON."""
    from pipeline.quality import QualityError
    from pipeline.run import DATASETS, process_stage
    from pipeline.storage import read_dataset

    quality = "passed"
    with tempfile.TemporaryDirectory() as out:
        with TreeUsage() as usage:
            started = time.perf_counter()
            try:
                process_stage(bench_source(), DAY, out, str(warc), workers=workers)
            except QualityError as exc:  # raised after everything was written: a full run
                quality = str(exc)
            seconds = time.perf_counter() - started
        # Read back after measuring: loading whole datasets is the reader's memory.
        counts = {name: read_dataset(out, name).num_rows for name in DATASETS}
    print(json.dumps({"seconds": seconds, "cpu": usage.cpu_seconds, "peak_rss": usage.peak_rss,
                      "counts": counts, "quality": quality}))


def run_whole(warc: Path, workers: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child-whole", str(warc), "--workers", str(workers)],
        capture_output=True, text=True, check=False, cwd=PROJECT_ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"child run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed(label: str, results: dict[str, tuple[float, float]], fn: Callable[[], object]) -> object:
    """Run ``fn``; record its (wall, CPU) seconds under ``label``."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    results[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def stage_times(warc: Path, profile: str | None) -> tuple[int, dict[str, tuple[float, float]]]:
    """Time each stage in this process, in pipeline order, on the same pages."""
    import trafilatura

    from pipeline.dedup import DedupIndex
    from pipeline.events import CODER_VERSION, code_article
    from pipeline.extract import EXTRACTOR_VERSION, ExtractionError
    from pipeline.language import is_arabic
    from pipeline.quality import check_run
    from pipeline.records import Article, RawPage, Sentence
    from pipeline.run import DATASETS, build_article
    from pipeline.schemas import article_row, event_row, sentence_row, to_table
    from pipeline.segment import sentence_spans
    from pipeline.storage import write_partition
    from pipeline.warc import iter_pages

    times: dict[str, tuple[float, float]] = {}
    pages = timed("read", times, lambda: [p for p in iter_pages(warc, SOURCE_ID, DAY)
                                          if isinstance(p, RawPage)])
    timed("trafilatura", times, lambda: [trafilatura.extract(p.html) for p in pages])

    def extract_all() -> list:
        articles = []
        for page in pages:
            try:
                articles.append(build_article(page, None, DAY))
            except ExtractionError:
                continue
        return articles

    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    articles = timed("extract+clean", times, extract_all)
    if profile:
        profiler.stop()
        Path(profile).write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])

    with tempfile.TemporaryDirectory() as out:
        timed("dedup", times, lambda: DedupIndex(f"{out}/_state/dedup").assign(articles))
        kept = [a for a in articles if a.duplicate_of is None]
        spans = timed("segment", times, lambda: [sentence_spans(a.body) for a in kept])
        failures: list[str] = []

        def code(article: Article, spans: list[tuple[int, int]]) -> list:
            if not is_arabic(article.language):
                return []
            reference = article.published_at.date() if article.published_at else DAY
            try:
                return code_article(article.body, published=reference, title=article.title,
                                    spans=spans)
            except Exception as exc:  # as process_stage does: a reject, not a crash
                failures.append(repr(exc))
                return []

        events = timed("events", times, lambda: [
            code(a, s) for a, s in zip(kept, spans, strict=True)])
        if failures:
            print(f"event coder failed on {len(failures)} articles, e.g. {failures[0]}")

        def write() -> None:
            sentences = [sentence_row(Sentence(a.article_id, i, a.body[b:e], b, e))
                         for a, s in zip(kept, spans, strict=True)
                         for i, (b, e) in enumerate(s)]
            event_rows = [event_row(a.article_id, n, ev, CODER_VERSION)
                          for a, evs in zip(kept, events, strict=True)
                          for n, ev in enumerate(evs)]
            tables = {
                "articles": to_table("articles", (article_row(a, EXTRACTOR_VERSION)
                                                  for a in articles)),
                "sentences": to_table("sentences", sentences),
                "events": to_table("events", event_rows),
                "rejects": to_table("rejects", []),
            }
            for name in DATASETS:
                write_partition(out, name, DAY, SOURCE_ID, tables[name])
            check_run(out, DAY, SOURCE_ID, DATASETS)

        timed("write", times, write)
    return len(pages), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--growth", action="store_true",
                        help="also run on pages/10 to compare peak memory")
    parser.add_argument("--corpus", choices=("sample", "full"), default="sample",
                        help="articles from the 3,000-article sample (copies come round "
                             "after page 3,750) or from the full corpora (all distinct)")
    parser.add_argument("--profile", metavar="HTML",
                        help="profile extract+clean with pyinstrument into this file")
    parser.add_argument("--child-whole", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_whole:
        whole_child(args.child_whole, args.workers)
        return

    warc = build_warc(args.data, args.pages, args.cache, args.corpus)
    pages, times = stage_times(warc, args.profile)
    print(f"input: {pages} pages from {warc} ({warc.stat().st_size / 2**20:.1f} MiB); "
          f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.1f}")
    print("pages/s: per wall-clock second, and per CPU second (load-independent)")
    print(f"{'stage':<16}{'wall s':>8}{'cpu s':>8}{'pages/s':>9}{'pages/cpu-s':>13}")
    for name, (wall, cpu) in times.items():
        print(f"{name:<16}{wall:>8.2f}{cpu:>8.2f}{pages / wall:>9.1f}{pages / cpu:>13.1f}")
    ours = [times[name] for name in times if name != "trafilatura"]
    wall, cpu = sum(t[0] for t in ours), sum(t[1] for t in ours)
    print(f"{'our stages':<16}{wall:>8.2f}{cpu:>8.2f}{pages / wall:>9.1f}{pages / cpu:>13.1f}")

    base_wall, base_cpu = times["trafilatura"]
    runs = {1: run_whole(warc, 1)}
    if args.workers > 1:
        runs[args.workers] = run_whole(warc, args.workers)
    for workers, result in runs.items():
        print(f"process_stage workers={workers}: {result['seconds']:.1f} s wall, "
              f"{result['cpu']:.1f} s cpu, {pages / result['seconds']:.1f} pages/s "
              f"({base_wall / result['seconds']:.2f} x trafilatura-only), "
              f"{pages / result['cpu']:.1f} pages/cpu-s "
              f"({base_cpu / result['cpu']:.2f} x trafilatura-only), "
              f"peak RSS {result['peak_rss'] / 2**20:.0f} MiB")
    if args.workers > 1:
        print(f"speed-up 1 -> {args.workers} workers (wall): "
              f"{runs[1]['seconds'] / runs[args.workers]['seconds']:.2f}x; load average now "
              f"{os.getloadavg()[0]:.1f}")
    print(f"rows written (workers=1): {runs[1]['counts']}; quality checks: {runs[1]['quality']}")
    if args.growth:
        small = build_warc(args.data, max(1, args.pages // 10), args.cache, args.corpus)
        result = run_whole(small, 1)
        print(f"peak RSS, workers=1: {args.pages // 10} pages "
              f"{result['peak_rss'] / 2**20:.0f} MiB vs {args.pages} pages "
              f"{runs[1]['peak_rss'] / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
