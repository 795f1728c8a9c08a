"""Search's vocabulary and its rules, without a database: what a query's terms are, how well
a text matches them, and the few words of it a hit shows.

Chinese is written without spaces, so a term is found anywhere inside a text (台账 inside
政务公开台账不全), never by word boundaries; spaces in a query separate terms that must all be
found. Letters match whatever their case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

MAX_TERMS = 8  # a query of more terms is cut: each term is one condition of the search
MAX_TERM = 100  # characters of one term kept


class HitKind(StrEnum):
    """What a hit names: the record (or the reference entry) a search result opens."""

    ITEM = "item"  # a scoring item of the campaign, by its text or its code
    FINDING = "finding"
    PROBLEM = "problem"
    EVIDENCE = "evidence"
    INSPECTOR = "inspector"


class Rank(IntEnum):
    """How well a text matches a query; lower first."""

    EXACT = 0  # the text is the query (an item's code typed in full)
    PHRASE = 1  # the text holds the query as typed
    TERMS = 2  # the text holds each of the query's terms, apart


def terms(query: str) -> tuple[str, ...]:
    """The terms of a query: its words between spaces (the ideographic space too), in
    Unicode's composed form as everything stored is, each once, at most MAX_TERMS."""
    found: list[str] = []
    for word in unicodedata.normalize("NFC", query).split():
        term = word[:MAX_TERM]
        if term.casefold() not in {w.casefold() for w in found}:
            found.append(term)
    return tuple(found[:MAX_TERMS])


def phrase(query: str) -> str:
    """The query as typed, its terms joined by single spaces: what ranks a text first."""
    return " ".join(terms(query))


def rank(text: str, words: Sequence[str], typed: str) -> Rank | None:
    """How `text` matches the terms (None: some term is missing)."""
    folded = text.casefold()
    if not words or not all(w.casefold() in folded for w in words):
        return None
    if folded == typed.casefold():
        return Rank.EXACT
    return Rank.PHRASE if typed.casefold() in folded else Rank.TERMS


@dataclass(frozen=True)
class Snippet:
    """A few words of a text around the first match, and where the match is in them."""

    text: str
    start: int
    end: int


ELLIPSIS = "…"


def snippet(text: str, words: Sequence[str], typed: str, *, width: int = 48) -> Snippet:
    """The part of `text` a hit shows: about `width` characters around the query as typed,
    else around its first term found, on one line; "…" where the text is cut."""
    flat = " ".join(text.split())
    found = None
    for wanted in (typed, *words):
        if wanted and (found := re.search(re.escape(wanted), flat, re.IGNORECASE)) is not None:
            break
    if found is None:
        cut = flat[:width]
        return Snippet(cut + (ELLIPSIS if len(flat) > width else ""), 0, 0)
    start, end = found.span()
    before = max(0, (width - (end - start)) // 3)  # a third of the room before the match, the rest after
    first = max(0, start - before)
    last = min(len(flat), max(end, first + width))
    first = max(0, min(first, last - width))
    head = ELLIPSIS if first > 0 else ""
    tail = ELLIPSIS if last < len(flat) else ""
    return Snippet(head + flat[first:last] + tail, len(head) + start - first, len(head) + end - first)
