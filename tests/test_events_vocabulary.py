"""Tokens keep only the word forms some dictionary can look up (``lexicon.lookup_keys``).

That makes the coder twice as fast on distinct news, and it is a contract for
anyone extending the coder: a new word set or phrase index must still match
every inflected form of its words, and a shipped dictionary must match text
tokenised before the dictionary was first used.
"""

from __future__ import annotations

import subprocess
import sys

from camel_tools.tokenizers.word import simple_word_tokenize

from pipeline.events.lexicon import PhraseIndex, dictionary_key, lookup_keys, tokenize


def test_a_new_word_set_matches_inflected_forms_of_a_word_no_dictionary_lists():
    oranges = lookup_keys({dictionary_key("برتقال")})  # no shipped dictionary has "oranges"
    tokens = tokenize("وبالبرتقال والبرتقالات")
    assert all(t.nominal & oranges for t in tokens)


def test_a_new_phrase_index_matches_clitics_and_plural_of_its_phrase():
    index: PhraseIndex[str] = PhraseIndex()
    index.add("بستان الزيتون", "grove")  # built before the text is tokenised
    matches = index.find_all(tokenize("زار الوفد وبستان الزيتون ثم عاد."))
    assert [(m.value, m.start, m.end) for m in matches] == [("grove", 2, 4)]


def test_shipped_dictionaries_match_tokens_made_before_their_first_use():
    """In a fresh process the first tokenize() happens before any dictionary is
    compiled; the actor must still be found."""
    script = (
        "from pipeline.events.lexicon import tokenize\n"
        "text = 'وقالت وزارة الدفاع الروسية إن طائراتها قصفت مواقع'\n"
        "tokens = tokenize(text)\n"
        "from pipeline.events.actors import find_actors\n"
        "print(' '.join(m.code for m in find_actors(tokens, text)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    assert "RUSMIL" in done.stdout.split()


def test_tokens_are_camel_tools_tokens_also_around_punctuation_and_emoji():
    texts = [
        "قال: «لن نتراجع»، ثم غادر...",
        "(الأناضول) - 15/6/2016، الساعة 10:30؛ 20%",
        "مبروك👍🏽 للجميع🇸🇦! رقم 1️⃣ و👨‍👩‍👧 عائلة",
        "كلمة،كلمة؟كلمة!!",
        "#وسم @حساب https://example.com/a?b=c",
    ]
    for text in texts:
        assert [t.text for t in tokenize(text)] == simple_word_tokenize(text), text
