"""The admission check's quick paths admit exactly what its full ones admit (db.admission):
a payload read at once is the payload the full reading returns, and a payload whose texts the
quick look passes has no text the full look refuses. A merge takes the quick paths for almost
every version, so a difference would let through what the rules refuse."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import admission, canonical

# Characters that make normalisation matter: combining marks (in and out of order), letters
# they compose with, Hangul jamo, singletons NFC never keeps, compatibility ideographs, the
# ASCII that JSON escapes, control characters, and CJK as in the inspectors' findings.
TRICKY = [
    "a", "e", "n", "A", "<", "=", ">", '"', "\\", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", " ",
    "\u0301", "\u0303", "\u0323", "\u0307", "\u0338", "\u0345", "\u1100", "\u1161", "\u11a8", "\uac00",
    "\u212b", "\u2126", "\uf900", "\u00e9", "\u1e0b", "\u0344", "\u0958", "检", "查", "员", "\u3099", "\u304b",
]
texts = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=12)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
payloads = st.dictionaries(texts, values, max_size=6)


def _full(text: str) -> object:
    try:
        return admission._parse_fully(text)
    except admission.Inadmissible as exc:
        return ("refused", exc.rule)


def _spellings(value: dict[str, object]) -> list[str]:
    """The payload as the canonical encoding spells it, and as others might."""
    return [
        json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")),  # canonical but for NFC
        json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":")),  # escaped
        json.dumps(value, ensure_ascii=False, separators=(",", ":")),  # unsorted
        json.dumps(value, sort_keys=True, ensure_ascii=False),  # spaced
        unicodedata.normalize("NFD", json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))),
    ]


@settings(max_examples=600, deadline=None)
@given(payloads)
def test_a_payload_read_at_once_is_the_one_the_full_reading_admits(value) -> None:
    for text in _spellings(value):
        quick = admission._canonical_at_once(text)
        if quick is not None:
            assert _full(text) == quick, text
        assert (admission.parse_payload(text) if quick is not None else _full(text)) == _full(text)


@settings(max_examples=300, deadline=None)
@given(payloads)
def test_a_canonical_payload_is_read_at_once_when_it_is_flat_enough(value) -> None:
    text = canonical.dumps(value)
    if text.count("{") + text.count("[") <= admission.MAX_DEPTH and unicodedata.is_normalized("NFC", text):
        assert admission._canonical_at_once(text) == canonical.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1.5}', '{"a":NaN}', '{"a":Infinity}', '{"a":1,"a":2}', '{"b":1,"a":2}', '{"a": 1}', "[1]", '"a"', "null",
        '{"a":"\\u00e9"}', '{"a":"e\u0301"}', '{"a":"\u212b"}', '{"a":"\uf900"}', '{"a":"\u1100\u1161"}',
        '{"a":"q\u0307\u0323"}', '\ufeff{"a":1}', '{"a":1} ', '{"a":"\\ud800"}', '{"a":' * 9 + "1" + "}" * 9,
        '{"a":[[[[[[[[1]]]]]]]]}', '{"a":"x\x01"}', '{"\u212b":1}',
    ],
)
def test_texts_the_quick_reading_leaves_to_the_full_one(text) -> None:
    assert admission._canonical_at_once(text) is None
    with pytest.raises(admission.Inadmissible):
        admission.parse_payload(text)


@settings(max_examples=600, deadline=None)
@given(payloads, st.sampled_from(["inspector", "signer_name", "text", "document", "comment"]), st.integers(0, 6000))
def test_texts_passed_at_once_are_texts_the_full_look_passes(value, key, length) -> None:
    value = {**value, key: "检" * length}
    if admission._texts_admitted(value):
        assert all(admission.check_text(k, v) is None for k, v in admission._texts(value))


@pytest.mark.parametrize(
    "payload",
    [
        {"inspector": "检查员1", "text": "x" * (admission.MAX_TEXT + 1)},
        {"inspector": "检查员1", "text": "a\x01b"},
        {"inspector": "检查员1", "text": "a\x7fb"},
        {"inspector": "检查员1", "x" * (admission.MAX_TEXT + 1): "a"},
        {"inspector": "检查员1", "list": ["a\x1fb"]},
        {"inspector": "检查员1", "nested": {"k\x02": "v"}},
        {"inspector": "检" * (admission.MAX_NAME + 1)},
    ],
)
def test_what_the_quick_look_cannot_pass_the_full_one_refuses(payload) -> None:
    assert not admission._texts_admitted(payload)
    assert any(admission.check_text(k, v) for k, v in admission._texts(payload)), payload
