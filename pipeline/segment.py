"""Arabic sentence segmentation by rules, as character offsets into the original text.

Why rules and not a model: news text has a small, known set of traps (quotes
around statements, agency abbreviations such as ``أ.ف.ب``, decimal numbers,
``د.`` before names, paragraph breaks that end sentences without a full stop)
and a rule set handles them at several MB per second without model files.

How it works: the text is cut into paragraphs at line breaks (a line break
always ends a sentence, which also covers headlines and datelines on their own
line). Inside a paragraph one regular expression finds the only characters that
matter (sentence-final punctuation, quotes, brackets); quotes and brackets are
paired first, so only a pair that closes inside the same paragraph protects its
content, and a stray quote can never swallow the rest of the document. Each
remaining full stop, question or exclamation mark is then judged by its
neighbours (numbers, URLs, abbreviations, initials, ellipses).

News layout: a headline, a dateline or a byline ends without punctuation. On
its own line it is its own sentence; where line breaks were lost (archive
dumps, tokenised corpora) a few rules find where it ends: an agency dateline
("القاهرة (رويترز) -") opens a sentence, a bare place-and-date dateline ("بكين
3 مايو") is a unit, a byline ("بقلم ...", "كتب: ...") starts one, and a text's
first sentence ends before a repeat of its opening words or before the
past-tense verb that opens a news lead. Each rule needs a short headline-like
unit before the cut, and each is checked against real article bodies.

The text is never changed: every sentence is a ``(start, end)`` span into it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import pairwise

# Characters that may close a quotation or bracket right after a full stop.
_CLOSERS = frozenset("\"'»«”“’)]")
# Line breaks, and events inside a paragraph: a quote or a bracket, or a run of
# final punctuation (tokenised text spaces its dots, ". . .") that is followed
# by a space, a closer or the end, or that may glue two Arabic sentences
# ("العراق.وقال"). Dots inside numbers, URLs and abbreviations never become
# events, which keeps dense tokens cheap.
_EVENT = re.compile(
    r"\r\n?|[\n\u2028\u2029\x0c\x85]"
    r"|[\"«»“”()\[\]]"
    r"|[.؟?!…](?: ?[.؟?!…])*+(?=[\s\"'»«”“’)\]]|$)"
    r"|\.(?:(?<=[\u0621-\u064a]{2}\.)|(?<=[\d%)»\"]\.))(?=[\u0621-\u064a])"
)
_BREAK_CHARS = frozenset("\r\n\u2028\u2029\x0c\x85")
_QUOTE_MARKS = frozenset('"«»“”()[]')
_STRONG_FINAL = frozenset("؟?!")
# Pairs whose direction is written both ways in RTL text (» … « is common).
_SYMMETRIC_PAIRS = {"«": "»", "»": "«", "“": "”", "”": "“"}
_OPEN_CONTEXT = frozenset("([{«“:،,ـ-/")
_CLOSE_CONTEXT = frozenset(".,،؛;:!?؟)]}»”…-/")

# Bounds that keep the work per character constant on pathological input.
_MAX_DEPTH = 16  # open quotes and brackets tracked at once
_LONGEST_WORD = 64  # characters looked back for the word before a full stop

_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_WORD_CHAR = re.compile(r"\w")
_OR_AFTER_QUESTION = re.compile(r"\s*(?:أو|او|أم)(?!\w)")
_NUMBER = re.compile(r"^[\d٠-٩۰-۹]+(?:[.,٫٬/:-][\d٠-٩۰-۹]+)*$")
# Letters separated by dots: أ.ف.ب, ق.م, U.S, e.g, Ph.D
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,2}ـ?\.)+[^\W\d_]{1,2}ـ?$")
_OPENING_PUNCT = "\"'«»“”(["

# Titles and references that are followed by a full stop inside a sentence.
# fmt: off
_ABBREVIATIONS = frozenset({
    # Single letters (د. م. أ. ص.) are caught by the initial rule; these are the
    # longer forms (هجري with tatweel, أستاذ دكتور) and Latin titles common in
    # names quoted in Arabic news.
    "هـ", "أ.د", "ا.د",
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "No", "Gen", "Col", "Lt",
    "Capt", "Sgt", "Gov", "Sen", "Rep", "Mt", "Fig", "Vol", "pp", "cf",
})
# Latin letters spelt in Arabic, used as initials: "جون إف. كينيدي". After another
# one they spell an acronym that may end the sentence: "بي بي سي."
_LETTER_NAMES = frozenset({
    "إف", "إس", "إم", "إل", "إن", "إتش", "إكس", "إي", "آر", "بي", "تي", "دي", "جي",
    "جيه", "كيه", "دبليو", "واي", "زد", "يو", "سي",
})
# fmt: on
# After a number these abbreviations are era or time-of-day markers (١٤٣٧ هـ.،
# ٧٠٠ ق.م.، ١٠ ص.) and their full stop usually ends the sentence as well.
_NUMBER_MARKERS = frozenset({"م", "هـ", "ه", "ق.م", "ق.هـ", "ص", "ب.م"})
# Words that continue a sentence after such a marker: "١٤٣٧ هـ. الموافق ...".
_CONTINUATIONS = ("الموافق", "الموافقة", "الى", "إلى", "حتى", "وحتى")


def iter_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each sentence, paragraph by paragraph.

    Streaming matters for long archive dumps: a paragraph is segmented as soon
    as its line break is seen, so memory stays at one paragraph of events.
    Spans never include surrounding whitespace and never are empty.
    """
    para_start = 0
    opening = True  # no sentence seen yet: the text may open with its headline
    events: list[re.Match[str]] = []
    for match in _EVENT.finditer(text):
        if match.group()[0] in _BREAK_CHARS:
            for span in _paragraph_spans(text, para_start, match.start(), events, opening):
                opening = False
                yield span
            para_start = match.end()
            events = []
        else:
            events.append(match)
    yield from _paragraph_spans(text, para_start, len(text), events, opening)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """All sentence spans of ``text``, as ``(start, end)`` character offsets."""
    return list(iter_sentence_spans(text))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (slices of the original)."""
    return [text[start:end] for start, end in iter_sentence_spans(text)]


def _paragraph_spans(
    text: str, start: int, end: int, events: list[re.Match[str]], opening: bool
) -> Iterator[tuple[int, int]]:
    """Segment one paragraph (no line breaks inside) given its events.

    ``opening`` is true for the first paragraph with words in the text, where a
    headline joined to its body can be told by the verb that opens the body.
    """
    while start < end and text[start].isspace():
        start += 1
    if start >= end:
        return
    protected = _protected_intervals(text, start, end, events)
    cuts = [start]
    k = 0
    for match in events:
        if match.group()[0] in _QUOTE_MARKS:
            continue
        pos = match.start()
        while k < len(protected) and protected[k][1] < pos:
            k += 1
        inside = protected[k] if k < len(protected) and protected[k][0] < pos else None
        cut = _cut_after(text, start, end, match, inside)
        if cut is not None and cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(end)
    cuts = _with_layout_cuts(text, cuts, protected, opening)
    yield from _trimmed_spans(text, cuts)


def _trimmed_spans(text: str, cuts: list[int]) -> Iterator[tuple[int, int]]:
    """Spans between cut points without surrounding whitespace.

    A piece without any letter or digit (a stray ". ." after a sentence) is not
    a sentence: it is attached to the sentence before it, or dropped when it
    opens the paragraph.
    """
    pending: tuple[int, int] | None = None
    for a, b in pairwise(cuts):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a == b:
            continue
        if _WORD_CHAR.search(text, a, b) is None:
            if pending is not None:
                pending = (pending[0], b)
            continue
        if pending is not None:
            yield pending
        pending = (a, b)
    if pending is not None:
        yield pending


def _protected_intervals(
    text: str, start: int, end: int, events: list[re.Match[str]]
) -> list[tuple[int, int]]:
    """Merged ``(open, close)`` positions of quotes and brackets that pair up.

    Only pairs closed within the paragraph count, so an unbalanced quote
    protects nothing. ASCII ``"`` has no direction: it opens when it stands
    before a word and closes after one; when the context cannot tell (spaced
    tokenised text, ``بـ"كلمة``) it closes an open ``"`` or else opens one.
    """
    stack: list[tuple[str, int]] = []  # (expected closer, position)
    pairs: list[tuple[int, int]] = []
    for match in events:
        mark = match.group()
        if mark not in _QUOTE_MARKS:
            continue
        pos = match.start()
        if len(stack) == _MAX_DEPTH:
            del stack[0]  # nothing nests this deep in news: the oldest opener was stray
        if mark == "(" or mark == "[":
            stack.append((")" if mark == "(" else "]", pos))
        elif mark == ")" or mark == "]":
            _close(stack, mark, pos, pairs)
        elif mark == '"':
            if _quote_opens(text, start, end, pos, stack):
                stack.append(('"', pos))
            else:
                _close(stack, '"', pos, pairs)
        elif any(expected == mark for expected, _ in stack):
            _close(stack, mark, pos, pairs)
        else:
            stack.append((_SYMMETRIC_PAIRS[mark], pos))
    pairs.sort()
    merged: list[tuple[int, int]] = []
    for a, b in pairs:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _quote_opens(text: str, start: int, end: int, pos: int, stack: list[tuple[str, int]]) -> bool:
    """Whether the ASCII quote at ``pos`` opens a quotation (else it closes one)."""
    before = text[pos - 1] if pos > start else " "
    after = text[pos + 1] if pos + 1 < end else " "
    opens = before.isspace() or before in _OPEN_CONTEXT
    closes = after.isspace() or after in _CLOSE_CONTEXT
    if opens and closes and before.isspace() and after.isspace():
        # A spaced quote (' " '): look past the space. Punctuation after it
        # closes ('... " .'); a colon or the paragraph start before it opens.
        after = text[pos + 2] if pos + 2 < end else " "
        before = text[pos - 2] if pos - 2 >= start else ":"
        closes = after in _CLOSE_CONTEXT
        opens = before in _OPEN_CONTEXT
    if opens != closes:
        return opens
    return not any(expected == '"' for expected, _ in stack)


def _close(stack: list[tuple[str, int]], mark: str, pos: int, pairs: list[tuple[int, int]]) -> None:
    """Close the nearest open mark expecting ``mark``; unmatched openers above it
    are dropped. A closer with no opener is ignored."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == mark:
            pairs.append((stack[i][1], pos))
            del stack[i:]
            return


def _cut_after(
    text: str,
    start: int,
    end: int,
    match: re.Match[str],
    inside: tuple[int, int] | None,
) -> int | None:
    """Where the sentence ends if this punctuation run ends one, else None."""
    run = match.group()
    s, e = match.span()
    q = e
    while q < end and text[q] in _CLOSERS:
        q += 1
    if inside is not None and (q <= inside[1] or text[inside[1]] in ")]"):
        # Inside a quotation or brackets that close later, or at the end of a
        # parenthesis: "(انظر الصفحة 3.) مهم" goes on after it.
        return None
    if q < end and not text[q].isspace() and not _glued_sentences(text, start, run, s, q):
        return None  # inside a token: 3.5, www.site.com, أ.ف.ب
    if not _STRONG_FINAL.isdisjoint(run):
        # "هل يبقى؟ أم يرحل؟": a question that goes on with "or" is one sentence.
        if "!" not in run and _OR_AFTER_QUESTION.match(text, q, end):
            return None
    else:
        dots = run.count(".")
        if "…" in run or dots > 2:
            return None  # an ellipsis inside a paragraph continues the sentence
        # Two dots ("..") are how Arabic news separates sentences; one dot
        # depends on the word before it.
        if dots == 1 and not _full_stop_ends(text, start, end, s):
            return None
    return q


def _glued_sentences(text: str, start: int, run: str, s: int, q: int) -> bool:
    """A full stop with no space before an Arabic word ("العراق.وقال",
    "2.3%.وأضاف"): a typing slip common in scraped news. URLs, e-mail
    addresses and decimals continue with Latin letters or digits, and
    abbreviations (أ.ف.ب، د.محمد) have a single letter before the stop."""
    if run != "." or q != s + 1 or s - start < 2 or not _ARABIC_LETTER.match(text, q):
        return False
    before = text[s - 1]
    if before.isdigit() or before in '%)»"':
        return True
    return (
        _ARABIC_LETTER.match(before) is not None and _ARABIC_LETTER.match(text, s - 2) is not None
    )


def _full_stop_ends(text: str, start: int, end: int, s: int) -> bool:
    """Whether the single full stop at ``s`` can end a sentence, judged by the
    word before it: numbers, initials and abbreviations keep the sentence open.
    Whether it is followed by a space is checked by the caller."""
    word_end = s
    if word_end > start and text[word_end - 1] == " ":
        word_end -= 1  # tokenised text puts a space before the full stop
    word_start = word_end
    limit = max(start, word_end - _LONGEST_WORD)
    while word_start > limit and not text[word_start - 1].isspace():
        word_start -= 1
    token = text[word_start:word_end]
    word = token.lstrip(_OPENING_PUNCT)
    if not word:
        # After a spaced closing quote or bracket ('... " .') the stop ends the
        # sentence; alone at the start of a paragraph it is noise.
        return bool(token) and word_start > start
    if word in _NUMBER_MARKERS and _NUMBER.match(_previous_word(text, start, word_start)):
        return not _continues(text, s + 1, end)
    # "ه" alone is a pronoun (tokenised "رأس ه .") or, after a year, هجري.
    abbreviation = (
        (word in _LETTER_NAMES and _previous_word(text, start, word_start) not in _LETTER_NAMES)
        or word in _ABBREVIATIONS
        or _DOTTED.match(word) is not None
        or (len(word) == 1 and word != "ه" and _LETTER.match(word) is not None)
    )
    if abbreviation:
        return False
    # A number opening the paragraph or a sentence is a list item: "1. ...".
    return not (_NUMBER.match(word) and _opens_sentence(text, start, word_start))


def _opens_sentence(text: str, start: int, word_start: int) -> bool:
    j = word_start
    while j > start and text[j - 1].isspace():
        j -= 1
    return j == start or text[j - 1] in ".:؟?!؛"


def _previous_word(text: str, start: int, word_start: int) -> str:
    j = word_start
    while j > start and text[j - 1] == " ":
        j -= 1
    i = j
    limit = max(start, j - _LONGEST_WORD)
    while i > limit and not text[i - 1].isspace():
        i -= 1
    return text[i:j]


def _continues(text: str, pos: int, end: int) -> bool:
    """Whether the text after an era/time marker carries on the same sentence."""
    rest = text[pos : min(end, pos + 12)].lstrip()
    if not rest:
        return False
    return rest[0].isdigit() or rest[0] in "(-–/،," or rest.startswith(_CONTINUATIONS)


# --- news layout: headlines, datelines and bylines ---------------------------------
#
# These units end without punctuation. With their line breaks they are
# paragraphs of their own; archive dumps and tokenised corpora join them to the
# body with a space, and then only their form tells where they end. Every rule
# keys on that form (an agency credit, a date, a byline keyword, a repeated
# headline, the past-tense verb that opens a news lead), never on place names,
# and every rule needs a headline-like unit before the cut: short, without a
# comma, not ending in a word that carries the sentence on.

_LAYOUT_WINDOW = 400  # characters after a sentence start where a headline may end
_HEADLINE_MAX_WORDS = 30
_HEADLINE_MIN_WORDS = 3  # before a lead verb: "وزير الخارجية أكد" is a body sentence
_BODY_MIN_WORDS = 3  # after a lead verb, so a one-line headline is never cut
_NAME_MIN_WORDS = 2  # a byline's name before the verb that opens the body

_W = r"[\u0621-\u064a][\u0621-\u064a\u0640\u064b-\u0652]*"  # an Arabic word
_D = r"[0-9٠-٩۰-۹]"
_DASH = r"[-–—]"
_OPEN_ENDS = "-–—:/"  # a unit ending in one of these goes on
# Multi-word place names start with one of these: "نيو دلهي", "لوس أنجليس".
_PLACE_WORDS = (
    r"(?<![^\s\u200e\u200f\ufeff])"  # a word start, also after a bidi mark
    r"(?:(?:نيو|لوس|لاس|سان|سانت|ريو|بوينس|كوالا|هونغ|رام|[أا]بو|تل|شرم|الدار|دار|بور|بيت"
    rf"|دير|عين|كفر|جبل|خان|وادي|[إا]سلام|مكة|المدينة)\s+)?{_W}"
)
# A place may name its region: "رفح (قطاع غزة)", "دبي، الإمارات العربية المتحدة".
_PLACE = rf"{_PLACE_WORDS}(?:\s*\(\s*{_W}(?:\s+{_W}){{0,2}}\s*\)|\s*[،,]\s*{_W}(?:\s+{_W}){{0,3}})?"
_MONTH = (
    r"(?:يناير|فبراير|مارس|[أاإ]بريل|مايو|يونيو|يونيه|يوليو|يوليه|[أا]غسطس|سبتمبر|[أا]كتوبر|نوفمبر"
    r"|ديسمبر|كانون\s+(?:الثاني|الأول|الاول)|شباط|[آا]ذار|نيسان|[أا]يار|حزيران|تموز|آب|[أا]يلول"
    r"|تشرين\s+(?:الثاني|الأول|الاول)|جانفي|فيفري|[أا]فريل|ماي|جوان|جويلية|[أا]وت"
    r"|محرم|صفر|ربيع\s+(?:الأول|الاول|الثاني|الآخر)|جمادى\s+(?:الأولى|الاولى|الآخرة|الثانية)"
    r"|رجب|شعبان|رمضان|شوال|ذو\s+القعدة|ذو\s+الحجة)"
)
_DAY_MONTH = rf"(?:{_D}{{1,2}}|[أا]ول)\s+{_MONTH}(?:\s*{_D}{{4}})?"
_DATE = rf"(?:{_DAY_MONTH}|{_D}{{1,2}}\s*[-/.]\s*{_D}{{1,2}}(?:\s*[-/.]\s*{_D}{{2,4}})?)"
_TIME = rf"{_D}{{1,2}}\s*:\s*{_D}{{2}}"
# Agencies in their Arabic and Latin credits: أ ف ب, أ.ف.ب, اف ب, د ب أ ...
_AGENCY = (
    r"(?:[اأإ]\.?\s?ف\.?\s?ب\.?|فرانس\s?برس|رويترز|ال[أا]ناضول|د\.?\s?ب\.?\s?[اأ]|[اأ]\.?\s?ش\.?\s?[اأ]"
    r"|يو\s?بي\s?[اآأ]ي|[اأ]سوشي?تد\s?برس|سانا|واس|وام|قنا|كونا|بترا|ومع|سبأ|[اإ]رنا|شينخوا|تاس"
    r"|سبوتنيك|نوفوستي|[اإ]نترفاكس|وكالات|CNN|BBC|AFP|AP|Reuters|dpa|DPA|KUNA|SPA|WAM|QNA|MENA"
    r"|Xinhua)(?!\w)"
)
# A dateline credited to an agency or a paper opens the sentence it belongs to:
#   القاهرة ( رويترز ) -   بغداد 15-7 (أ ف ب) -   رفح (قطاع غزة) 15 - 7 (اف ب) -
#   دبي، الإمارات العربية المتحدة (CNN)--   دمشق - أ ف ب   القاهرة - «الحياة» -
#   دبي 3 مايو / شينخوا /   واشنطن/ وكالات   رويترز - بنغازي (ليبيا):
_CREDITED_DATELINE = re.compile(
    rf"(?:{_PLACE}(?:\s+{_DATE})?\s*(?:[(/]\s*{_AGENCY}\s*[)/]?"
    rf"|{_DASH}+\s*(?:{_AGENCY}|[«»\"“”]\s*[^«»\"“”\n]{{1,30}}?\s*[«»\"“”]\s*[-–—:]))"
    rf"|(?<!\S){_AGENCY}\s*{_DASH}+\s*{_PLACE}\s*:)"
    r"(?=[\s\-–—:]*\w)"  # the body follows; a credit closing a caption is no dateline
)
# A dateline of place and date alone ("بكين 3 مايو", "القاهرة 2 مايو 08:29") is a
# unit of its own: nothing links it to the body. A date that goes on
# ("3 مايو الماضي") belongs to a sentence.
_ERA = r"(?:\s*(?:هـ|ه|م)(?!\w))?"
_BARE_DATELINE = re.compile(
    rf"{_PLACE_WORDS}\s*{_DAY_MONTH}{_ERA}(?:\s+ال?موافق\s+{_DAY_MONTH}{_ERA})?(?:\s+{_TIME})?"
    rf"(?:\s*\.?\s*{_AGENCY})?(?!\w)"
    r"(?!\s*(?:[-–—/(\[,،.:؛0-9٠-٩]|هـ|ا?لموافق"
    r"|(?:الماضي|المقبل|القادم|الجاري|الحالي|من|و|إلى|الى|حتى|وحتى)(?!\w)))"
)
# A byline keyword with a colon or dash, or "بقلم"/"كتب" before a name (checked
# by _is_byline: not a definite word, a preposition or "أن").
_BYLINE = re.compile(
    r"(?<!\S)(?:(?:بقلم|كتب|كتبت|تقرير|[إا]عداد|ترجمة|حوار|تحرير|متابعة)\s*[:\-–—]"
    r"|(?:بقلم|كتب|كتبت)\s+(?=(?P<name>[\u0621-\u064a]\S*)))"
)
_TOKEN = re.compile(r"\S+")
_HEADLINE_STOPS = "،,؛;"  # a headline holds none of these
_STOP = re.compile(f"[{_HEADLINE_STOPS}]")
_GOES_ON = re.compile(r"[.؟?!][^\w\s]*\s+\w|\n\s*\w")
_CREDIT_HINT = re.compile("[(/\\-–—]")
_DAY_MONTH_HINT = re.compile(rf"(?:{_D}|ول)\s+{_MONTH}")
_DATELINE_TAIL = 80  # characters a dateline may run past its own comma
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "\u0640": None} | dict.fromkeys(map(chr, range(0x064B, 0x0653)))
)
# Words after which the sentence must go on (prepositions, particles, relatives,
# "said"): a dateline, byline or verb right after one of them is not a new unit.
# fmt: off
_BINDING = frozenset({
    "في", "من", "الى", "الي", "عن", "على", "علي", "ب", "ل", "ك", "و", "ف", "مع", "حتى", "منذ",
    "بين", "عبر", "نحو", "لدى", "قرب", "عند", "بعد", "قبل", "خلال", "ان", "لن", "لم", "لا", "ما",
    "قد", "لقد", "الذي", "التي", "الذين", "كما", "حيث", "ثم", "او", "ام", "بل", "لكن", "وقد",
    "قال", "قالت", "وقال", "وقالت", "وكالة", "لوكالة", "صحيفة", "لصحيفة", "قناة", "لقناة", "حسب",
    "بحسب", "وفق", "وفقا", "اليه", "عليه", "فيه", "منه", "هل", "اذا", "لو", "كان", "كانت",
    "عندما", "بعدما", "حينما", "كلما", "بينما", "لما", "اذ", "بحيث", "هو", "هي", "هم", "بيد",
    "حين",
})
# Past-tense verbs that open a news lead (verb first, then its subject). Forms
# that are also common nouns (عقد contract, قتل killing, تراجع decline, توقع
# expectation) are listed only in the feminine, which is unambiguous.
_LEAD_VERBS_BOTH = (
    "قال", "اعلن", "اكد", "ذكر", "راى", "تم", "افاد", "اوضح", "اشار", "صرح", "كشف", "نفى",
    "اعتبر", "ابلغ", "اورد", "شدد", "حذر", "دعا", "طالب", "ناشد", "اعرب", "ابدى", "اصدر", "اجرى",
    "التقى", "استقبل", "وصل", "غادر", "زار", "افتتح", "اختتم", "بدا", "انطلق", "شهد", "قرر",
    "وافق", "اقر", "تلقى", "اطلق", "نفذ", "لقي", "اصيب", "سقط", "اعتقل", "القى", "ضبط", "اغلق",
    "تمكن", "نجح", "فاز", "ارتفع", "انخفض", "حقق", "اثار", "اتهم", "ادان", "رحب", "جدد", "هدد",
    "توعد", "واصل", "استانف", "عاد", "قام", "اظهر", "تسبب", "اسفر", "خلص", "انتخب", "اقال",
    "استقال", "هاجم", "اقتحم", "داهم", "انفجر", "اسقط", "احبط", "الغى", "اوقف", "افرج",
    "اكتشف", "استبعد", "حصل", "تعهد", "اقترح", "انتقد",
)
_LEAD_VERBS_FEMININE_ONLY = (
    "عقد", "قتل", "نقل", "بحث", "سجل", "طلب", "نشر", "رفض", "وقع", "تراجع", "توقع", "اقدم",
    "تسلم", "تعرض", "منع", "امر", "حكم", "بث", "شن", "علم", "رفع", "ظهر", "وجه",
)
# Words that name a time, never the place of a dateline: "يوم 3 مايو", "الأحد 6 ديسمبر".
_TIME_WORDS = frozenset({
    "يوم", "اليوم", "مساء", "صباح", "ظهر", "فجر", "ليلة", "منتصف", "مطلع", "اواخر", "اوائل",
    "بتاريخ", "تاريخ", "امس", "غدا", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعة",
    "السبت", "الموافق",
})
# Words that name a source: what follows them is its name, not a dateline
# ("وكالة الأنباء السورية (سانا)").
_SOURCE_WORDS = frozenset({
    "وكالة", "لوكالة", "بوكالة", "ووكالة", "الانباء", "انباء", "صحيفة", "لصحيفة", "قناة", "لقناة",
    "موقع", "شبكة", "اذاعة", "تلفزيون", "التلفزيون", "شركة",
})
# fmt: on
_COMPLEMENTISERS = frozenset({"ان", "انه", "انها", "انهم", "بان", "بانه", "بانها", "بانهم"})
# fmt: off
_CLAUSE_MARKERS = _COMPLEMENTISERS | {
    "الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللواتي", "اللاتي",
}
# A lead verb is followed by its subject; one followed by a preposition or a
# pronoun on one ("قال فيها", "دعت إليه", "وصلت إلى") opens a relative clause.
_NOT_SUBJECTS = frozenset({
    "في", "فيه", "فيها", "فيهم", "الى", "اليه", "اليها", "اليهم", "على", "عليه", "عليها", "عليهم",
    "عن", "عنه", "عنها", "من", "منه", "منها", "منهم", "به", "بها", "بهم", "له", "لها", "لهم",
    "لهما", "مع", "معه", "معها",
})
# Prepositions that open a fronted adverbial ("في الأيام الأخيرة أعرب ..."): a
# unit that starts with one is the body's first sentence, not a headline.
_ADVERBIAL_OPENERS = frozenset({
    "في", "على", "منذ", "خلال", "بعد", "قبل", "وسط", "مع", "عند", "اثر", "عقب", "رغم", "بعيد",
    "وفي", "وبعد", "وخلال", "ومنذ", "وقبل",
})
# fmt: on


def _feminine(verb: str) -> str:
    return (verb[:-1] if verb[-1] in "اى" else verb) + "ت"


_LEAD_VERBS = frozenset(
    [verb.translate(_FOLD) for verb in _LEAD_VERBS_BOTH]
    + [_feminine(verb).translate(_FOLD) for verb in _LEAD_VERBS_BOTH + _LEAD_VERBS_FEMININE_ONLY]
)


def _with_layout_cuts(
    text: str, cuts: list[int], protected: list[tuple[int, int]], opening: bool
) -> list[int]:
    """``cuts`` with the ends of headlines, datelines and bylines added.

    The lead-verb rule is tried only on the text's first sentence, and only
    when the text goes on past a sentence end or a line break: a headline opens
    a text that has a body, while a lone sentence has no headline.
    """
    result = [cuts[0]]
    for i, (a, b) in enumerate(pairwise(cuts)):
        lead = opening and i == 0 and _GOES_ON.search(text, a) is not None
        for cut in _layout_cuts(text, a, b, lead):
            k = bisect_right(protected, (cut, len(text)))
            if result[-1] < cut < b and not (k and protected[k - 1][1] >= cut):
                result.append(cut)
        result.append(b)
    return result


def _layout_cuts(text: str, a: int, b: int, lead: bool) -> list[int]:
    """Cut points inside the sentence ``[a, b)`` where a headline, dateline or
    byline ends. Bylines, repeated headlines and lead verbs are looked for only
    in the ``lead`` sentence (a text's first), where an article puts them.

    A headline holds no comma, so nothing past the first comma is looked at
    (a dateline may still hold one: "دبي، الإمارات (CNN)"), which bounds the
    work per sentence.
    """
    while a < b and text[a].isspace():
        a += 1
    limit = min(b, a + _LAYOUT_WINDOW)
    stop_match = _STOP.search(text, a, limit)
    stop = stop_match.start() if stop_match else limit
    cuts: list[int] = []
    dateline = _first_dateline(text, a, stop, min(limit, stop + _DATELINE_TAIL), lead)
    if lead:
        head_end = dateline[0] if dateline else stop
        bylines = _BYLINE.finditer(text, a, head_end)
        byline = next((m for m in bylines if _is_byline(text, a, m)), None)
        if byline is not None:
            cuts.append(byline.start())
        repeat = _repeated_headline(text, a, byline.start() if byline else head_end)
        if repeat is not None:
            cuts.append(repeat)
        if dateline is None:
            # After a byline the words before the verb are a name, not a headline.
            after = (byline.end(), _NAME_MIN_WORDS) if byline else (a, _HEADLINE_MIN_WORDS)
            verb = _lead_verb(text, after[0], stop, b, after[1])
            if verb is not None:
                cuts.append(verb)
    if dateline is not None:
        cuts.extend(dateline)
    return sorted(pos for pos in set(cuts) if a < pos < b)


def _first_dateline(text: str, a: int, stop: int, limit: int, lead: bool) -> tuple[int, ...] | None:
    """Cut points of the first dateline that starts a sentence or follows a
    headline-like unit: its start and, for a bare place-and-date dateline, its
    end. Only a text holding a bracket, slash or dash can hold a credited one;
    a bare one is looked for only in a text's first sentence, since a place and
    a date elsewhere are part of a sentence ("وصل إلى بغداد 3 مايو")."""
    credited = _CREDIT_HINT.search(text, a, limit) is not None
    bare = lead and _DAY_MONTH_HINT.search(text, a, limit) is not None
    for regex, wanted, is_bare in (
        (_CREDITED_DATELINE, credited, False),
        (_BARE_DATELINE, bare, True),
    ):
        if not wanted:
            continue
        for match in regex.finditer(text, a, limit):
            if match.start() > stop:
                break
            # A two-word place ("المدينة المنورة") may be a headline's last
            # word and a one-word place: try the match from its second word.
            second = _TOKEN.search(text, match.start() + 1 + len(match.group().split()[0]))
            for found in (match, second and regex.match(text, second.start(), limit)):
                if found and _dateline_after_headline(text, a, found.start(), found.end()):
                    return (found.start(), found.end()) if is_bare else (found.start(),)
    return None


def _dateline_after_headline(text: str, a: int, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names a place (not a time, a source or a
    word that carries a sentence on) and opens the sentence at ``a`` or follows
    a headline-like unit there."""
    before = [w.translate(_FOLD) for w in text[max(a, start - 60) : start].split()[-4:]]
    words = [w.translate(_FOLD) for w in text[start:end].split()]
    if (
        not _SOURCE_WORDS.isdisjoint(before + words)
        or not _TIME_WORDS.isdisjoint(words)
        or _binds(words[0])
        or any(len(w) > 1 and _binds(w) for w in words)
    ):
        return False
    return start == a or _headline_before(text, a, start)


def _is_byline(text: str, a: int, match: re.Match[str]) -> bool:
    """Whether a byline keyword follows a headline and, without a colon, is
    followed by a name ("كتب محمد علي", not "كتب عليها" or "كتب الأطفال")."""
    name = match.group("name")
    if name is not None:
        folded = name.translate(_FOLD)
        if folded.startswith("ال") or folded in _NOT_SUBJECTS or folded in _CLAUSE_MARKERS:
            return False
    return _headline_before(text, a, match.start())


def _headline_before(text: str, a: int, pos: int) -> bool:
    """Whether ``text[a:pos]`` can be a headline (or byline) that ends at ``pos``."""
    unit = text[a:pos].rstrip()
    words = [w.translate(_FOLD) for w in unit.split()]
    return (
        _HEADLINE_MIN_WORDS <= len(words) <= _HEADLINE_MAX_WORDS
        and _STOP.search(unit) is None
        and unit[-1] not in _OPEN_ENDS
        and not _binds(words[-1])
        and _COMPLEMENTISERS.isdisjoint(words)
    )


def _binds(word: str) -> bool:
    """Whether the (folded) word carries the sentence on, also after the
    conjunctions و and ف ("وبعد", "فقد")."""
    return word in _BINDING or (word[:1] in "وف" and word[1:] in _BINDING)


def _repeated_headline(text: str, a: int, limit: int) -> int | None:
    """Where the text repeats its opening words: "عنوان الخبر عنوان الخبر ..." (a
    headline printed twice, the second time as the body's first line)."""
    words = list(_TOKEN.finditer(text, a, limit))
    for n in range(_HEADLINE_MIN_WORDS, len(words) // 2 + 1):
        head = text[a : words[n - 1].end()]
        second = words[n].start()
        after = second + len(head)
        if text.startswith(head, second) and (after >= len(text) or text[after].isspace()):
            return second
    return None


def _lead_verb(text: str, a: int, stop: int, b: int, min_words: int) -> int | None:
    """Start of the verb that opens the body after a headline at ``a``.

    News leads open with a past-tense verb followed by its subject ("أعلنت
    الوزارة ..."); headlines are nominal or use the present tense. So the first
    lead verb after at least ``min_words`` words is the body's start, unless
    what comes before it is itself a clause: it opens with a lead verb or a
    preposition, or holds "أن" or "الذي" (a reported or relative clause), or
    the verb follows a word that carries the sentence on, or is followed by
    "أن" or a preposition (the verb comes after its subject, or opens a
    relative clause). After a dash or colon the verb follows a dateline or
    byline whose start is unknown, and no cut is made there.
    """
    tokens = list(_TOKEN.finditer(text, a, stop))
    words = [m.group().translate(_FOLD) for m in tokens[: _HEADLINE_MAX_WORDS + 1]]
    if not words or words[0] in _ADVERBIAL_OPENERS:
        return None
    for i, word in enumerate(words):
        if word in _CLAUSE_MARKERS or (word in _LEAD_VERBS and i == 0):
            return None
        if word not in _LEAD_VERBS or i < min_words:
            continue
        if _binds(words[i - 1]) or words[i - 1][-1] in _OPEN_ENDS:
            continue
        following = text[tokens[i].end() : b].split(maxsplit=_BODY_MIN_WORDS)
        if len(following) >= _BODY_MIN_WORDS:
            subject = following[0].translate(_FOLD)
            if subject not in _COMPLEMENTISERS and subject not in _NOT_SUBJECTS:
                return tokens[i].start()
    return None
