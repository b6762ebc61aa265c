"""WARC bronze: atomic writing, faithful replay, correct decoding, clear rejects."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.fetch.http import Exchange
from pipeline.records import RawPage, Reject
from pipeline.warc import BronzeWriter, decode_html, iter_pages

DAY = date(2016, 6, 19)
WHEN = datetime(2016, 6, 19, 8, 30, tzinfo=UTC)


def _exchange(url: str, body: bytes, content_type: str | None = "text/html; charset=utf-8",
              status: int = 200, role: str = "article") -> Exchange:  # fmt: skip
    headers = [("Content-Type", content_type)] if content_type else []
    return Exchange(
        url=url,
        request_headers=[("User-Agent", "akhbar-test")],
        status=status,
        reason="OK" if status == 200 else "Other",
        http_version="HTTP/1.1",
        headers=[*headers, ("Content-Length", str(len(body)))],
        body=body,
        fetched_at=WHEN,
        role=role,
    )


def _html(text: str, charset: str = "utf-8") -> str:
    head = f'<head><meta charset="{charset}"><title>t</title></head>'
    return f"<html>{head}<body><p>{text}</p></body></html>"


def _replay(path: Path) -> list[RawPage | Reject]:
    return list(iter_pages(path, "s", DAY))


@pytest.fixture
def arabic(seed_text: str) -> str:
    """Two paragraphs of the embedded seed article (ours, free to use)."""
    return "\n".join(seed_text.split("\n")[:6])


@pytest.mark.parametrize("name", ["day.warc.gz", "day.warc"])
def test_written_records_replay_as_pages(tmp_path, arabic, name):
    path = tmp_path / name
    with BronzeWriter(path, "s", DAY) as writer:
        writer.write_exchange(_exchange("https://x.test/robots.txt", b"User-agent: *", "text/plain",
                                        role="robots"))  # fmt: skip
        writer.write_exchange(_exchange("https://x.test/a", _html(arabic).encode()))
        writer.write_exchange(_exchange("https://x.test/moved", b"", status=301))
        writer.write_resource("https://x.test/b", arabic.encode(), "text/plain", WHEN)
        writer.write_failure("https://x.test/c", "fetch", "timeout", "ReadTimeout")
    items = _replay(path)
    assert [type(i).__name__ for i in items] == ["RawPage", "RawPage"]
    html_page, text_page = items
    assert html_page.url == "https://x.test/a" and arabic in html_page.html
    assert html_page.fetched_at == WHEN and html_page.archive_date == DAY
    assert text_page.text == arabic and text_page.html is None


def test_a_crash_leaves_no_file_and_keeps_the_previous_one(tmp_path, arabic):
    path = tmp_path / "day.warc.gz"
    with BronzeWriter(path, "s", DAY) as writer:
        writer.write_resource("https://x.test/old", arabic.encode(), "text/plain")
    before = path.read_bytes()
    with pytest.raises(RuntimeError), BronzeWriter(path, "s", DAY) as writer:
        writer.write_resource("https://x.test/new", b"partial", "text/plain")
        raise RuntimeError("crash mid-run")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["day.warc.gz"]


@pytest.mark.parametrize("name", ["day.warc.gz", "day.warc"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.99])
def test_a_truncated_file_yields_its_pages_then_a_reject(tmp_path, arabic, name, keep):
    path = tmp_path / name
    with BronzeWriter(path, "s", DAY) as writer:
        for i in range(4):
            writer.write_exchange(_exchange(f"https://x.test/{i}", _html(arabic).encode()))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    items = _replay(path)
    pages = [i for i in items if isinstance(i, RawPage)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert rejects and {r.reason for r in rejects} <= {"truncated", "truncated_warc"}
    assert items == pages + rejects  # what came before the damage is kept
    assert len(pages) < 4 and all(arabic in p.html for p in pages)


def test_whole_file_gzip_warcs_replay(tmp_path, arabic):
    plain = tmp_path / "day.warc"
    with BronzeWriter(plain, "s", DAY) as writer:
        for i in range(3):
            writer.write_resource(f"https://x.test/{i}", arabic.encode(), "text/plain")
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    assert [p.url for p in _replay(whole)] == [f"https://x.test/{i}" for i in range(3)]


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "empty_body"),
        (b"   \n", "text/html", "empty_body"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "text/html", "binary"),
        (b"\xff\xd8\xff\xe0 jpeg", "image/jpeg", "binary"),
        (b'{"title": "json"}', "application/json", "non_html"),
        (b"User-agent: *\nDisallow: /", "text/plain", "non_html"),
        # UTF-8 that was double-encoded upstream: valid bytes, unreadable text.
        (_html("روسيا وأميركا تتفقان").encode().decode("latin-1").encode(), "text/html", "garbled"),
    ],
)
def test_unusable_responses_become_rejects(tmp_path, body, content_type, reason):
    path = tmp_path / "day.warc.gz"
    with BronzeWriter(path, "s", DAY) as writer:
        writer.write_exchange(_exchange("https://x.test/p", body, content_type))
    (item,) = _replay(path)
    assert isinstance(item, Reject)
    assert (item.stage, item.reason, item.url) == ("warc", reason, "https://x.test/p")


def test_html_without_content_type_is_sniffed(tmp_path, arabic):
    path = tmp_path / "day.warc.gz"
    with BronzeWriter(path, "s", DAY) as writer:
        writer.write_exchange(_exchange("https://x.test/p", _html(arabic).encode(), None))
    (page,) = _replay(path)
    assert isinstance(page, RawPage) and arabic in page.html


# ---------------------------------------------------------------- charsets


@pytest.mark.parametrize(
    ("declared_header", "declared_meta"),
    [
        ("text/html; charset=utf-8", "utf-8"),  # the common CMS-migration lie
        ("text/html", None),  # nothing declared at all
        ("text/html; charset=iso-8859-1", "iso-8859-1"),  # a Latin label on Arabic bytes
        ("text/html; charset=windows-1256", "windows-1256"),  # honest
        (None, "windows-1256"),
    ],
)
def test_windows_1256_comes_out_right_whatever_the_label(arabic, declared_header, declared_meta):
    page = _html(arabic, declared_meta) if declared_meta else f"<html><body>{arabic}</body></html>"
    body = page.encode("windows-1256")
    assert decode_html(body, declared_header) == page


def test_utf8_labelled_windows_1256_stays_utf8(arabic):
    page = _html(arabic, "windows-1256")
    assert decode_html(page.encode("utf-8"), "text/html; charset=windows-1256") == page


def test_other_scripts_and_boms_decode(arabic):
    french = _html("Le président a annoncé une réunion à Genève.", "windows-1252")
    assert decode_html(french.encode("cp1252"), "text/html; charset=iso-8859-1") == french
    russian = _html("Президент провёл совещание в Москве.", "windows-1251")
    assert decode_html(russian.encode("cp1251"), "text/html; charset=windows-1251") == russian
    assert decode_html("\ufeff".encode() + arabic.encode(), None) == arabic
    assert decode_html(arabic.encode("utf-16"), None) == arabic


# ---------------------------------------------------------------- foreign WARCs


def test_foreign_warcs_replay_without_crashing(shared_data):
    folder = shared_data / "warc"
    results = {p.name: list(iter_pages(p, "cc", DAY)) for p in sorted(folder.glob("*.warc.gz"))}
    assert results, "no WARC files in shared data"
    for name, items in results.items():
        assert items, name
        for item in items:
            if isinstance(item, RawPage):
                assert item.url.startswith(("http://", "https://")) and item.html
                assert "\ufffd" not in item.html[:2000], (name, item.url)
    pages = {n: [i for i in items if isinstance(i, RawPage)] for n, items in results.items()}
    # warcio's example: one response; the revisit record has no payload of its own.
    assert [p.url for p in pages["warcio__example.warc.gz"]] == ["http://example.com/"]
    # wget logs (metadata:// resources) are not pages.
    assert all("metadata://" not in p.url for p in pages["dolma__sample-0000.warc.gz"])
    # A record shorter than its Content-Length is rejected, not passed on half-empty.
    (clipped,) = results["resiliparse__clipped.warc.gz"]
    assert isinstance(clipped, Reject) and clipped.reason == "truncated"


def test_common_crawl_windows_1251_page_decodes(shared_data):
    path = shared_data / "warc" / "resiliparse__warcfile.warc.gz"
    page = next(p for p in iter_pages(path, "cc", DAY) if p.url == "http://01spb.ru/company/")
    assert any("\u0400" <= ch <= "\u04ff" for ch in page.html)
