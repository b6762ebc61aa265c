"""The fetcher's seen-URL state: no duplicate ever, re-runs reproduce, and a lookup reads
one summary per settled month instead of one file per day of history (issue #9)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from pipeline.fetch import state as state_module
from pipeline.fetch.ingest import ingest
from pipeline.fetch.state import SeenState, SeenStateError, mirrored_files, summary_name
from pipeline.remote import local_mirror
from pipeline.run import fetch_state_parts, state_dir
from pipeline.sources import load_sources

pytest_plugins = ["s3"]

SOURCE = "site"
# History written long before the lookups: its files are older than anything rewritten now.
LONG_AGO_NS = 1_600_000_000 * 10**9


def _url(day: date, n: int) -> str:
    return f"https://news.example/{day.isoformat()}/article-{n}"


def _days(first: date, count: int) -> Iterator[date]:
    return (first + timedelta(days=i) for i in range(count))


def _history(root: Path, first: date, count: int, per_day: int = 3) -> SeenState:
    """``count`` days of claims from ``first``, written long ago."""
    state = SeenState(root, SOURCE)
    for day in _days(first, count):
        state.record(day, [_url(day, n) for n in range(per_day)])
    for i, path in enumerate(sorted(state.folder.glob("*.txt"))):
        os.utime(path, ns=(LONG_AGO_NS + i, LONG_AGO_NS + i))
    return state


def _summaries(state: SeenState) -> list[str]:
    return sorted(p.name for p in (state.folder / "months").glob("*.txt"))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files read while the test runs (the seen-state reads files whole)."""
    names: list[str] = []
    read_text = Path.read_text

    def counting_read_text(path: Path, *args, **kwargs) -> str:
        names.append(path.name)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting_read_text)
    return names


# ---------------------------------------------------------------- the promises


def test_a_rerun_of_a_day_is_not_hidden_by_its_own_claims(tmp_path):
    state = _history(tmp_path, date(2024, 1, 1), 120)
    day = date(2024, 1, 10)
    own = [_url(day, 0), _url(day, 1)]
    other = _url(date(2024, 1, 11), 0)
    assert state.seen_elsewhere(day, [*own, other]) == {other}
    # The same after a lookup from months later summarised January, own day included.
    state.seen_elsewhere(date(2024, 4, 20), [other])
    assert any(name.startswith("2024-01.") for name in _summaries(state))
    assert state.seen_elsewhere(day, [*own, other]) == {other}


def test_first_seen_day_wins_across_a_month_boundary_after_summaries_exist(tmp_path, opened):
    state = _history(tmp_path, date(2023, 12, 1), 62)  # December and January
    last_of_january = date(2024, 1, 31)
    moved = _url(last_of_january, 2)
    state.seen_elsewhere(date(2024, 3, 15), [moved])  # summarises December and January
    assert [name[:7] for name in _summaries(state)] == ["2023-12", "2024-01"]
    opened.clear()
    # The article is still in the feed on February 1st: it belongs to January 31st.
    assert state.seen_elsewhere(date(2024, 2, 1), [moved, "https://news.example/new"]) == {moved}
    assert sorted(name[:7] for name in opened) == ["2023-12", "2024-01"]  # summaries, no days
    # ... and a re-run of January 31st still ingests it.
    assert state.seen_elsewhere(last_of_january, [moved]) == set()


def test_a_day_rewritten_after_its_month_was_summarised_is_honoured(tmp_path):
    state = _history(tmp_path, date(2024, 1, 1), 31)
    day = date(2024, 1, 10)
    kept, dropped, added = _url(day, 1), _url(day, 0), "https://news.example/late-addition"
    later = date(2024, 5, 2)
    assert state.seen_elsewhere(later, [kept, dropped, added]) == {kept, dropped}
    summarised = _summaries(state)
    state.record(day, [kept, added, _url(day, 2)])  # the re-run found a different list
    assert state.seen_elsewhere(later, [kept, dropped, added]) == {kept, added}
    # The stale summary is left alone (a mirror never deletes) and a current one is added.
    assert set(summarised) < set(_summaries(state))
    assert state.seen_elsewhere(later, [kept, dropped, added]) == {kept, added}


def test_a_late_first_run_of_a_day_in_a_summarised_month_is_seen(tmp_path):
    state = _history(tmp_path, date(2024, 1, 1), 20)
    late = date(2024, 1, 25)
    state.seen_elsewhere(date(2024, 6, 1), ["https://news.example/x"])
    state.record(late, ["https://news.example/x"])
    assert state.seen_elsewhere(date(2024, 6, 1), ["https://news.example/x"]) == {
        "https://news.example/x"
    }


def test_concurrent_writers_of_different_days_in_one_month_lose_nothing(tmp_path):
    _history(tmp_path, date(2024, 1, 1), 60)
    # Two tasks of March start together, both look up, then both record.
    first, second = SeenState(tmp_path, SOURCE), SeenState(tmp_path, SOURCE)
    five, six = date(2024, 3, 5), date(2024, 3, 6)
    shared = "https://news.example/both-feeds"
    assert first.seen_elsewhere(five, [shared]) == second.seen_elsewhere(six, [shared]) == set()
    first.record(five, [shared, "https://news.example/only-5th"])
    second.record(six, [shared, "https://news.example/only-6th"])
    later = SeenState(tmp_path, SOURCE)
    wanted = {shared, "https://news.example/only-5th", "https://news.example/only-6th"}
    assert later.seen_elsewhere(date(2024, 3, 7), wanted) == wanted
    assert later.seen_elsewhere(date(2024, 7, 1), wanted) == wanted  # March summarised now
    assert later.seen_elsewhere(date(2024, 7, 1), wanted) == wanted  # ... and read back


def test_a_day_rewritten_while_its_month_is_summarised_is_never_hidden(tmp_path, monkeypatch):
    state = _history(tmp_path, date(2024, 1, 1), 31)
    day = date(2024, 1, 10)
    replacement = "https://news.example/rewritten"
    listing = SeenState._listing

    def listing_then_concurrent_rewrite(self: SeenState):
        found = listing(self)
        SeenState(tmp_path, SOURCE).record(day, [replacement])  # another task, meanwhile
        return found

    monkeypatch.setattr(SeenState, "_listing", listing_then_concurrent_rewrite)
    state.seen_elsewhere(date(2024, 6, 1), [replacement])
    monkeypatch.undo()
    assert state.seen_elsewhere(date(2024, 6, 1), [replacement, _url(day, 0)]) == {replacement}


# ---------------------------------------------------------------- crashes


def test_a_crash_while_writing_a_summary_leaves_nothing_that_is_trusted(tmp_path, monkeypatch):
    state = _history(tmp_path, date(2024, 1, 1), 31)
    probe = [_url(date(2024, 1, 3), 0)]

    def disk_gone(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(state_module.os, "replace", disk_gone)
    with pytest.raises(OSError, match="no space"):
        state.seen_elsewhere(date(2024, 6, 1), probe)
    monkeypatch.undo()
    assert list((state.folder / "months").iterdir()) == []
    assert state.seen_elsewhere(date(2024, 6, 1), probe) == set(probe)


def test_a_torn_summary_is_not_trusted_and_is_rebuilt_from_the_day_files(tmp_path):
    state = _history(tmp_path, date(2024, 1, 1), 31)
    probe = [_url(date(2024, 1, 30), 2)]
    state.seen_elsewhere(date(2024, 6, 1), probe)
    (summary,) = (state.folder / "months").iterdir()
    whole = summary.read_text("utf-8")
    summary.write_text(whole[: len(whole) // 2], "utf-8")  # e.g. power lost before a flush
    assert state.seen_elsewhere(date(2024, 6, 1), probe) == set(probe)
    assert summary.read_text("utf-8") == whole


def test_a_torn_summary_with_no_day_files_to_fall_back_on_is_a_clear_error(tmp_path):
    state = _history(tmp_path, date(2024, 1, 1), 31)
    state.seen_elsewhere(date(2024, 6, 1), ["https://news.example/x"])
    (summary,) = (state.folder / "months").iterdir()
    summary.write_text(summary.read_text("utf-8").rsplit("# end", 1)[0], "utf-8")
    for path in state.folder.glob("*.txt"):  # as in a mirror that fetched the summary only
        path.unlink()
    with pytest.raises(SeenStateError, match="incomplete"):
        state.seen_elsewhere(date(2024, 6, 1), ["https://news.example/x"])


# ---------------------------------------------------------------- scale


def test_a_lookup_in_400_days_of_history_opens_a_file_per_settled_month(tmp_path, opened):
    first = date(2023, 1, 1)
    state = _history(tmp_path, first, 400)  # 2023-01-01 .. 2024-02-04
    today = first + timedelta(days=400)  # 2024-02-05
    old, recent = _url(date(2023, 3, 3), 1), _url(date(2024, 2, 4), 0)
    assert state.seen_elsewhere(today, [old, recent, "https://news.example/new"]) == {old, recent}
    opened.clear()
    assert state.seen_elsewhere(today, [old, recent, "https://news.example/new"]) == {old, recent}
    # One summary for each month of 2023; day files for January 2024 (next to the
    # lookup's month, still being written in a backfill) and February's first four.
    assert len(opened) == 12 + 31 + 4
    assert sum(1 for name in opened if name[:4] == "2023") == 12


def test_a_lookup_returns_only_candidates(tmp_path):
    state = _history(tmp_path, date(2024, 1, 1), 90, per_day=50)
    candidates = [_url(date(2024, 2, 2), 7), "https://news.example/never"]
    assert state.seen_elsewhere(date(2024, 5, 5), candidates) == {candidates[0]}
    assert state.seen_elsewhere(date(2024, 5, 5), []) == set()


# ---------------------------------------------------------------- object storage


def test_a_mirror_fetches_current_summaries_and_the_day_files_they_do_not_cover():
    january = {f"2024-01-{d:02d}.txt": (100 + d, LONG_AGO_NS + d) for d in range(1, 32)}
    current = summary_name("2024-01", january)
    stale = summary_name("2024-01", dict(list(january.items())[:30]))
    march = {"2024-03-01.txt": (10, LONG_AGO_NS), "2024-03-02.txt": (12, LONG_AGO_NS)}
    listing = {**january, **march, current: (5000, 0), stale: (4800, 0),
               "months/.2024-02.0123456789abcdef.txt.tmp-7": (9, 0), ".x.txt.tmp": (1, 0)}
    assert mirrored_files(listing) == [current, *sorted(march)]
    changed = {**listing, "2024-01-31.txt": (999, LONG_AGO_NS + 99)}
    assert mirrored_files(changed) == [*sorted(january), *sorted(march)]


@pytest.mark.slow
def test_tasks_on_object_storage_share_claims_and_download_little(s3_root, monkeypatch):
    from pipeline import remote

    state_url = state_dir(s3_root)
    with local_mirror(state_url, fetch_state_parts(SOURCE)) as local:
        _history(local, date(2024, 1, 1), 45)  # all of January, half of February
    with local_mirror(state_url, fetch_state_parts(SOURCE)) as local:
        SeenState(local, SOURCE).seen_elsewhere(date(2024, 3, 1), ["x"])  # summarises January

    downloads: list[str] = []
    download = remote.download
    monkeypatch.setattr(remote, "download", lambda url, path: (downloads.append(url),
                                                               download(url, path)))
    shared = _url(date(2024, 1, 20), 1)
    # Two tasks of March run at once, each on its own copy of the state.
    with (
        local_mirror(state_url, fetch_state_parts(SOURCE)) as one,
        local_mirror(state_url, fetch_state_parts(SOURCE)) as two,
    ):
        for local, day in ((one, date(2024, 3, 5)), (two, date(2024, 3, 6))):
            state = SeenState(local, SOURCE)
            assert state.seen_elsewhere(day, [shared, f"https://news.example/{day}"]) == {shared}
            state.record(day, [f"https://news.example/{day}"])
    # January came as one summary per task, February (unsettled then) as its 14 days.
    assert len(downloads) == 2 * (1 + 14)
    with local_mirror(state_url, fetch_state_parts(SOURCE)) as local:
        found = SeenState(local, SOURCE).seen_elsewhere(
            date(2024, 3, 7), ["https://news.example/2024-03-05", "https://news.example/2024-03-06"]
        )
    assert found == {"https://news.example/2024-03-05", "https://news.example/2024-03-06"}


# ---------------------------------------------------------------- through the fetcher


def test_an_archived_page_is_ingested_on_the_first_day_only_across_months(tmp_path):
    def record(url: str, day: str) -> str:
        return json.dumps({"url": url, "title": "عنوان", "body": "نص الخبر.",
                           "date": f"{day}T10:00:00+00:00"})

    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join([
        record("https://example.org/a", "2024-01-31"),
        record("https://example.org/a", "2024-02-01"),  # archived again the next day
        record("https://example.org/b", "2024-02-01"),
        record("https://example.org/c", "2024-04-02"),
    ]) + "\n", encoding="utf-8")
    config = tmp_path / "sources.yaml"
    config.write_text(yaml.safe_dump({"sources": [{
        "id": SOURCE, "name": "Site", "home": "https://example.org/", "dumps": [str(dump)]}]}))
    source = load_sources(str(config))[SOURCE]
    state = tmp_path / "state"

    def fetched(day: date) -> dict[str, int]:
        return ingest(source, day, tmp_path / f"{day}.warc.gz", state).counts

    assert fetched(date(2024, 1, 31))["fetched"] == 1
    assert fetched(date(2024, 4, 2))["fetched"] == 1  # its lookup summarises January
    assert any(name.startswith("2024-01.") for name in _summaries(SeenState(state, SOURCE)))
    february = fetched(date(2024, 2, 1))
    assert (february["discovered"], february["duplicate"], february["fetched"]) == (2, 1, 1)
    assert fetched(date(2024, 1, 31))["fetched"] == 1  # a re-run reproduces the day
