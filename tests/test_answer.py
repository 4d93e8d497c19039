"""Answer assembly with a scripted generator: citation checks, refusals, unsupported claims,
prompt budget and prompt-file checks. The real model is exercised in test_model.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Answer, Assistant, ConfigError
from assistant.evidence import check_answer, cited_numbers, strip_citations
from assistant.prompts import load_prompts

from .conftest import ROOT


class Scripted:
    """A Generator that replies with fixed text, split into pieces, and records its prompts."""

    name = "scripted"
    completion = False

    def __init__(self, reply: str, n_ctx: int = 2048) -> None:
        self.reply = reply
        self.n_ctx = n_ctx
        self.prompts: list[object] = []

    def count(self, text: str) -> int:
        return len(text) // 4 + 1

    def stream(self, messages: object, max_tokens: int, stop: object = None, grammar: object = None) -> Iterator[str]:
        self.prompts.append(messages)
        for i in range(0, len(self.reply), 5):
            yield self.reply[i : i + 5]


def ask_with(a: Assistant, reply: str, question: str, n_ctx: int = 2048) -> tuple[Answer, list[str], Scripted]:
    gen = Scripted(reply, n_ctx)
    a._generator = gen  # type: ignore[assignment]
    items = list(a.stream(question))
    *pieces, final = items
    assert isinstance(final, Answer) and all(isinstance(p, str) for p in pieces)
    return final, pieces, gen


def test_citations_to_passages_not_shown_are_dropped(seeded_copy: Assistant) -> None:
    ans, pieces, _ = ask_with(
        seeded_copy, "BLOOM has 176B parameters [7][1], see [1, 9].", "How many parameters does BLOOM have?"
    )
    assert "".join(pieces).startswith("BLOOM has 176B")
    assert ans.mode == "generated" and not ans.abstained
    assert "[7]" not in ans.text and "[9]" not in ans.text
    assert [c.number for c in ans.citations] == [1]
    assert "BLOOM" in ans.citations[0].text and ans.citations[0].libraries == ("Tony",)


def test_citations_keep_order_of_first_mention() -> None:
    assert cited_numbers("a [3] b [1, 3] c [2]") == [3, 1, 2]
    assert strip_citations("x [4] y [2; 9].", {2, 4}) == "x [4] y [2]."


def test_model_refusal_is_an_abstention(seeded_copy: Assistant) -> None:
    ans, _, _ = ask_with(seeded_copy, "The abstracts do not answer this question.", "How many parameters does BLOOM have?")
    assert ans.abstained and ans.mode == "abstained" and not ans.citations
    assert "does not seem to hold" in ans.text and "- " in ans.text  # names the closest abstracts


def test_unsupported_number_falls_back_to_a_quoted_sentence(seeded_copy: Assistant) -> None:
    ans, _, _ = ask_with(seeded_copy, "BLOOM has 500B parameters [1].", "How many parameters does BLOOM have?")
    assert ans.mode == "extractive" and not ans.abstained
    assert "500B" not in ans.text and "“" in ans.text
    assert "176B" in ans.text and ans.citations and "BLOOM" in ans.citations[0].text


def test_uncited_supported_answer_gets_its_source(seeded_copy: Assistant) -> None:
    ans, _, _ = ask_with(seeded_copy, "BLOOM has 176B parameters.", "How many parameters does BLOOM have?")
    assert ans.mode == "generated" and ans.text.endswith("]")
    assert "BLOOM" in ans.citations[0].text


def test_weak_evidence_abstains_without_calling_the_model(seeded_copy: Assistant) -> None:
    ans, pieces, gen = ask_with(seeded_copy, "Paris [1].", "What is the capital of France?")
    assert ans.abstained and not gen.prompts
    assert "".join(pieces) == ans.text


def test_prompt_fits_a_small_context(seeded_copy: Assistant) -> None:
    long_q = "How many parameters does BLOOM have? " + "BLOOM open-access language model parameters. " * 40
    ans, _, gen = ask_with(seeded_copy, "BLOOM has 176B parameters [1].", long_q, n_ctx=400)
    messages = gen.prompts[0]
    assert isinstance(messages, list)
    used = sum(gen.count(m["content"]) for m in messages)
    assert used <= 400 - seeded_copy.settings.answer.max_tokens
    assert ans.retrieved  # at least one passage survived the trimming


def test_check_answer_catches_names_and_numbers_not_in_sources() -> None:
    src = ["BLOOM is a 176B-parameter open-access language model trained on the ROOTS corpus."]
    assert check_answer("BLOOM has 176B parameters.", "How many parameters does BLOOM have?", src).supported
    bad = check_answer("BLOOM has 300B parameters from Google.", "How many parameters does BLOOM have?", src)
    assert not bad.supported and "300B" in bad.unsupported
    echo = check_answer("BLOOM has parameters.", "How many parameters does BLOOM have?", src)
    assert not echo.responsive


@pytest.mark.parametrize(
    ("answer", "question", "wrong"),
    [
        ("176B [1]", "How many programming languages is BLOOM trained on?", ["176B"]),
        ("13 [1]", "How many programming languages is BLOOM trained on?", []),
        ("It has 176B parameters.", "How many parameters does BLOOM have?", []),
        ("107 [1]", "How many characters does the refreshed mC4 corpus contain?", ["107"]),
        ("29 trillion [1]", "How many characters does the refreshed mC4 corpus contain?", []),
        ("107 [1]", "How many languages does the refreshed mC4 corpus cover?", []),
        ("107 [1]", "What does the refreshed mC4 corpus contain?", []),  # not a count question: not judged here
    ],
)
def test_a_count_must_be_a_count_of_what_was_asked(answer: str, question: str, wrong: list[str]) -> None:
    src = [
        "BLOOM is a 176B-parameter open-access language model. It was trained on the ROOTS corpus, a dataset "
        "comprising hundreds of sources in 46 natural and 13 programming languages (59 in total).",
        "We release a refreshed mC4 multilingual corpus consisting of 29 trillion characters across 107 languages.",
    ]
    check = check_answer(answer, question, src)
    assert list(check.unsupported) == wrong and check.supported == (not wrong)


def test_prompt_files_are_checked_when_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    folder.mkdir()
    for f in (ROOT / "prompts").glob("*.txt"):
        (folder / f.name).write_text(f.read_text())
    load_prompts(folder)
    (folder / "question.txt").write_text("Abstracts: {passages}")
    with pytest.raises(ConfigError, match=r"question\.txt: missing placeholder\(s\) \{question\}"):
        load_prompts(folder)
    (folder / "question.txt").write_text("{passages} {question} {mood}")
    with pytest.raises(ConfigError, match=r"unknown placeholder\(s\) \{mood\}"):
        load_prompts(folder)
    (folder / "question.txt").unlink()
    with pytest.raises(ConfigError, match="cannot be read"):
        load_prompts(folder)
