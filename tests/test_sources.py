"""The sources file: shipped outlets, validation errors that name the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from pipeline.sources import DEFAULT_SOURCES, SourceConfigError, load_sources

OUTLET_HOSTS = [
    "aljazeera.net", "alaraby.co.uk", "bbc.com", "aawsat.com", "alarabiya.net",
    "skynewsarabia.com", "france24.com", "arabic.rt.com", "aa.com.tr", "spa.gov.sa",
    "youm7.com", "ahram.org.eg", "hespress.com", "alquds.co.uk", "enabbaladi.net",
]  # fmt: skip


def _write(tmp_path: Path, sources: list[dict]) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return path


def _valid(**overrides) -> dict:
    entry = {"id": "example", "name": "Example", "home": "https://example.com/"}
    entry.update(overrides)
    return entry


def test_shipped_file_has_the_major_outlets_with_discovery_urls():
    sources = load_sources()
    web = [s for s in sources.values() if not s.local_files]
    for host in OUTLET_HOSTS:
        matching = [s for s in web if host in s.home]
        assert matching, f"no source for {host}"
        assert all(s.feeds or s.sitemaps for s in matching)
    assert all(s.language == "ar" and s.rate_per_second <= 1 for s in web)


def test_seeds_source_points_at_the_embedded_article():
    seeds = load_sources()["seeds"]
    (page,) = seeds.local_files
    assert page.path == DEFAULT_SOURCES.parent / "seed_article.txt" and page.path.is_file()
    assert page.date == date(2016, 6, 19)
    assert page.url.startswith("https://www.alaraby.co.uk/")


def test_environment_variable_selects_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AKHBAR_SOURCES", str(_write(tmp_path, [_valid()])))
    assert list(load_sources()) == ["example"]


def test_a_user_adds_a_source_without_code(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<html></html>", encoding="utf-8")
    web = _valid(
        feeds=["https://example.com/rss"],
        sitemaps=["https://example.com/sitemap_index.xml.gz"],
        archive_pattern="https://example.com/archive/{date:%Y/%m/%d}",
        rate_per_second=0.2, concurrency=1, allow="/news/", deny="/video/",
    )  # fmt: skip
    offline = _valid(
        id="offline",
        local_files=[{"path": "pages/a.html", "url": "https://x.com/a", "date": "2024-01-02"}],
    )
    sources = load_sources(_write(tmp_path, [web, offline]))
    source = sources["example"]
    assert source.archive_url(date(2024, 1, 2)) == "https://example.com/archive/2024/01/02"
    assert (source.rate_per_second, source.concurrency) == (0.2, 1)
    assert source.allow_private is False
    (page,) = sources["offline"].local_files
    assert page.path == tmp_path / "pages" / "a.html" and page.date == date(2024, 1, 2)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_valid(feeds=["ftp://x.com/rss"]), r"sources\[1\]\.feeds\[0\]: not an http\(s\) URL"),
        (_valid(sitemaps=["file:///etc/passwd"]), r"sources\[1\]\.sitemaps\[0\]: not an http"),
        (_valid(home="example.com"), r"sources\[1\]\.home: not an http"),
        (_valid(id="Bad Id"), r"sources\[1\]\.id: 'Bad Id' must match"),
        (_valid(id="../etc"), r"sources\[1\]\.id"),
        (_valid(rate_per_second=0), r"sources\[1\]\.rate_per_second"),
        (_valid(concurrency=1.5), r"sources\[1\]\.concurrency"),
        (_valid(allow="(unclosed"), r"sources\[1\]\.allow: invalid regular expression"),
        (_valid(archive_pattern="https://x/archive"), r"sources\[1\]\.archive_pattern"),
        (_valid(archive_pattern="https://x/{day}/{date}"), r"sources\[1\]\.archive_pattern"),
        (_valid(allow_private="yes"), r"sources\[1\]\.allow_private"),
        (_valid(feed=["https://x/rss"]), r"sources\[1\]\.feed: unknown field"),
        ({"id": "x", "home": "https://x/"}, r"sources\[1\]\.name: required"),
        (
            _valid(local_files=[{"path": "a", "url": "https://x/a", "date": "June"}]),
            r"sources\[1\]\.local_files\[0\]\.date",
        ),
        (
            _valid(
                feeds=["https://x/rss"],
                local_files=[{"path": "a", "url": "https://x/a", "date": "2024-01-02"}],
            ),
            r"sources\[1\]\.local_files: an offline source cannot also have feeds",
        ),
    ],
)
def test_invalid_entries_are_refused_naming_the_field(tmp_path, entry, message):
    path = _write(tmp_path, [_valid(id="first"), entry])
    with pytest.raises(SourceConfigError, match=message):
        load_sources(path)


def test_duplicate_ids_and_broken_files_are_refused(tmp_path):
    with pytest.raises(SourceConfigError, match=r"sources\[1\]\.id: duplicate"):
        load_sources(_write(tmp_path, [_valid(), _valid()]))
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [unclosed", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="not valid YAML"):
        load_sources(bad)
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")
