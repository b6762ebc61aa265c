"""The extract+clean stage on the seed (text and HTML), on real Arabic news
pages with ground truth, and on hostile input."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html

from pipeline.extract import MAX_INPUT_CHARS, ExtractionError, _byline_author, extract_page
from pipeline.normalize import matching_key
from pipeline.records import RawPage

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TITLE = "روسيا وأميركا تتفقان على تحسين التنسيق العسكري في سورية"
DAY = date(2016, 6, 19)


def _text_page(text: str, **kw) -> RawPage:
    return RawPage("seeds", "https://example.org/a", DAY, text=text, **kw)


def _html_page(html: str, url: str = "https://example.org/a") -> RawPage:
    return RawPage("test", url, DAY, html=html)


def _seed_paragraphs(seed_text: str) -> list[str]:
    """The seed's story paragraphs: every line after the crumb `+ الخط -`,
    with its no-break spaces as plain spaces (as ``strip_invisible`` stores them)."""
    lines = [" ".join(line.split()) for line in seed_text.split("\n") if line.strip()]
    return lines[lines.index("+ الخط -") + 1 :]


@pytest.fixture(scope="module")
def seed_from_text() -> object:
    return extract_page(_text_page((SEEDS / "seed_article.txt").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def seed_from_html() -> object:
    return extract_page(_html_page((SEEDS / "seed_article.html").read_text(encoding="utf-8")))


def test_seed_text_dump_gives_one_clean_article(seed_from_text, seed_text) -> None:
    got = seed_from_text
    assert got.title == TITLE
    assert got.published == datetime(2016, 6, 19, tzinfo=UTC)
    assert got.body.startswith("أعلنت وزارة الدفاع الروسية")
    assert TITLE not in got.body
    assert "+ الخط -" not in got.body
    assert "(الأناضول)" not in got.body and "دوائر تلفزيونية(" not in got.body
    assert "19 يونيو 2016" not in got.body
    # Every paragraph is kept, verbatim and in order, one per line.
    assert got.body.split("\n") == _seed_paragraphs(seed_text)
    assert got.lead == _seed_paragraphs(seed_text)[0]
    assert got.language == "ar"


def test_seed_html_gives_the_same_article_as_the_text_dump(seed_from_text, seed_from_html):
    assert seed_from_html.title == seed_from_text.title
    assert seed_from_html.body == seed_from_text.body
    assert seed_from_html.published.date() == seed_from_text.published.date() == DAY
    # The page states 14:05 London summer time; the stored time is UTC.
    assert seed_from_html.published == datetime(2016, 6, 19, 13, 5, tzinfo=UTC)
    assert seed_from_html.published_offset == timedelta(hours=1)
    assert seed_from_html.site_name == "العربي الجديد"
    assert seed_from_html.description.startswith("أعلنت وزارة الدفاع الروسية")


def test_seed_html_drops_navigation_share_and_related_links(seed_from_html) -> None:
    noise = ["الأكثر قراءة", "اقرأ أيضاً", "البنتاغون يطالب موسكو", "جميع الحقوق محفوظة",
             "فيسبوك", "طباعة", "النشرة البريدية", "العربي الجديد"]
    assert not [text for text in noise if text in seed_from_html.body]


def test_hint_title_wins_over_the_first_line() -> None:
    body = (
        "أعلنت الحكومة اليوم خطة جديدة لدعم المزارعين في الأرياف خلال الموسم.\n"
        "وقال الوزير إنها تبدأ غداً."
    )
    got = extract_page(_text_page(body, hint_title="خطة لدعم المزارعين"))
    assert got.title == "خطة لدعم المزارعين"
    assert got.body == body


def test_hint_published_is_stored_in_utc() -> None:
    stated = datetime(2018, 3, 1, 1, 30, tzinfo=timezone(timedelta(hours=4)))
    text = f"{TITLE}\nأعلنت وزارة الدفاع الروسية اليوم اتفاقاً جديداً مع واشنطن."
    got = extract_page(_text_page(text, hint_published=stated))
    assert got.published == datetime(2018, 2, 28, 21, 30, tzinfo=UTC)
    assert got.published_offset == timedelta(hours=4)


# --- authors ------------------------------------------------------------------------------------

_STORY = "".join(
    f"<p>{paragraph}</p>"
    for paragraph in (
        "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال الموسم المقبل.",
        "وقال وزير الزراعة في مؤتمر صحافي إن الخطة تشمل قروضاً ميسرة وبذوراً محسنة للمزارعين.",
        "وأضاف أن التنفيذ يبدأ الشهر المقبل في ثلاث محافظات قبل تعميمه على باقي البلاد.",
    )
)
_COMMENTS = '<div class="comments"><span class="author">قارئ غاضب</span><p>تعليق قصير</p></div>'
# (markup around the story, extra <head> tags, the authors a reader would name)
_BYLINES = [
    ('<span class="author">سارة علي</span>', "", ["سارة علي"]),
    ('<a rel="author" href="/writers/7">سارة علي</a>', "", ["سارة علي"]),
    ('<div class="post-byline">سارة علي</div>', "", ["سارة علي"]),
    # A specific byline beats a looser match earlier on the page.
    ('<div class="writer-box">فريق التحرير</div><span class="author">سارة علي</span>', "",
     ["سارة علي"]),
    # The date printed inside the byline is not part of the name.
    ('<span class="author">سارة علي <time>2016-06-19</time></span>', "", ["سارة علي"]),
    # Metadata names the author: the page's markup is not searched.
    ('<span class="author">سارة علي</span>', '<meta name="author" content="ليلى مراد">',
     ["ليلى مراد"]),
    # Reader comments carry author classes too; a commenter is not the author.
    (_COMMENTS, "", []),
    ("", "", []),
]


def _article_html(byline: str, head: str = "") -> str:
    return (
        f"<html><head><title>خطة لدعم المزارعين</title>{head}</head><body><article>"
        f"<h1>خطة لدعم المزارعين</h1>{byline}{_STORY}</article></body></html>"
    )


@pytest.mark.parametrize(("byline", "head", "authors"), _BYLINES)
def test_authors_come_from_metadata_or_the_byline(byline: str, head: str, authors: list) -> None:
    got = extract_page(_html_page(_article_html(byline, head)))
    assert got.authors == authors
    assert "أعلنت الحكومة اليوم" in got.body


def test_byline_search_agrees_with_trafilatura_on_these_bylines() -> None:
    """The byline search is trafilatura's author rules in one fast pass: the
    same markup gives the same author."""
    for byline, _, _ in _BYLINES:
        tree = load_html(_article_html(byline))
        assert _byline_author(tree) == extract_author(tree), byline


# --- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (RawPage("s", "u", DAY), "empty"),
        (_text_page(""), "empty"),
        (_html_page("  \n\t "), "empty"),
        (_html_page("\x00\x01\x02PK\x03\x04" + "\x00" * 500 + "binary"), "binary"),
        (_text_page("\ufffd" * 300), "binary"),
        (_html_page("<html><body>" + "x" * MAX_INPUT_CHARS + "</body></html>"), "too_large"),
        (_html_page("<html><body><nav>الرئيسية</nav></body></html>"), "no_body"),
        (_text_page(TITLE), "no_body"),
        (_text_page(f"{TITLE}\n\n{TITLE}\n+ الخط -"), "no_body"),
    ],
)
def test_hostile_input_is_a_clear_rejection(page: RawPage, reason: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_page(page)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "html",
    [
        "<<<>>><html<body<p>",
        "<html><body><p>نص <b>غير مغلق <i>أبداً",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>",
        "<html>" + "<div>" * 5000 + "عمق" + "</div>" * 10,
    ],
)
def test_malformed_html_never_crashes(html: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_page(_html_page(html))
    assert info.value.reason in {"malformed", "no_body"}


def test_broken_but_readable_html_still_yields_the_story() -> None:
    paragraphs = [
        "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال الموسم المقبل.",
        "وقال وزير الزراعة في مؤتمر صحافي إن الخطة تشمل قروضاً ميسرة وبذوراً محسنة للمزارعين.",
        "وأضاف أن التنفيذ يبدأ الشهر المقبل في ثلاث محافظات قبل تعميمه على باقي البلاد.",
    ]
    html = (
        "<html><head><title>خطة لدعم المزارعين</title><body><article><h1>خطة لدعم المزارعين"
        + "".join(f"<p>{p}" for p in paragraphs)  # unclosed <p>, unclosed <h1>, no </head>
    )
    got = extract_page(_html_page(html))
    assert got.title == "خطة لدعم المزارعين"
    assert got.body.split("\n") == paragraphs


# --- real pages ----------------------------------------------------------------------------------


def _manifest(shared_data: Path) -> list[dict]:
    with (shared_data / "html" / "manifest.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _extract(shared_data: Path, entry: dict):
    html = (shared_data / "html" / entry["file"]).read_text(encoding="utf-8")
    return extract_page(_html_page(html, entry["url"]))


def _f1(predicted: str, reference: str) -> float:
    got, want = Counter(matching_key(predicted).split()), Counter(matching_key(reference).split())
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def test_pages_with_reference_body_are_extracted_faithfully(shared_data) -> None:
    scored = 0
    for entry in _manifest(shared_data):
        truth = entry["ground_truth"]
        reference = truth.get("text") or "\n".join(truth.get("body_paragraphs") or [])
        if not reference:
            continue
        got = _extract(shared_data, entry)
        assert _f1(got.body, reference) >= 0.95, entry["file"]
        assert matching_key(got.title) == matching_key(truth["title"]), entry["file"]
        # The headline and the dateline above the story are not body text.
        assert matching_key(truth["title"]) not in matching_key(got.body.split("\n")[0])
        scored += 1
    assert scored >= 8


def test_dateline_in_the_page_beats_sidebar_dates(shared_data) -> None:
    """Jawhara FM pages have no date metadata and list older stories' dates in
    a sidebar; the date printed above the story is the right one."""
    checked = 0
    for entry in _manifest(shared_data):
        if not entry["file"].startswith("jawharafm__"):
            continue
        stated = datetime.fromisoformat(entry["ground_truth"]["time"])
        got = _extract(shared_data, entry)
        assert got.published is not None and got.published.tzinfo is not None
        assert got.published.date() == stated.date(), entry["file"]
        checked += 1
    assert checked >= 5


def test_metadata_dates_are_stored_in_utc_with_their_offset(shared_data) -> None:
    for entry in _manifest(shared_data):
        expected = entry["ground_truth"].get("date") or entry["ground_truth"].get("publishing_date")
        if not expected or not entry["file"].startswith(("htmldate__", "fundus__")):
            continue
        got = _extract(shared_data, entry)
        if got.published is None:  # no date at all is allowed; a wrong one is not
            continue
        local_day = (got.published + (got.published_offset or timedelta())).date()
        assert local_day == date.fromisoformat(expected[:10]), entry["file"]
        assert got.published.utcoffset() == timedelta(0)


def test_trafilatura_eval_snippets(shared_data) -> None:
    """trafilatura's own evaluation of the Assabah page: required and forbidden text."""
    entry = next(e for e in _manifest(shared_data) if e["file"].startswith("trafilatura__"))
    body = matching_key(_extract(shared_data, entry).body)
    for snippet in entry["ground_truth"]["with"]:
        assert matching_key(snippet) in body
    for snippet in entry["ground_truth"]["without"]:
        assert matching_key(snippet) not in body


def test_byline_search_agrees_with_trafilatura_on_real_pages(shared_data) -> None:
    for entry in _manifest(shared_data):
        tree = load_html((shared_data / "html" / entry["file"]).read_text(encoding="utf-8"))
        assert _byline_author(tree) == extract_author(tree), entry["file"]


def test_lead_printed_apart_from_the_story_is_kept(shared_data) -> None:
    """Sputnik prints its lead in a block of its own, which trafilatura skips;
    the lead (what the page's description metadata also says) opens the body,
    and the comment-policy text under the story is not taken instead."""
    entry = next(e for e in _manifest(shared_data) if e["file"] == "htmldate__1550981615.html")
    got = _extract(shared_data, entry)
    opening = " ".join(got.description.split()[:6])
    assert got.lead.startswith(opening) and got.body.startswith(got.lead)
    assert sum(opening in line for line in got.body.split("\n")) == 1
    # The story has ten paragraphs; the comment policy alone would add over twenty.
    assert len(got.body.split("\n")) <= 12
