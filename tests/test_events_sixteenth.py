"""Sixteenth pass of the event coder (issue 7): the wrong actors the fifteenth
pass left.

Members of a list that visit, host, mediate or praise are not each other's
partners (only agreeing, meeting, negotiating and cooperating are done with
each other); an event word right after a preposition written apart (``في
قصف``) is a noun whose agent follows it, not a verb whose subject is the
victims before it; a word written with the teh marbuta (``رحلة``, "a trip")
is no verb (``رحّله``, "deported him"); ``ادّعى`` ("claimed") is no
appeal (``دعا``). Every sentence is our own, written
for the rule it exercises; each rule is paired with a sentence that must keep
its old coding.
"""

from __future__ import annotations

from datetime import date

from pipeline.events import CODER_VERSION
from tests.event_readers import pairs, readers

PUBLISHED = date(2018, 3, 14)
coded, violent, protests = readers(PUBLISHED)


def test_the_coder_version_says_the_output_changed():
    assert CODER_VERSION == "akhbar-events-1.5"


# --- members of a list ----------------------------------------------------------------------

def test_a_list_that_welcomes_something_does_not_welcome_its_own_members():
    events = coded("ورحبت فرنسا وألمانيا بالاتفاق الجديد.")
    assert {e.event_code for e in events} == {"051"}
    assert pairs(events) == {("FRA", None), ("DEU", None)}


def test_a_list_that_hosts_guests_does_not_host_its_own_members():
    events = coded("على أن تستقبلهم لاحقا السويد والنرويج والدنمارك.")
    assert not {(e.source.code, e.target.code) for e in events} & {
        ("SWE", "NOR"), ("NOR", "SWE"), ("SWE", "DNK"), ("DNK", "SWE"), ("NOR", "DNK"),
        ("DNK", "NOR")}


def test_a_list_that_agrees_still_agrees_with_each_other():
    events = coded("واتفقت فرنسا وألمانيا على تعزيز التعاون بينهما.")
    assert {("FRA", "DEU"), ("DEU", "FRA")} <= pairs(events)


# --- an event noun after a preposition --------------------------------------------------------

def test_the_victims_before_a_bombing_after_a_preposition_are_not_its_source():
    events = violent("قتل ستة أشخاص معظمهم من المدنيين في قصف قام به المسلحون على السوق.")
    assert "CVL" not in {e.source.code for e in events}
    assert "UAF" in {e.source.code for e in events}


def test_a_raid_after_a_preposition_takes_its_genitive_as_agent():
    events = violent("قتل عشرة مدنيين في قصف للجيش على القرية.")
    assert "CVL" not in {e.source.code for e in events}
    assert "MIL" in {e.source.code for e in events}


def test_an_actor_that_succeeds_in_killing_is_still_the_killer():
    events = violent("نجح الجيش في قتل عشرة مسلحين.")
    assert ("MIL", "UAF") in pairs(events)


# --- a claim is not an appeal ----------------------------------------------------------------

def test_men_who_claim_an_allegiance_do_not_appeal_to_it():
    for text in ("وانضم مسلحون يدّعون الانتماء لتنظيم داعش إلى القتال.",
                 "وانضم مسلحون يدَّعون الانتماء لتنظيم داعش إلى القتال."):
        assert not [e for e in coded(text) if e.root_code == "02"]


def test_a_government_that_claimed_a_link_does_not_appeal_to_it():
    events = coded("وادعت الحكومة العراقية علاقة تنظيم داعش بالهجوم.")
    assert not [e for e in events if e.root_code == "02"]


def test_a_call_for_talks_is_still_an_appeal():
    events = coded("ودعت الحكومة العراقية المسلحين إلى الحوار.")
    assert "IRQGOV" in {e.source.code for e in events if e.root_code == "02"}


# --- a trip is not a deportation ------------------------------------------------------------

def test_a_trip_is_not_a_deportation():
    assert not [e for e in coded("وألغت السلطات الإيطالية رحلة الطلاب إلى روما.")
                if e.event_code == "174"]


def test_a_deportation_verb_is_still_coded():
    events = coded("ورحلت السلطات المصرية صحافيا بريطانيا.")
    assert ("EGYGOV", "GBRMED") in {(e.source.code, e.target.code) for e in events
                                    if e.event_code == "174"}
