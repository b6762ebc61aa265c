"""Dates in Arabic news: datelines, metadata values and dates mentioned in text.

Why a module of its own: Arabic sites spell the same month several ways by
region (يونيو / يونيه / حزيران / جوان), give Hijri dates, use Arabic-Indic
digits, and report events relative to the publication day (اليوم الأحد، أمس
السبت، أول أمس الجمعة). Both the extractor (published date) and the event coder
(event date) need the same reading.

Matching runs on a folded copy of the text built character by character with
:func:`pipeline.normalize.normalize_for_matching` (alef forms, diacritics,
tatweel, digits), keeping a map back to the original offsets, so mentions point
into the original text.

Return convention of :func:`parse_date`: always an aware ``datetime`` in UTC.
A time without an offset, or a date without a time (taken as 00:00), is read in
the ``tz`` argument (default UTC) and then converted to UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache

from hijridate import Gregorian, Hijri

from pipeline.normalize import normalize_for_matching

_GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "January", "Jan"),
    2: ("فبراير", "شباط", "فيفري", "February", "Feb"),
    3: ("مارس", "آذار", "March", "Mar"),
    4: ("أبريل", "ابريل", "إبريل", "نيسان", "أفريل", "April", "Apr"),
    5: ("مايو", "أيار", "ماي", "May"),
    6: ("يونيو", "يونية", "يونيه", "حزيران", "جوان", "June", "Jun"),
    7: ("يوليو", "يولية", "يوليه", "تموز", "جويلية", "يوليوز", "July", "Jul"),
    8: ("أغسطس", "آب", "أوت", "غشت", "August", "Aug"),
    9: ("سبتمبر", "أيلول", "شتنبر", "September", "Sep", "Sept"),
    10: ("أكتوبر", "تشرين الأول", "October", "Oct"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر", "November", "Nov"),
    12: ("ديسمبر", "كانون الأول", "دجنبر", "December", "Dec"),
}
_HIJRI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("محرم", "المحرم"),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع أول"),
    4: ("ربيع الثاني", "ربيع الآخر", "ربيع ثاني"),
    5: ("جمادى الأولى", "جمادى الأول", "جمادى أولى"),
    6: ("جمادى الثانية", "جمادى الآخرة", "جمادى الآخر", "جمادى ثانية"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة"),
    12: ("ذو الحجة", "ذي الحجة"),
}
# Monday = 0, as in date.weekday().
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("الاثنين", "الإثنين", "الأثنين"),
    1: ("الثلاثاء",),
    2: ("الأربعاء",),
    3: ("الخميس",),
    4: ("الجمعة",),
    5: ("السبت",),
    6: ("الأحد",),
}


def _alternation(names: dict[int, tuple[str, ...]]) -> tuple[str, dict[str, int]]:
    """Regex alternation of folded names (longest first) and a name -> number map."""
    lookup = {
        normalize_for_matching(name): number for number, group in names.items() for name in group
    }
    pattern = "|".join(
        re.escape(name).replace(r"\ ", r"\s+") for name in sorted(lookup, key=len, reverse=True)
    )
    return pattern, lookup


_G_MONTH, _G_LOOKUP = _alternation(_GREGORIAN_MONTHS)
_H_MONTH, _H_LOOKUP = _alternation(_HIJRI_MONTHS)
_WEEKDAY, _WEEKDAY_LOOKUP = _alternation(_WEEKDAYS)

# Clitics that may stick to a word: و ف ب ل ك, possibly two of them (وبال...).
_CLITIC = r"(?<!\w)(?P<clitic>[وف]?[بلك]?)"
_END = r"(?!\w)"
_HIJRI_MARK = r"(?:ه|هجري|هجريه|للهجره)"
_YEAR_INTRO = r"(?:\s+(?:من\s+)?(?:عام|العام|سنه|السنه)?)?\s*[,،]?\s*"

_DAY_MONTH = re.compile(
    rf"(?P<day>(?<!\d)\d{{1,2}}|(?<!\w)اول)(?:\s*(?:من|في))?\s+(?:شهر\s+)?"
    rf"(?:(?P<g>{_G_MONTH})(?:\s*[/(]\s*(?:{_G_MONTH})\s*\)?)?|(?P<h>{_H_MONTH}))"
    rf"{_END}(?:{_YEAR_INTRO}(?P<year>\d{{4}})(?!\d)(?:\s*(?P<hmark>{_HIJRI_MARK}){_END})?)?",
)
# English order: "June 19, 2016".
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)(?P<g>{_G_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)"
)
_NUMERIC_DMY = re.compile(
    rf"(?<![\d/.-])(?P<day>\d{{1,2}}) ?(?P<sep>[/.-]) ?(?P<month>\d{{1,2}}) ?(?P=sep) ?"
    rf"(?P<year>\d{{4}})"
    rf"(?![\d/.-]\d)(?:\s*(?P<hmark>{_HIJRI_MARK}){_END})?"
)
_NUMERIC_YMD = re.compile(
    rf"(?<![\d/.-])(?P<year>\d{{4}}) ?(?P<sep>[/.-]) ?(?P<month>\d{{1,2}}) ?(?P=sep) ?"
    rf"(?P<day>\d{{1,2}})"
    rf"(?![\d/.-]\d)(?:\s*(?P<hmark>{_HIJRI_MARK}){_END})?"
)
_ISO = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?(?!\d)"
)
_RFC822 = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+"
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|gmt|ut|utc|z|[ecmp][sd]t)?"
)
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?![\d:])"
    r"(?:\s*(?P<ampm>صباحا|ص|مساء|م|am|pm)(?!\w))?"
    r"(?:\s*(?:بتوقيت\s+)?(?:(?P<utc>gmt|utc|غرينتش|جرينتش|تغ|ت\s*غ)|(?P<mecca>مكه))(?!\w))?"
    r"(?:\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?))?"
)

_RELATIVE = re.compile(
    rf"{_CLITIC}(?:"
    rf"(?P<before_yesterday>اول\s+(?:من\s+)?(?:ال)?امس|(?:ال)?امس\s+الاول)"
    rf"|(?P<yesterday>(?:ال)?امس)"
    rf"|(?P<today>اليوم)"
    rf"|(?P<after_tomorrow>بعد\s+غد)"
    rf"|(?P<tomorrow>غدا|يوم\s+غد)"
    rf"){_END}(?:\s*[(،,]?\s*(?P<weekday>{_WEEKDAY}){_END}\)?)?"
)
# "اليوم" is also a noun ("اليوم التالي", "اليوم الوطني"): a definite word after
# it that is not a weekday means it is not "today".
_NOT_TODAY = re.compile(r"\s+ال\w+")
_NOT_A_DAY = re.compile(r"(?:صلاه|خطبه|صلاتي|خطبتي)\s+$")
_WEEKDAY_MENTION = re.compile(
    rf"{_CLITIC}(?:يوم\s+)?(?P<weekday>{_WEEKDAY}){_END}"
    r"(?:\s+(?:(?P<past>الماضي|المنصرم|الفائت)|(?P<next>المقبل|القادم|التالي))(?!\w))?"
)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text; offsets index the original string."""

    start: int
    end: int
    value: date
    kind: str  # "explicit" | "relative" | "weekday" | "hijri"


def parse_date(text: str, tz: tzinfo = UTC) -> datetime | None:
    """The first explicit date in a short string (dateline, metadata value).

    Returns an aware datetime in UTC, or None when the string holds no complete
    date (a day and month without a year is not enough here). ``tz`` is the
    zone of the source, used when the string has no offset of its own.
    """
    if not text:
        return None
    folded = _fold(text)
    first: tuple[int, datetime] | None = None
    for match in _ISO.finditer(folded):
        try:
            value = datetime.fromisoformat(match.group().upper().replace(" ", "T"))
        except ValueError:
            continue
        first = _earlier(first, match.start(), value)
        break
    for match in _RFC822.finditer(folded):
        try:
            value = parsedate_to_datetime(match.group())
        except (TypeError, ValueError):
            continue
        first = _earlier(first, match.start(), value)
        break
    explicit = _explicit_dates(folded, reference=None)
    if explicit and (first is None or explicit[0][0] < first[0]):
        start, end, day, _ = explicit[0]
        first = (start, _combine(day, _clock_time(folded, exclude=(start, end)), tz))
    if first is None:
        return None
    value = first[1]
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def find_date_mentions(text: str, reference: date) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``reference``
    (the publication date), in order of position.

    Explicit dates without a year take the nearest past occurrence; a bare
    weekday is the most recent such day up to the reference ("الخميس الماضي"
    strictly before it, "الخميس المقبل" strictly after); "الأسبوع الماضي" is a
    week, not a day, and yields nothing.
    """
    if not text:
        return []
    folded = _fold(text)
    raw = (_explicit_dates(folded, reference) + _relative_dates(folded, reference)
           + _weekday_dates(folded, reference))
    if not raw:  # most sentences: no need to map positions back
        return []
    index = _folded(text)[1]
    found = [DateMention(index.start(a), index.end(b), value, kind) for a, b, value, kind in raw]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue  # overlaps an earlier, longer mention
        if (
            kept
            and mention.kind in ("explicit", "hijri")
            and kept[-1].kind == "weekday"
            and not text[kept[-1].end : mention.start].strip(" ،,-()")
        ):
            kept[-1] = DateMention(kept[-1].start, mention.end, mention.value, mention.kind)
            continue  # "الأحد 19 يونيو": the weekday only names the explicit date
        kept.append(mention)
    return kept


def resolve_event_date(sentence: str, reference: date) -> date | None:
    """The date an event in this sentence happened: its first date mention."""
    mentions = find_date_mentions(sentence, reference)
    return mentions[0].value if mentions else None


class _Index:
    """Maps positions in the folded text back to the original text."""

    def __init__(self, origin: list[int], length: int) -> None:
        self._origin = origin
        self._length = length

    def start(self, folded_pos: int) -> int:
        return self._origin[folded_pos]

    def end(self, folded_end: int) -> int:
        """Original end offset, including the diacritics or tatweel that
        follow the last matched letter and vanished in the folded text."""
        return self._origin[folded_end] if folded_end < len(self._origin) else self._length


# A date found in the folded text: (start, end, value, kind).
_Found = tuple[int, int, date, str]


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isspace():
        return " "
    return normalize_for_matching(char)


class _FoldTable(dict):
    """``str.translate`` table folding each character as :func:`_fold_char`,
    filled on first sight of a character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> str:
    """The folded text of :func:`_folded`, without the position map: one C-level
    ``translate`` instead of a Python loop over characters."""
    return text.translate(_FOLD_TABLE)


def _folded(text: str) -> tuple[str, _Index]:
    parts: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), _Index(origin, len(text))


def _explicit_dates(folded: str, reference: date | None) -> list[_Found]:
    found: list[_Found] = []
    for pattern in (_DAY_MONTH, _MONTH_DAY_YEAR):
        for match in pattern.finditer(folded):
            groups = match.groupdict()
            hijri_name = groups.get("h")
            hijri = hijri_name is not None or bool(groups.get("hmark"))
            name = " ".join((hijri_name or groups["g"]).split())
            month = (_H_LOOKUP if hijri_name else _G_LOOKUP)[name]
            day = 1 if groups["day"] == "اول" else int(groups["day"])  # "أول مايو"
            value = _resolve(day, month, groups.get("year"), hijri, reference)
            if value is not None:
                found.append(_found(match, value, "hijri" if hijri else "explicit"))
    for pattern in (_NUMERIC_DMY, _NUMERIC_YMD):
        for match in pattern.finditer(folded):
            day, month = int(match["day"]), int(match["month"])
            if month > 12 >= day and pattern is _NUMERIC_DMY:
                day, month = month, day  # US order, 06/19/2016
            hijri = bool(match["hmark"]) or int(match["year"]) < 1600
            value = _resolve(day, month, match["year"], hijri, reference)
            if value is not None:
                found.append(_found(match, value, "hijri" if hijri else "explicit"))
    found.sort()
    return found


def _resolve(
    day: int, month: int, year: str | None, hijri: bool, reference: date | None
) -> date | None:
    """A calendar date, or None when invalid or when the year is unknown and
    there is no reference to take it from."""
    if year is not None:
        return _to_date(int(year), month, day, hijri)
    if reference is None:
        return None
    ref_year = (
        Gregorian(reference.year, reference.month, reference.day).to_hijri().year
        if hijri
        else reference.year
    )
    for candidate_year in (ref_year, ref_year - 1):
        value = _to_date(candidate_year, month, day, hijri)
        if value is not None and value <= reference:
            return value
    return None


def _to_date(year: int, month: int, day: int, hijri: bool) -> date | None:
    try:
        if hijri:
            g = Hijri(year, month, day).to_gregorian()
            return date(g.year, g.month, g.day)
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _relative_dates(folded: str, reference: date) -> list[_Found]:
    found = []
    for match in _RELATIVE.finditer(folded):
        if match["today"] and not match["weekday"] and _NOT_TODAY.match(folded, match.end()):
            continue
        if match["before_yesterday"]:
            shift = -2
        elif match["yesterday"]:
            shift = -1
        elif match["today"]:
            shift = 0
        elif match["tomorrow"]:
            shift = 1
        else:
            shift = 2
        found.append(_found(match, reference + timedelta(days=shift), "relative"))
    return found


def _weekday_dates(folded: str, reference: date) -> list[_Found]:
    found = []
    for match in _WEEKDAY_MENTION.finditer(folded):
        if _NOT_A_DAY.search(folded, max(0, match.start() - 8), match.start()):
            continue  # "صلاة الجمعة" is the Friday prayer, not a date
        weekday = _WEEKDAY_LOOKUP[match["weekday"]]
        back = (reference.weekday() - weekday) % 7
        if match["next"]:
            value = reference + timedelta(days=(weekday - reference.weekday()) % 7 or 7)
        else:
            if match["past"] and back == 0:
                back = 7
            value = reference - timedelta(days=back)
        found.append(_found(match, value, "weekday"))
    return found


def _found(match: re.Match[str], value: date, kind: str) -> _Found:
    """The match without its clitic prefix (و، ب، ل): "والخميس" -> "الخميس"."""
    start = match.end("clitic") if "clitic" in match.re.groupindex else match.start()
    return (start, match.end(), value, kind)


def _clock_time(folded: str, exclude: tuple[int, int]) -> tuple[time, tzinfo | None] | None:
    for match in _TIME.finditer(folded):
        if exclude[0] <= match.start() < exclude[1]:
            continue
        hour, minute = int(match["h"]), int(match["m"])
        second = int(match["s"] or 0)
        ampm = match["ampm"]
        if ampm in ("م", "مساء", "pm") and hour < 12:
            hour += 12
        elif ampm in ("ص", "صباحا", "am") and hour == 12:
            hour = 0
        if hour > 23 or minute > 59 or second > 59:
            continue
        zone: tzinfo | None = None
        if match["offset"]:
            zone = _offset(match["offset"])
        elif match["utc"]:
            zone = UTC
        elif match["mecca"]:
            zone = timezone(timedelta(hours=3))
        return time(hour, minute, second), zone
    return None


def _offset(value: str) -> timezone:
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    hours = int(digits[:-2]) if len(digits) > 2 else int(digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _combine(day: date, clock: tuple[time, tzinfo | None] | None, tz: tzinfo) -> datetime:
    if clock is None:
        return datetime.combine(day, time(0, 0), tzinfo=tz)
    moment, zone = clock
    return datetime.combine(day, moment, tzinfo=zone or tz)


def _earlier(
    first: tuple[int, datetime] | None, start: int, value: datetime
) -> tuple[int, datetime]:
    return (start, value) if first is None or start < first[0] else first
