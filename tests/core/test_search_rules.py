"""Search's rules without a database: a query's terms, how a text ranks, the words a hit shows."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from desktop.core import search
from desktop.core.search import Rank


def test_terms_are_the_words_between_spaces_each_once() -> None:
    assert search.terms("  台账  公开\u3000栏目 台账 ") == ("台账", "公开", "栏目")  # the ideographic space too
    assert search.terms("PDF pdf") == ("PDF",)
    assert search.terms("") == search.terms(" \u3000 ") == ()
    assert len(search.terms(" ".join(str(n) for n in range(20)))) == search.MAX_TERMS
    assert search.terms("e\u0301") == ("\u00e9",)  # composed, as everything stored is
    assert search.phrase(" 台账   不全 ") == "台账 不全"


def test_rank_whole_text_then_as_typed_then_each_term() -> None:
    assert search.rank("台账缺失", ("台账缺失",), "台账缺失") is Rank.EXACT
    assert search.rank("政务公开台账不全", ("台账",), "台账") is Rank.PHRASE
    assert search.rank("台账不全,公开栏缺失", ("公开", "台账"), "公开 台账") is Rank.TERMS
    assert search.rank("台账不全", ("台账", "目录"), "台账 目录") is None
    assert search.rank("Report.PDF", ("pdf",), "pdf") is Rank.PHRASE  # letters whatever their case


def test_a_snippet_is_cut_around_the_match_and_says_where_it_is() -> None:
    text = (
        "试点县区按照“应公开、尽公开”要求全面梳理试点领域涉及的公开事项,在结合本地实际的基础上编制公开目录,"
        "政务公开台账不全,需要在下一次检查之前补充完整并报送领导小组"
    )
    cut = search.snippet(text, ("台账",), "台账", width=20)
    assert cut.text.startswith("…") and cut.text.endswith("…")
    assert cut.text[cut.start:cut.end] == "台账"
    assert len(cut.text) <= 22
    whole = search.snippet("政务公开台账不全", ("台账",), "台账")
    assert (whole.text, whole.start, whole.end) == ("政务公开台账不全", 4, 6)
    lines = search.snippet("第一行\n第二行 台账", ("台账",), "台账")
    assert lines.text == "第一行 第二行 台账" and lines.text[lines.start:lines.end] == "台账"
    assert search.snippet("没有", ("台账",), "台账") == search.Snippet("没有", 0, 0)


@given(st.text(alphabet="台账公开栏目不全 ab", min_size=0, max_size=120), st.sampled_from(["台账", "公开", "栏", "ab", "不全 台账"]))
def test_a_snippet_always_holds_its_match(text: str, query: str) -> None:
    words = search.terms(query)
    cut = search.snippet(text, words, search.phrase(query), width=16)
    if search.rank(text, words, search.phrase(query)) is not None and " ".join(text.split()) == text:
        shown = cut.text[cut.start:cut.end]
        assert shown.casefold() in {w.casefold() for w in (*words, search.phrase(query))}
    assert unicodedata.is_normalized("NFC", cut.text)
