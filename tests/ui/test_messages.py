"""What a refused write tells the user: the rule it broke and what to do, in Chinese."""

from __future__ import annotations

from db.errors import NotAdmitted
from desktop.ui.messages import explain


def test_a_refused_score_says_the_range_and_step(zh: bool) -> None:
    text = explain(NotAdmitted("/tmp/f.db", "value", "not written: score 1.3 for item 1.1.1 must be a multiple of 0.5"))
    assert ("步长 0.5" if zh else "steps of 0.5") in text
    assert "组长" not in text  # not the lead-only message


def test_a_laptop_importing_the_leads_scores_is_told_to_do_it_on_the_master(zh: bool) -> None:
    text = explain(NotAdmitted("/tmp/f.db", "lead_only", "not written: a field laptop wrote a method_score"))
    assert ("汇总库" if zh else "master") in text


def test_every_rule_has_its_own_words(zh: bool) -> None:
    from db import admission

    generic = explain(NotAdmitted("/tmp/f.db", "entity", "x"))
    for rule in ("owner", "lead_only", "value", "text", "name", "clock"):
        assert explain(NotAdmitted("/tmp/f.db", rule, "x")) != generic, rule
    assert set(admission.RULES) >= {"owner", "lead_only", "value", "text", "name", "clock"}


def test_every_reason_a_visit_is_refused_has_its_own_words(zh: bool) -> None:
    """desktop.core.visits' codes, each said in the window's words, its limit from the rule."""
    from desktop.core import visits
    from desktop.ui.messages import visit_problem

    said = {code: visit_problem(code) for code in visits.CODES}
    assert len(set(said.values())) == len(visits.CODES) and all(said[c] != c for c in visits.CODES)
    assert str(visits.MAX_PLACE) in said["place_long"] and str(visits.MAX_DAYS) in said["too_long"]
