"""End to end with the real shipped GGUF model and the seed libraries."""

from __future__ import annotations

import pytest

from assistant import Answer, Assistant

pytestmark = pytest.mark.model


def test_bloom_parameters_are_answered_and_cite_the_bloom_abstract(seeded: Assistant) -> None:
    ans = seeded.ask("How many parameters does BLOOM have?")
    assert not ans.abstained
    assert "176" in ans.text
    assert ans.citations and ans.citations[0].libraries == ("Tony",)
    assert "BLOOM" in ans.citations[0].text
    assert all(f"[{c.number}]" in ans.text for c in ans.citations)


@pytest.mark.parametrize("question", ["What is the capital of France?", "Who won the 2022 FIFA World Cup?"])
def test_questions_outside_the_library_abstain(seeded: Assistant, question: str) -> None:
    ans = seeded.ask(question)
    assert ans.abstained and not ans.citations
    assert "does not seem to hold" in ans.text
    assert "Paris" not in ans.text and "Argentina" not in ans.text


def test_stream_yields_text_then_the_answer(seeded: Assistant) -> None:
    items = list(seeded.stream("How many languages does the refreshed mC4 corpus cover?"))
    *pieces, final = items
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Answer)
    assert final.timings["first_token"] > 0


def test_follow_up_retrieves_with_the_conversation(seeded: Assistant) -> None:
    chat = seeded.chat()
    first = chat.ask("How many parameters does BLOOM have?")
    assert "176" in first.text
    follow = chat.ask("and how many languages?")
    assert follow.retrieved and "BLOOM" in follow.retrieved[0].text
    assert len(chat.history) == 2


def test_library_filter_applies_to_answers(seeded: Assistant) -> None:
    ans = seeded.ask("How many parameters does BLOOM have?", library="Alex")
    assert all("Alex" in c.libraries for c in ans.retrieved)
    assert "176" not in ans.text or ans.abstained
