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
