"""One (date, source) run's article-building rules, without Airflow."""

from __future__ import annotations

from datetime import date

from pipeline.records import RawPage
from pipeline.run import build_article
from tests.conftest import SEEDS

SEED_HTML = (SEEDS / "seed_article.html").read_text(encoding="utf-8")
URL = "https://www.alaraby.co.uk/politics/2016/6/19/agreement?utm_source=rss#top"


def _page(html: str, day: date) -> RawPage:
    return RawPage(source_id="alaraby", url=URL, archive_date=day, html=html)


def test_article_on_its_publication_day_is_dated_by_publication():
    article = build_article(_page(SEED_HTML, date(2016, 6, 19)), None, date(2016, 6, 19))
    assert article.published_at.date() == date(2016, 6, 19)
    assert article.date_basis == "published"
    # The id is a hash of the canonical URL: tracking parameters and fragment go.
    assert "utm_source" not in article.canonical_url and "#" not in article.canonical_url
    again = build_article(_page(SEED_HTML, date(2016, 6, 19)), None, date(2016, 6, 19))
    assert again.article_id == article.article_id


def test_article_archived_later_keeps_its_publication_time_but_archive_basis():
    article = build_article(_page(SEED_HTML, date(2016, 6, 21)), None, date(2016, 6, 21))
    assert article.published_at.date() == date(2016, 6, 19)
    assert article.date_basis == "archive"


def test_impossible_publication_dates_are_dropped():
    future = SEED_HTML.replace("2016-06-19T", "2031-06-19T").replace("19 يونيو 2016",
                                                                    "19 يونيو 2031")
    article = build_article(_page(future, date(2016, 6, 19)), None, date(2016, 6, 19))
    assert article.published_at is None
    assert article.date_basis == "archive"


FOOTER = "لمتابعة آخر الأخبار حمّلوا تطبيقنا على الهاتف"


def _text_page(i: int, day: date) -> RawPage:
    body = "\n".join([
        f"عنوان الخبر رقم {i} عن اجتماع الحكومة",
        f"قالت الحكومة في بيان اليوم إنها ناقشت الملف رقم {i} مع الوزراء المعنيين.",
        f"وأضاف البيان أن القرار النهائي بشأن الملف {i} سيصدر خلال الأسبوع المقبل.",
        FOOTER,
    ])
    return RawPage(source_id="site", url=f"https://news.example/{i}", archive_date=day,
                   text=body)


def test_a_footer_recurring_tonight_is_learned_removed_and_stored(tmp_path):
    from pipeline.dedup import DedupIndex
    from pipeline.run import load_boilerplate, process_pages, save_boilerplate
    from pipeline.sink import PartitionData

    day = date(2016, 6, 19)
    pages = [_text_page(i, day) for i in range(8)]
    data = PartitionData()
    result = process_pages(pages, day, DedupIndex(str(tmp_path / "dedup")), sink=data)
    assert len(data.articles) == 8
    for article in data.articles:
        assert FOOTER not in article.body
        assert "القرار النهائي" in article.body  # the real paragraphs stay
    # Sentences are cut from the cleaned bodies: none carries the footer.
    assert data.sentences and not any(FOOTER in s.text for s in data.sentences)
    save_boilerplate(str(tmp_path), "site", result.boilerplate)
    stored = load_boilerplate(str(tmp_path), "site")
    assert stored is not None and stored.is_boilerplate("site", FOOTER)
    # A line seen in a single article is not boilerplate: it stays.
    single = PartitionData()
    alone = process_pages([_text_page(0, day)], day, DedupIndex(str(tmp_path / "other")),
                          sink=single)
    assert FOOTER in single.articles[0].body
    assert alone.boilerplate.learned_keys("site") == frozenset()


def test_settle_gives_parallel_sources_the_in_order_duplicate_answer(tmp_path, seed_text):
    """Two papers print the same story on the same day. When the copy that ranks
    later is processed first (as mapped tasks may), it is canonical until
    ``settle`` re-processes it; afterwards exactly one copy is canonical."""
    import pyarrow.dataset as ds
    import yaml

    from pipeline.fetch import canonicalize_url
    from pipeline.run import run, settle
    from pipeline.schemas import stable_id
    from pipeline.sources import load_sources

    (tmp_path / "story.txt").write_text(seed_text, encoding="utf-8")
    urls = {name: f"https://{name}.example/2016/06/19/story" for name in ("papera", "paperb")}
    entries = [{"id": name, "name": name, "home": f"https://{name}.example/",
                "local_files": [{"path": "story.txt", "url": url, "date": "2016-06-19"}]}
               for name, url in urls.items()]
    sources_path = tmp_path / "sources.yaml"
    sources_path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True),
                            encoding="utf-8")
    ids = {name: stable_id(canonicalize_url(url)) for name, url in urls.items()}
    first, second = sorted(ids, key=ids.get, reverse=True)  # the later-ranked copy first
    out = str(tmp_path / "out")
    day = date(2016, 6, 19)

    run(day, first, out, str(sources_path))
    summary = run(day, second, out, str(sources_path))
    assert summary.stale == [(day, first)]
    assert settle(out, summary.stale, load_sources(sources_path)) == []

    articles = ds.dataset(f"{out}/articles", partitioning="hive").to_table().to_pylist()
    canonical = [a for a in articles if a["duplicate_of"] is None]
    assert [a["source_id"] for a in canonical] == [second]
    copy = next(a for a in articles if a["source_id"] == first)
    assert copy["duplicate_of"] == ids[second]
    sentences = ds.dataset(f"{out}/sentences", partitioning="hive").to_table()
    assert set(sentences.column("source").to_pylist()) == {second}
