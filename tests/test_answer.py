"""Answer assembly with a scripted generator: sentence-by-sentence checks, citations, refusals,
quotes, lists and comparisons, prompt budget and prompt-file checks. The real model is exercised
in test_model.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Answer, Assistant, ConfigError
from assistant.answer import _on_subject, _point_compared, recased, spelled_only
from assistant.chat import Retrieved
from assistant.check import (
    SentenceBuffer,
    check_sentence,
    cited_numbers,
    copied_from,
    counted_numbers,
    counts_elsewhere,
    echoed,
    repetitive,
    units_elsewhere,
    units_spelled,
    unsupported,
    without_citations,
)
from assistant.evidence import Sentence, contradicts, decide, deciding, denies, focus_phrase, reverses, substitutes
from assistant.kinds import kind_of, stands_for
from assistant.plan import (
    _naming,
    about,
    about_then,
    answer_wanted,
    compounds,
    expansions,
    listed_with,
    mentions,
    offers,
    quote_for,
    set_aside,
)
from assistant.prompts import load_prompts
from assistant.text import WordSet, spells_out, terms
from assistant.types import Passage

from .conftest import ROOT


class Scripted:
    """A Generator that replies with fixed text, split into pieces, and records its prompts."""

    name = "scripted"
    completion = False
    prefills = True

    def __init__(self, reply: str, n_ctx: int = 2048, later: tuple[str, ...] = ()) -> None:
        self.reply = reply
        self.n_ctx = n_ctx
        self.prompts: list[object] = []
        self.later = list(later)  # replies to the answer prompts after the first, in turn

    def count(self, text: str) -> int:
        return len(text) // 4 + 1

    def special_tokens(self) -> frozenset[str]:
        return frozenset({"<|im_start|>", "<|im_end|>"})

    def stream(
        self, messages: object, max_tokens: int, stop: object = None, grammar: object = None, prefill: str = ""
    ) -> Iterator[str]:
        reply = self.reply
        answering = "Write a title" not in str(messages)
        if answering and self.later and any("Write a title" not in str(m) for m in self.prompts):
            reply = self.later.pop(0)
        self.prompts.append(messages)
        for i in range(0, len(reply), 5):
            yield reply[i : i + 5]


def answer_prompts(gen: Scripted) -> list[object]:
    """The prompts that asked for an answer (not for a label of an abstract)."""
    return [m for m in gen.prompts if "Write a title" not in str(m)]


def ask_with(a: Assistant, reply: str, question: str, n_ctx: int = 2048) -> tuple[Answer, list[str], Scripted]:
    gen = Scripted(reply, n_ctx)
    a._generator = gen  # type: ignore[assignment]
    items = list(a.stream(question))
    first, *pieces, final = items
    assert isinstance(first, Retrieved) and first == ""
    assert isinstance(final, Answer) and all(isinstance(p, str) for p in pieces)
    return final, pieces, gen


def test_stream_opens_with_what_was_retrieved_and_shows_only_checked_text(seeded_copy: Assistant) -> None:
    ans, pieces, _ = ask_with(
        seeded_copy,
        "BLOOM has 176B parameters [7][1]. It was trained by Google on 900B tokens [1].",
        "How many parameters does BLOOM have?",
    )
    assert "".join(pieces).strip() == ans.text  # nothing shown is taken back or replaced
    assert ans.text.startswith("BLOOM has 176B parameters") and "Google" not in ans.text and "900B" not in ans.text
    assert ans.mode == "generated" and [s.origin for s in ans.statements] == ["model"]
    assert [c.number for c in ans.citations] == [1] and "[7]" not in ans.text
    assert "BLOOM" in ans.citations[0].text and ans.citations[0].libraries == ("Tony",)


def test_a_plural_answered_with_part_of_a_list_quotes_the_sentence_for_the_rest(seeded_copy: Assistant) -> None:
    # '... on language modeling on the C4 data-set as well as text classification on the SuperGLUE data-set'
    ans, pieces, _ = ask_with(
        seeded_copy, "N-Grammer was evaluated on the C4 data-set [1].", "What datasets was N-Grammer evaluated on?"
    )
    assert "".join(pieces).strip() == ans.text
    assert [s.origin for s in ans.statements] == ["model", "quote"] and "SuperGLUE" in ans.statements[1].text, ans.text
    # asked for one thing, the answer stands alone
    ans, _, _ = ask_with(
        seeded_copy, "N-Grammer was evaluated on the C4 data-set [1].", "What dataset was N-Grammer evaluated on?"
    )
    assert [s.origin for s in ans.statements] == ["model"], ans.text


def test_a_model_sentence_restating_the_last_is_not_shown_twice(seeded_copy: Assistant) -> None:
    said = "Nano models are used for applications ranging from complex reasoning tasks to on-device memory-constrained use-cases [1]."
    again = (
        "They are suitable for applications ranging from complex reasoning tasks to on-device memory-constrained use-cases [1]."
    )
    # (the reply goes on from the answer's opening, the name asked about)
    ans, pieces, _ = ask_with(seeded_copy, f"{said.removeprefix('Nano')} {again}", "What are Nano models used for?")
    assert "".join(pieces).strip() == ans.text
    assert ans.text.startswith("Nano models are used") and "They are suitable" not in ans.text, ans.text


def test_model_refusal_is_an_abstention(seeded_copy: Assistant) -> None:
    ans, _, _ = ask_with(seeded_copy, "The abstracts do not answer this question.", "How many parameters does BLOOM have?")
    assert ans.abstained and ans.mode == "abstained" and not ans.citations
    assert "does not seem to hold" in ans.text and "- " in ans.text  # names the closest abstracts


def test_a_fact_quote_is_first_offered_to_the_model_to_say_in_its_own_words(seeded_copy: Assistant) -> None:
    gen = Scripted("BLOOM has 500B parameters [1].", later=("BLOOM is a model with 176B parameters [1].",))
    seeded_copy._generator = gen  # type: ignore[assignment]
    *_, ans = list(seeded_copy.stream("How many parameters does BLOOM have?"))
    assert isinstance(ans, Answer) and ans.mode == "generated" and "500B" not in ans.text
    assert ans.text.startswith("BLOOM is a model with 176B parameters") and [c.number for c in ans.citations] == [1]
    rephrase = [m for m in answer_prompts(gen) if "Answer the question in one or two short sentences of your own" in str(m)]
    assert len(rephrase) == 1 and "176B-parameter" in str(rephrase[0])  # shown the quote it would have fallen back to


def test_the_second_part_of_a_two_part_question_gets_its_sentence(seeded_copy: Assistant) -> None:
    q = "What is UniMax, and what problem with language sampling does it address?"
    # (the model goes on from the prefilled name)
    ans, pieces, _ = ask_with(seeded_copy, " is a new sampling method with more uniform coverage of head languages [1].", q)
    assert ans.text.startswith("UniMax is a new sampling method") and ans.mode == "generated"
    assert "heuristic temperature-based sampling" in ans.text  # the problem it addresses, quoted from its abstract
    assert "".join(pieces).strip() == ans.text


def test_unsupported_number_falls_back_to_a_quoted_sentence(seeded_copy: Assistant) -> None:
    ans, pieces, _ = ask_with(seeded_copy, "BLOOM has 500B parameters [1].", "How many parameters does BLOOM have?")
    assert ans.mode == "extractive" and not ans.abstained
    assert "500B" not in "".join(pieces) and "“" in ans.text
    assert "176B" in ans.text and ans.citations and "BLOOM" in ans.citations[0].text
    assert [s.origin for s in ans.statements] == ["quote"]


def test_uncited_or_wrongly_cited_sentence_gets_the_abstract_that_holds_it(seeded_copy: Assistant) -> None:
    ans, _, _ = ask_with(seeded_copy, "BLOOM has 176B parameters [3].", "How many parameters does BLOOM have?")
    assert ans.mode == "generated" and "BLOOM" in ans.citations[0].text and ans.text.endswith("].")


def test_weak_evidence_abstains_without_calling_the_model(seeded_copy: Assistant) -> None:
    ans, pieces, gen = ask_with(seeded_copy, "Paris [1].", "What is the capital of France?")
    assert ans.abstained and not answer_prompts(gen)
    assert "".join(pieces) == ans.text


def test_a_count_nobody_gives_is_abstained(seeded_copy: Assistant) -> None:
    ans, _, gen = ask_with(seeded_copy, "GPT-4o has 200B parameters [1].", "How many parameters does GPT-4o have?")
    assert ans.abstained and not answer_prompts(gen)


def test_which_benchmarks_or_who_is_answered_by_a_name_or_not_at_all(seeded_copy: Assistant) -> None:
    q = "Which datasets make up the 10 node classification tasks used to test ACM?"
    ans, _, _ = ask_with(seeded_copy, "ACM was tested on the 10 node classification tasks of ACM-augmented baselines [1].", q)
    assert ans.abstained  # the sentence holds, but names no dataset: the abstract names none
    ans, _, _ = ask_with(
        seeded_copy, "The agent was built with a bottleneck mechanism [1].", "Who built the MiniGrid planning agent?"
    )
    assert ans.abstained
    ans, _, _ = ask_with(seeded_copy, "BLOOM was trained on the ROOTS corpus [1].", "What corpus was BLOOM trained on?")
    assert ans.mode == "generated" and "ROOTS" in ans.text
    # a kind of thing that has no name may be answered in words, by the sentence that speaks of it
    q = "Which operation do the ACM papers use to deal with harmful heterophily?"
    ans, _, _ = ask_with(seeded_copy, "ACM deals with it by quantum annealing [1].", q)
    assert not ans.abstained and "diversification operation" in ans.text, ans.text
    # nor does a quote that names something else: the mC4 corpus UniMax releases is no benchmark
    q = "Which multilingual benchmarks was UniMax evaluated on?"
    ans, _, _ = ask_with(seeded_copy, "UniMax was evaluated on the UniMax sampling checkpoints [1].", q)
    assert ans.abstained, ans.text


def test_an_abstention_after_the_model_ran_names_its_closest_abstracts_apart(seeded_copy: Assistant) -> None:
    def write(text: str) -> str:  # the model's titles, as it wrote them for the two ACM abstracts
        return "Revisiting heterophily metrics" if "post-aggregation" in text else "Similarity metrics for heterophily"

    seeded_copy._write_title = write  # type: ignore[method-assign]
    q = "Which datasets make up the 10 node classification tasks used to test ACM?"
    assert not seeded_copy.plan(q).abstain  # the model runs, and what it says names no dataset
    ans, pieces, _ = ask_with(
        seeded_copy, "ACM was tested on the 10 node classification tasks of ACM-augmented baselines [1].", q
    )
    assert ans.abstained and "".join(pieces) == ans.text
    assert "Revisiting heterophily metrics" in ans.text and "Similarity metrics for heterophily" in ans.text
    assert "Adaptive Channel Mixing (ACM) (Alex)" not in ans.text  # not two papers under one name


def test_explanation_keeps_supported_sentences_and_drops_the_rest(seeded_copy: Assistant) -> None:
    reply = (  # the reply opens with the thing's name (prefilled), the model goes on from it
        " is a sampling method for multilingual pretraining [1]. It gives head languages more uniform coverage "
        "and caps repeats of each language's corpus [1]. UniMax was invented at Stanford in 1998 [1]."
    )
    ans, pieces, _ = ask_with(seeded_copy, reply, "What is UniMax?")
    assert ans.kind == "explain" and ans.mode == "generated"
    assert ans.text.startswith("UniMax is a sampling method") and "Stanford" not in "".join(pieces)
    # two sentences of the model's held; the explanation goes on, up to four sentences, with the
    # abstract's best new sentences, quoted
    assert [s.origin for s in ans.statements] == ["model", "model", "quote", "quote"]
    assert all(s.citations == (1,) for s in ans.statements)


def test_what_a_sentence_is_about_must_be_in_its_source() -> None:
    src = "Optic atrophy 1 (OPA1) regulates cristae structure; OPA1 senses energy substrate availability."
    q = "How does OPA1 gene therapy protect retinal ganglion cells?"
    assert "therapi" in unsupported(
        "OPA1 gene therapy is a novel way in which OPA1 senses energy substrate availability.", q, src
    )
    assert not unsupported("OPA1 is a protein that senses energy substrate availability.", q, src)


def test_a_sentence_citing_two_abstracts_may_not_credit_one_things_words_to_another() -> None:
    med = (
        "Large language models have demonstrated impressive capabilities. The resulting model, Med-PaLM, performs "
        "encouragingly, but remains inferior to clinicians. Human evaluation reveals key gaps in Flan-PaLM responses."
    )
    moe = (
        "In this paper, we introduce Flan-MoE, a set of Instruction-Finetuned Sparse Mixture-of-Expert models. We show "
        "that naive finetuning is worse. However, our Flan-MoE outperforms dense models under multiple experiment "
        "settings: instruction-finetuning only and instruction-finetuning followed by task-specific finetuning."
    )
    sources = {1: med, 2: moe}
    q = "How does Med-PaLM compare with Flan-PaLM?"
    transplanted = "Med-PaLM outperforms Flan-PaLM under multiple experiment settings: instruction-finetuning only [1][2]."
    verdict = check_sentence(transplanted, q, sources)
    assert not verdict.kept and "said of something other than Med-PaLM" in verdict.why
    # said of the thing that sentence names, it holds
    assert check_sentence("Flan-MoE outperforms dense models under multiple experiment settings [2].", q, sources).kept


def test_what_an_abstract_says_of_its_own_system_is_not_credited_to_one_it_names_in_passing() -> None:
    # found using the chat: "How is GPT-4o different from GPT-4 Turbo?" was answered "GPT-4 Turbo is
    # especially better at vision and audio understanding compared to existing models [1]"
    src = (
        "GPT-4o is an autoregressive omni model that accepts as input any combination of text, audio, image, "
        "and video. GPT-4o can respond to audio inputs in as little as 232 milliseconds. It matches GPT-4 Turbo "
        "performance on text in English and code, while also being much faster and 50% cheaper in the API. "
        "GPT-4o is especially better at vision and audio understanding compared to existing models."
    )
    q = "How is GPT-4o different from GPT-4 Turbo?"
    verdict = check_sentence(
        "GPT-4 Turbo is especially better at vision and audio understanding than existing models [1].", q, {1: src}
    )
    assert not verdict.kept and "said of gpt-4o" in verdict.why
    assert not check_sentence("GPT-4 Turbo can respond to audio inputs in as little as 232 milliseconds [1].", q, {1: src}).kept
    # what the sentence naming GPT-4 Turbo says, and anything said of GPT-4o, holds
    assert check_sentence("GPT-4o matches GPT-4 Turbo performance on text in English and code [1].", q, {1: src}).kept
    assert check_sentence(
        "GPT-4o is especially better at vision and audio understanding than existing models [1].", q, {1: src}
    ).kept
    # a thing named once, as a variant ('Flan-PaLM-62B'): only that sentence speaks of it
    moe = (
        "The explosive growth of language models has led to an increased demand for efficient and scalable methods. "
        "In this paper, we introduce Flan-MoE, a set of Instruction-Finetuned Sparse Mixture-of-Expert models. "
        "However, our Flan-MoE outperforms dense models under multiple experiment settings. Specifically, our largest model, Flan-MoE-32B, surpasses the performance of Flan-PaLM-62B on four "
        "benchmarks, while utilizing only one-third of the FLOPs."
    )
    q = "How does Flan-MoE compare with Flan-PaLM?"
    assert not check_sentence("Flan-PaLM outperforms dense models under multiple experiment settings [1].", q, {1: moe}).kept
    assert check_sentence("Flan-MoE-32B surpasses the performance of Flan-PaLM-62B on four benchmarks [1].", q, {1: moe}).kept
    # a thing the abstract names in two or more sentences is what it is about: left to the other checks
    ul2r = (
        "In this paper, we propose UL2R, a method that substantially improves existing language models and their "
        "scaling curves with a relatively tiny amount of extra compute. We continue training PaLM with UL2R, "
        "introducing a new set of models which we call U-PaLM. U-PaLM achieves the same performance at half the cost."
    )
    line = "U-PaLM is a method that improves existing language models and their scaling curves with a relatively tiny amount of extra compute [1]."
    assert check_sentence(line, "What is U-PaLM?", {1: ul2r}).kept


def test_who_wrote_a_paper_and_when_are_answered_from_its_record(seeded_copy: Assistant) -> None:
    from assistant.plan import record_field

    assert record_field("Who wrote the BLOOM paper?") == record_field("Who are the authors of UniMax?") == "authors"
    assert (
        record_field("When was the OpenViDial paper published?") == record_field("In what year did NLX-GPT come out?") == "year"
    )
    for other in ("Who in my library writes about GNNs?", "When was BLOOM trained?", "Who won the 2022 FIFA World Cup?"):
        assert record_field(other) is None, other
    seeded_copy.ingest(ROOT / "tests" / "fixtures" / "formats" / "mendeley_rm.bib", library="Ann")
    ans = seeded_copy.ask("Who wrote the NLX-GPT paper?")
    assert not ans.abstained and ans.mode == "extractive"
    assert "Fawaz Sammani, Tanmoy Mukherjee and Nikos Deligiannis [1]" in ans.text
    assert [c.title for c in ans.citations] == [
        "NLX-GPT: A Model for Natural Language Explanations in Vision and Vision-Language Tasks"
    ]
    assert "2020 as the year of OpenViDial" in seeded_copy.ask("When was the OpenViDial paper published?").text
    # in a conversation, 'it' is the paper the previous answer cited
    chat = seeded_copy.chat()
    first = chat.ask("What is NLX-GPT?")
    assert first.citations and first.citations[0].title.startswith("NLX-GPT")
    assert "Fawaz Sammani" in chat.ask("Who wrote it?").text
    # 'Who made it?' asks for its makers too (it was answered from another paper's "careful ablation studies")
    assert (
        record_field("Who made it?") == record_field("Who is behind Flan-MoE?") == record_field("Who built BLOOM?") == "authors"
    )
    assert "Fawaz Sammani" in chat.ask("Who made it?").text
    # the seed abstracts come without authors: the record says nothing, and the answer says so
    bloom = seeded_copy.ask("Who wrote the BLOOM paper?")
    assert bloom.abstained and bloom.text == "Your library's record of BLOOM gives no authors, and its abstract does not say."
    assert bloom.retrieved[0].label == "BLOOM"
    # a record that lacks the authors is still the paper the conversation is on: 'its' year is asked of it
    assert record_field("Who are its authors?") == record_field("Who is the first author?") == "authors"
    assert record_field("What year is it from?") == "year" and record_field("Who are the authors working on?") is None
    chat = seeded_copy.chat()
    chat.ask("What does the Lingvo paper say?")
    assert (
        chat.ask("Who are its authors?").text
        == "Your library's record of Lingvo gives no authors, and its abstract does not say."
    )
    assert (
        chat.ask("What year is it from?").text == "Your library's record of Lingvo gives no year, and its abstract does not say."
    )


def test_a_list_line_may_not_say_the_topic_the_abstract_does_not() -> None:
    src = (
        "High breast cancer mortality rates have been reported in the northeastern United States. The authors "
        "investigate whether the high mortality is evenly spread over the Northeast."
    )
    topic = "breast cancer spreading to the bones"
    # the line's prompt told the model its paper is on the topic; "bones" is the prompt's, not the abstract's
    assert echoed("This paper investigates the spread of breast cancer to bones.", topic, src) == ["bone"]
    assert echoed("This paper investigates whether breast cancer mortality is evenly spread.", topic, src) == []


def test_another_derivation_of_a_word_the_abstract_uses_is_the_abstracts() -> None:
    # Snowball stems 'inflammation' to 'inflamm' but 'anti-inflammatory' to 'inflammatori'
    src = "A food-grade bacterium delivered an anti-inflammatory protein of F. prausnitzii to the gut of mice with colitis."
    topic = "a friendly gut bacterium that calms inflammation"
    assert echoed("This paper shows a gut bacterium that reduces inflammation in mice.", topic, src) == []
    assert echoed("This paper shows a gut bacterium that calms the gut.", topic, src) == ["calm"]
    assert not unsupported("The bacterium delivered a protein against inflammation to the gut of mice.", "What does it do?", src)
    # a word only beginning like one of the abstract's is not it ('general' is not 'generation')
    assert "general" not in WordSet(["generat"]) and "gene" not in WordSet(["generat"])
    assert "inflamm" in WordSet(["inflammatori"]) and "inflammatori" in WordSet(["inflamm"])


def test_a_possessive_in_the_model_sentence_is_not_a_word_of_its_own() -> None:
    src = "To serve Smart Compose, we constructed novel serving infrastructure for high-throughput and real-time inference."
    q = "What kind of inference is Smart Compose's serving infrastructure built for?"
    assert not unsupported("Smart Compose's serving infrastructure is built for high-throughput and real-time inference.", q, src)


def test_a_number_is_checked_with_its_unit() -> None:
    src = "We audited 29 lung cancer patients awaiting radical treatment; the median wait was 12 weeks (range 2-30 days)."
    assert units_elsewhere("Patients waited for 29 years.", src) == ["29 year"]  # 29 counts patients
    assert not units_elsewhere("The median wait was 12 weeks, at most 30 days.", src)
    assert "29 year" in unsupported("Lung cancer patients were awaiting radical treatment for 29 years.", "How long?", src)


def test_a_number_is_not_given_to_what_another_abstract_is_about() -> None:
    audit = "We report a single-centre prospective audit of 29 lung cancer patients awaiting radical radiotherapy."
    delays = "We studied 83 patients with lung cancer and the delays from their first symptoms to treatment."
    sources = {1: audit, 2: delays}
    q = "How many patients were in the lung cancer audit?"
    # 'audit' is the first abstract's word: the second abstract's 83 is not the audit's count
    assert not check_sentence("83 patients were in the lung cancer audit [2].", q, sources).kept
    assert check_sentence("29 patients were in the lung cancer audit [1].", q, sources).kept
    # a question word that no abstract uses is not judged (a paraphrase, 'enrolled')
    assert check_sentence("83 patients with lung cancer were enrolled [2].", "How many patients were enrolled?", sources).kept


def test_a_number_is_not_given_to_another_name_of_the_same_sentence() -> None:
    src = {
        1: "Flan-PaLM achieves state-of-the-art accuracy on every MultiMedQA multiple-choice dataset (MedQA, "
        "MedMCQA, PubMedQA, MMLU clinical topics), including 67.6% accuracy on MedQA."
    }
    q = "What accuracy did Flan-PaLM reach on MedMCQA?"
    assert not check_sentence("Flan-PaLM reached 67.6% accuracy on MedMCQA [1].", q, src).kept
    assert check_sentence("Flan-PaLM reached 67.6% accuracy on MedQA [1].", q, src).kept


def test_a_fact_about_a_named_thing_rests_on_an_abstract_naming_it(seeded: Assistant) -> None:
    # BLOOM's abstract has a licence, Lingvo's none: a licence quoted from BLOOM's says nothing of Lingvo
    plan = seeded.plan("What license is Lingvo released under?")
    on = _on_subject(plan)
    assert on and all("Lingvo" in s.passage.text for s in on) and len(on) < len(plan.shown)
    # and the library cannot say: the abstract naming Lingvo never speaks of a licence
    assert plan.abstain and "license" in plan.reason
    assert not seeded.plan("What license are BLOOM's models and code released under?").abstain
    # the thing asked about is a noun, not a passive verb: 'What is Med-PaLM compared against ...?'
    assert not seeded.plan("What is Med-PaLM compared against in the medical evaluation?").abstain


def test_a_sentence_the_model_broke_off_is_dropped() -> None:
    src = {1: "The Ghana trial gave lipid-based nutrient supplements to pregnant women."}
    q = "Does the review agree with the Ghana trial?"
    for broken in ("Ghana trial is [2", "The Ghana trial gave supplements to the", "The trial (in Ghana gave supplements"):
        v = check_sentence(broken, q, src)
        assert not v.kept and v.why == "unfinished", broken
    assert check_sentence("The Ghana trial gave supplements to pregnant women [1].", q, src).kept


def test_a_copied_sentence_is_shown_as_a_quote_of_the_source(seeded_copy: Assistant) -> None:
    source = seeded_copy.search("UniMax sampling method", k=1)[0].text
    sentence = next(s for s in source.split(". ") if "UniMax, that delivers" in s)
    ans, _, _ = ask_with(seeded_copy, sentence + ".", "What is UniMax?")
    assert ans.mode == "extractive" and all(s.origin == "quote" for s in ans.statements)
    assert ans.text.startswith("“") and "UniMax, that delivers" in ans.statements[0].text


def test_a_quote_that_points_back_comes_with_the_sentence_before_it(seeded_copy: Assistant) -> None:
    ans, _, _ = ask_with(seeded_copy, " was invented at Stanford in 1998 [1].", "What is Med-PaLM?")
    assert ans.mode == "extractive" and "Stanford" not in ans.text
    first = ans.statements[0].text
    # "The resulting model, Med-PaLM, ..." is quoted with the sentence saying what it results from
    assert "The resulting model, Med-PaLM" in first and first.index("instruction prompt tuning") < first.index("The resulting")


def test_an_explanation_pointing_back_is_completed_with_what_it_points_to(seeded_copy: Assistant) -> None:
    reply = (
        "RNN-T is more robust than attention-based systems in this regime [1]. Combining these two improvements, "
        "attention-based end-to-end models can be very competitive to RNN-T on long-form speech recognition [1]."
    )
    q = "What does the long-form speech recognition study find when it pits RNN-T against attention-based models, and how does it narrow the gap?"
    ans, _, _ = ask_with(seeded_copy, reply, q)
    assert ans.kind == "explain"
    assert [s.origin for s in ans.statements][:3] == ["model", "model", "quote"]
    # "these two improvements" are the abstract's sentence before the one the model took its words from
    assert "monotonic" in ans.statements[2].text and "overlapping segments" in ans.statements[2].text


def test_a_question_whose_what_is_a_verbs_subject_asks_about_no_noun() -> None:
    assert focus_phrase("What motivated the design of the N-Grammer?") == []
    assert focus_phrase("What pretrained model checkpoints were released with UniMax?")[-1] == "checkpoint"
    # nor does a present participle after its subject name one ('resting'); a noun in -ing alone does
    assert focus_phrase("The authors claim it is scalable. What is that claim resting on?") == []
    assert focus_phrase("What is the training of Flan-MoE based on?") == ["train"]
    src = "The costs of large Transformers are prohibitive. We propose a modification inspired by statistical language modeling."
    # 'designed' is the model's own glue here, not the thing asked about echoed from the question
    assert not unsupported(
        "The N-Grammer was designed as a modification inspired by statistical language modeling.",
        "What motivated the design of the N-Grammer?",
        src + " We evaluate our model, the N-Grammer, on C4.",
    )


def test_a_statistic_asked_for_is_a_number_and_a_section_label_is_no_name() -> None:
    q = "What was the median time from first symptoms to the start of treatment?"
    assert answer_wanted(q) == "number"
    assert answer_wanted("What pooled relative risk of congenital anomalies was found?") == "number"
    assert answer_wanted("What resolution did the cryo-EM reconstruction reach?") == "number"
    assert answer_wanted("What kind of graphs were the metrics tested on?") is None
    # a structured abstract's 'CONCLUSIONS' opens the sentence: it answers nothing
    conclusion = "CONCLUSIONS Lung cancer patients experience substantial delays from symptoms to treatment."
    assert not offers(conclusion, "Which patients experience delays?", "name")
    assert offers("RESULTS The median time was 138 days.", q, "number")


def test_a_quote_answers_a_which_question_only_when_it_names_something(seeded_copy: Assistant) -> None:
    q = "Which model acts as the automatic grader for SimpleQA answers?"
    assert answer_wanted(q) == "name" and answer_wanted("In what kind of environments was it tested?") is None
    assert not offers("Each answer in SimpleQA is graded as either correct, incorrect, or not attempted.", q, "name")
    assert offers("Lingvo is a Tensorflow framework.", "Which deep learning framework is Lingvo built on?", "name")
    assert offers("It saves 4.4 million TPUv4 hours.", "How many TPUv4 hours does U-PaLM save?", "number")
    # the model's invented grader fails the check; no sentence it was shown names a grader: abstain
    ans, _, _ = ask_with(seeded_copy, "GPT-4 acts as the automatic grader for SimpleQA answers [1].", q)
    assert ans.abstained and "GPT-4" not in ans.text


def test_when_nothing_the_model_wrote_holds_the_sentence_it_drew_on_is_quoted(seeded_copy: Assistant) -> None:
    q = "What broader lesson does the Flan-MoE paper draw for designing large language models?"
    # the question's words echoed back fail the check; the words the model added point to a sentence
    reply = (
        "Flan-MoE draws a broader lesson for designing large language models by emphasizing the importance of "
        "instruction-finetuning, which is essential for MoE models [1]."
    )
    ans, _, _ = ask_with(seeded_copy, reply, q)
    assert ans.mode == "extractive" and "draws a broader lesson" not in ans.text
    assert ans.text.startswith("“However, our Flan-MoE outperforms dense models")  # with the sentence it points back to
    assert "This shows that instruction-finetuning is an essential stage for MoE models." in ans.text
    # 'what is X' still gets the sentence that defines X, whatever the model read
    ans, _, _ = ask_with(seeded_copy, "Med-PaLM is a 540-billion parameter LLM, built using Flan-PaLM [1].", "What is Med-PaLM?")
    assert "instruction prompt tuning" in ans.text.split("”")[0]


def test_a_factual_question_answered_with_an_account_goes_on_like_an_explanation(seeded_copy: Assistant) -> None:
    q = "What kind of reinforcement learning agent does the MiniGrid paper present?"
    ans, _, _ = ask_with(seeded_copy, "The MiniGrid paper presents a model-based deep reinforcement learning agent [1].", q)
    assert ans.kind == "fact" and [s.origin for s in ans.statements] == ["model", "quote"]
    # an answer that is a name stays one sentence
    q = "What does ACM stand for in the work on heterophily in graph neural networks?"
    ans, _, _ = ask_with(seeded_copy, "ACM stands for Adaptive Channel Mixing [1].", q)
    assert [s.origin for s in ans.statements] == ["model"]


def test_list_writes_one_checked_line_per_paper(seeded_copy: Assistant) -> None:
    reply = " proposes Adaptive Channel Mixing (ACM) to handle harmful heterophily in GNNs."
    ans, _pieces, gen = ask_with(seeded_copy, reply, "Which papers in the library are about graph neural networks?")
    assert ans.kind == "list" and not ans.abstained
    lines_asked = [m for m in gen.prompts if isinstance(m, list) and m[-1]["content"].startswith("Abstract [")]
    assert len(lines_asked) == 2  # one short call per paper (other calls write the two papers' labels)
    lines = ans.text.splitlines()
    assert len(lines) == 2 and all(line.startswith("- ") for line in lines)
    assert sorted(c.number for c in ans.citations) == [1, 2]
    assert all("Graph Neural Networks" in c.text for c in ans.citations)


def test_a_library_asked_about_as_a_whole_is_listed_paper_by_paper(seeded_copy: Assistant) -> None:
    alex = set(seeded_copy.index.library_ids("Alex"))
    ans, pieces, gen = ask_with(seeded_copy, " presents a system for training models.", "What papers does Alex have?")
    assert ans.kind == "list" and not ans.abstained
    assert pieces[0] == f"Alex's library holds {len(alex)} papers:\n"  # shown first, before any line
    assert {c.doc_id for c in ans.citations} == alex  # every paper of his, each once
    assert len([line for line in ans.text.splitlines() if line.startswith("- ")]) == len(alex)
    lines_asked = [m[-1]["content"] for m in gen.prompts if isinstance(m, list) and m[-1]["content"].startswith("Abstract [")]
    assert lines_asked and not any("about " in m.split("\n\n")[-1] for m in lines_asked)  # no topic to say it is about
    # a library nobody has: said so, not every paper listed
    ben = seeded_copy.ask("What papers does Ben have?")
    assert ben.abstained and ben.text == "Your collection has no library called 'Ben' (the libraries: Alex, Tony)."
    assert seeded_copy.plan("Which of Ben's papers are about safety?").abstain
    everyone = seeded_copy.plan("How many papers are in my library?")
    assert everyone.query.kind == "list" and everyone.contents == len(seeded_copy.index.library_ids(None))
    # no topic, and a word that points back to one out of the blue: nothing to list
    assert seeded_copy.plan("Which papers are about them?").abstain
    # a line is about its paper: one the model opens with 'It' says so
    reply = " is short. It also proposes new metrics based on a similarity matrix."
    ans, _, _ = ask_with(seeded_copy, reply, "What papers does Alex have?")
    assert "This paper also proposes new metrics" in ans.text and "- It " not in ans.text


def test_list_with_no_paper_on_the_topic_abstains(seeded_copy: Assistant) -> None:
    ans, _, gen = ask_with(seeded_copy, "x", "Which papers in the library are about autonomous driving?")
    assert ans.abstained and not answer_prompts(gen)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What have I saved on systems that suggest text to people while they are typing?", "Smart Compose"),
        ("Which papers evaluate how factually accurate language models' answers are?", "SimpleQA"),
        # one clause of a long sentence says it ('..., and experiment configurations are centralized')
        ("Do I have anything on keeping the settings of experiments together in one place?", "Lingvo"),
    ],
)
def test_a_list_topic_in_other_words_finds_the_paper_that_says_it(seeded: Assistant, question: str, expected: str) -> None:
    # no paper uses every word of the topic; one sentence of the paper says much the same
    plan = seeded.plan(question)
    assert not plan.abstain and plan.query.kind == "list"
    assert expected in " ".join(p.text for p in plan.passages[:2])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How is SimpleQA designed so that answers are easy to grade?", "Second, responses are easy to grade"),
        (
            "What did the Flan 2022 authors make publicly available to help others do instruction-tuning research?",
            "publicly available at",
        ),
    ],
)
def test_the_sentence_that_answers_ranks_above_those_naming_the_subject(seeded: Assistant, question: str, expected: str) -> None:
    # words in many of an abstract's sentences ('SimpleQA', 'instruction tuning') cannot tell them
    # apart; the word in one sentence ('grade', 'accelerate research') can (sentence IDF)
    plan = seeded.plan(question)
    top = plan.evidence.sentences[0][0].text
    assert expected in top, top


def test_an_answer_goes_on_with_the_sentence_on_what_it_has_not_said_yet(seeded: Assistant) -> None:
    # answered from the ablation sentence, what is left of the question is the mixing of prompt
    # types: the sentence on mixed prompt settings comes before the next one on ablations
    plan = seeded.plan("What did the Flan 2022 ablations reveal about mixing prompt types during training?")
    said = set(
        terms("Through careful ablation studies on the Flan Collection, Flan 2022 reveals that Flan-T5 outperforms prior work.")
    )
    first = plan.evidence.unsaid(0, said)[0].text
    assert "mixed prompt settings" in first, first
    # with none of the question's words said, the ranking is the question's own
    assert plan.evidence.unsaid(0, set()) == plan.evidence.sentences[0]


def test_the_library_asked_within_is_no_point_of_a_comparison(seeded: Assistant) -> None:
    plan = seeded.plan("In Tony's library, how are SimpleQA and the Flan 2022 collection made available to others?")
    assert plan.query.kind == "compare"
    point = _point_compared(plan)
    assert "avail" in point and not point & {"toni", "librari"}, point


def test_a_claim_about_every_case_is_no_when_the_abstract_says_it_of_most(seeded: Assistant) -> None:
    # 'exceed the state-of-the-art GNNs on most of the tasks' does not make 'on every single task' true
    plan = seeded.plan("Does ACM beat state-of-the-art GNNs on every single task?")
    assert plan.query.kind == "yesno" and plan.decision == "No"
    assert seeded.plan("Does ACM beat state-of-the-art GNNs on most tasks?").decision == "Yes"


def test_a_comparison_asked_the_other_way_round_is_no_and_quotes_the_way_it_goes(seeded: Assistant) -> None:
    # 'Overall, we show that U-PaLM outperforms PaLM on many few-shot setups ...'
    plan = seeded.plan("Does PaLM outperform U-PaLM?")
    assert plan.query.kind == "yesno" and plan.decision == "No"
    quote = quote_for(plan.query, plan.shown[0], plan.evidence)
    assert quote is not None and "U-PaLM outperforms PaLM" in quote.text, quote
    plan = seeded.plan("Does U-PaLM outperform PaLM?")
    assert plan.decision == "Yes"
    quote = quote_for(plan.query, plan.shown[0], plan.evidence)  # the sentence that says so, not one naming both
    assert quote is not None and "U-PaLM outperforms PaLM" in quote.text, quote


def test_a_thing_named_only_as_a_part_is_not_defined_by_the_whole() -> None:
    # 'This report outlines the safety work carried out for the OpenAI o1 ..., including safety
    # evaluations, external red teaming, and Preparedness Framework evaluations.'
    src = next(line for line in (ROOT / "seeds" / "alex.txt").read_text().splitlines() if "o1 model series" in line)
    q = "What is the Preparedness Framework?"
    said = "The Preparedness Framework is a comprehensive evaluation of the safety work carried out for the OpenAI o1 models."
    assert any("Preparedness Framework" in m for m in unsupported(said, q, src))
    # the abstract's own subject, defined in its words, holds
    assert not unsupported("The o1 model series is trained with large-scale reinforcement learning.", "What is o1?", src)


def test_a_sentence_turning_its_abstracts_comparison_round_is_unsupported() -> None:
    # the GPT-4o abstract: 'It matches GPT-4 Turbo performance ..., while also being much faster'
    src = next(line for line in (ROOT / "seeds" / "tony.txt").read_text().splitlines() if "GPT-4o is an autoregressive" in line)
    q = "Is that faster than GPT-4 Turbo?"
    assert "GPT-4" in " ".join(unsupported("GPT-4 Turbo is faster than GPT-4o.", q, src))
    assert not unsupported("GPT-4o is faster than GPT-4 Turbo.", q, src)
    assert not unsupported("GPT-4o is much faster than GPT-4 Turbo in the API.", q, src)
    assert not [m for m in unsupported("GPT-4 Turbo is not faster than GPT-4o.", q, src) if "other way" in m]


def test_a_sentence_denying_what_is_asked_makes_it_no(seeded: Assistant) -> None:
    # '... without requiring human-written chain-of-thoughts or answers'
    plan = seeded.plan("Does Deliberative Alignment need human-written chains of thought?")
    assert plan.query.kind == "yesno" and plan.decision == "No"
    quote = quote_for(plan.query, plan.shown[0], plan.evidence)  # the sentence the No rests on
    assert quote is not None and "without requiring human-written" in quote.text, quote
    assert seeded.plan("Does Deliberative Alignment teach the model safety specifications?").decision == "Yes"
    late = "Late rapamycin reduced mossy fiber sprouting and epilepsy but not neurogenesis or neuronal death."
    assert denies(late, "Does late rapamycin prevent neuronal death?")
    assert not denies(late, "Does late rapamycin reduce epilepsy?")
    # a gap is no finding; a negation the question makes itself is no denial of it
    assert not denies("It is not known whether CIMT can serve as a marker of risk.", "Can CIMT serve as a marker of risk?")
    edws = "We compared devascularization without splenectomy (EDWS) with the modified procedure."
    assert not denies(edws, "Devascularization without splenectomy: safe and effective?")


def test_a_closing_finding_denying_what_is_asked_makes_it_no() -> None:
    # the best sentence is background; the closing finding denies what the question asks
    texts = [
        "Delays in time to primary treatment (TPT) after diagnosis of breast cancer are common.",  # best
        "We reviewed 1,200 patients treated between 2000 and 2010.",
        "Delayed TPT did not affect overall survival on univariate and multivariate analyses.",
    ]
    sentences = [Sentence(0, i, t, 1.0 - i / 10, 0.0, 0.0) for i, t in enumerate(texts)]
    question = "Delays in time to primary treatment after a diagnosis of breast cancer: does it impact survival?"
    found = deciding(sentences, question)
    assert found is not None and found.position == 2 and decide(sentences, question) == "No"
    affirmed = [*sentences[:2], Sentence(0, 2, "Delayed TPT shortened overall survival.", 0.8, 0.0, 0.0)]
    assert deciding(affirmed, question) is None and decide(affirmed, question) == "Yes"


def test_a_number_the_abstract_gives_otherwise_makes_it_no(seeded: Assistant) -> None:
    # '175B' is in no abstract: not a reason to abstain when U-PaLM's says '8B, 62B, and 540B scale'
    plan = seeded.plan("Were the U-PaLM models introduced at 8B, 62B and 175B scales?")
    assert not plan.abstain and plan.decision == "No"
    assert seeded.plan("Were the U-PaLM models introduced at 8B, 62B and 540B scales?").decision == "Yes"
    assert contradicts("a corpus of 29 trillion characters across 107 languages", "Does it span 59 languages?")
    # 59 of something else ('59 in total'), or a number in a name, is no other number of languages
    assert not contradicts("46 natural and 13 programming languages (59 in total)", "Does BLOOM cover 59 languages?")
    assert not contradicts("GPT-4o is faster than GPT-4 Turbo", "Is GPT-4o 2 times faster?")


def _ranked(*texts: str) -> list[Sentence]:
    return [Sentence(0, i, t, 1.0 - i / 10, 0.0, 0.0) for i, t in enumerate(texts)]


def test_another_name_in_the_place_of_the_one_asked_makes_it_no(seeded: Assistant) -> None:
    # Gemini's abstract says 'Ultra, Pro, and Nano sizes' and never 'Mini'
    plan = seeded.plan("Is the Gemini family made up of Ultra, Pro and Mini models?")
    assert not plan.abstain and plan.decision == "No"
    assert seeded.plan("Is the Gemini family made up of Ultra, Pro and Nano models?").decision == "Yes"
    cryo = _ranked("Here we report the structure of the 26S proteasome determined by cryo-electron microscopy.")
    assert substitutes(cryo, "Was the structure of the 26S proteasome determined by X-ray crystallography?")
    bloom = _ranked("BLOOM is a decoder-only Transformer language model trained on the ROOTS corpus.")
    assert substitutes(bloom, "BLOOM uses an encoder-decoder Transformer, right?")
    # the question's thing written another way, an abbreviation in brackets, or nothing in its
    # place (the abstract is silent, not saying No); a title's capitals name nothing
    rac = _ranked("Rac1 activity was required for the cadherin-stimulated proliferation.")
    assert not substitutes(rac, "Has Rac1 been shown to be required for E-cadherin-stimulated proliferation?")
    refs = _ranked("We compared Approved Doctors (ADs) and Medical Referees (MRs) when they assess fitness.")
    assert not substitutes(refs, "Do approved doctors and medical referees in the UK assess fitness alike?")
    assert not substitutes(bloom, "Was BLOOM trained on the ROOTS corpus in France?")
    recovery = _ranked("Use of the Recovery Knowledge Inventory in southeastern Australia raised questions.")
    assert not substitutes(recovery, "Recovery Outcome Measures: Is There a Place for Culture?")


def test_a_verb_of_making_between_two_names_is_answered_by_the_sentence_naming_both(seeded_copy: Assistant) -> None:
    # the abstract never says 'built'; 'Lingvo is a Tensorflow framework' is what can say yes or no
    q = "Is Lingvo built on TensorFlow?"
    assert not seeded_copy.plan(q).abstain
    ans, _, _ = ask_with(seeded_copy, "Lingvo is built on TensorFlow [1].", q)
    assert ans.text.startswith("Yes. “Lingvo is a Tensorflow framework")
    assert seeded_copy.plan("Is Lingvo built on PyTorch?").abstain  # a name no abstract uses
    assert seeded_copy.plan("Is Gemini Nano open-sourced?").abstain  # a word of its own, which no abstract says


def test_a_yes_no_quote_shows_what_is_asked_when_the_closing_finding_does_not(seeded: Assistant) -> None:
    from assistant.plan import quote_for

    plan = seeded.plan("Is BLOOM open-access?")
    quote = quote_for(plan.query, plan.shown[0], plan.evidence)
    assert quote is not None and "176B-parameter open-access language model" in quote.text
    # a closing finding that says it stays the quote
    plan = seeded.plan("Does UniMax outperform temperature-based sampling?")
    quote = quote_for(plan.query, plan.shown[0], plan.evidence)
    assert quote is not None and quote.text.startswith("We find that UniMax outperforms standard temperature-based sampling")


def test_a_count_of_only_some_or_the_other_thing_chosen_makes_it_no() -> None:
    gemini = _ranked("Gemini Ultra advances the state of the art in 30 of 32 of these benchmarks.")
    assert decide(gemini, "Did Gemini Ultra beat the state of the art on all 32 benchmarks?") == "No"
    assert decide(gemini, "Did Gemini Ultra beat the state of the art on 30 of the 32 benchmarks?") == "Yes"
    # 'not all' says of some cases only, and is no 'all'
    ubi = _ranked("In most, but not all, of these examples, ubiquitination of a protein leads to its degradation.")
    assert decide(ubi, "Does ubiquitination of a protein always lead to its degradation?") == "No"
    # 'only' these, where the abstract's list has more
    graded = _ranked("Each answer in SimpleQA is graded as either correct, incorrect, or not attempted.")
    assert decide(graded, "Are SimpleQA answers graded only as correct or incorrect?") == "No"
    english = "Was the model trained only on English text?"
    assert decide(_ranked("The model was trained on English and French text."), english) == "No"
    assert decide(_ranked("The model, trained on English text, beats GPT-3."), english) == "Yes"  # a clause, no list
    o1 = _ranked("The o1 model series is trained with large-scale reinforcement learning to reason.")
    assert decide(o1, "Was o1 taught to reason by supervised imitation rather than reinforcement learning?") == "No"
    assert decide(o1, "Was o1 taught to reason by reinforcement learning rather than supervised imitation?") == "Yes"


def test_a_ranking_the_other_way_round_or_a_number_given_elsewhere_makes_it_no(seeded: Assistant) -> None:
    # 'on par with or better than' is one claim, not a choice between two things
    plan = seeded.plan("Does Med-PaLM perform on par with or better than clinicians?")
    assert plan.query.kind == "yesno" and plan.decision == "No"  # '... but remains inferior to clinicians'
    assert seeded.plan("Does Med-PaLM perform worse than clinicians?").decision == "Yes"
    assert reverses("X outperformed Y on every task.", "Is X worse than Y?")
    assert not reverses("X was non-inferior to Y.", "Is X better than Y?")
    # reaching a level, matching, rivalling: the same claim ('Did Med-PaLM reach the level of
    # clinicians?' was answered Yes, quoting 'remains inferior to clinicians')
    inferior = "The resulting model, Med-PaLM, performs encouragingly, but remains inferior to clinicians."
    assert reverses(inferior, "Did Med-PaLM reach the level of clinicians?") and reverses(
        inferior, "Does Med-PaLM match clinicians?"
    )
    audit = _ranked(
        "We report a prospective audit of 29 lung cancer patients awaiting radical radiotherapy.",
        "Therefore, 21% of potentially curable patients became incurable on the waiting list.",
    )
    asked = "Did about 40% of potentially curable patients become incurable while waiting?"
    assert decide(audit, asked) == "No" and decide(audit, asked.replace("40%", "21%")) == "Yes"


def test_a_compound_of_the_word_asked_for_counts_as_the_word(seeded: Assistant) -> None:
    # BLOOM's abstract says 'a dataset comprising hundreds of sources': it speaks of its data
    assert not seeded.plan("What data was BLOOM trained on?").abstain
    # Gemini's abstract says nothing of its data, in any word
    plan = seeded.plan("What data was Gemini trained on?")
    assert plan.abstain and "'data'" in plan.reason
    known = {"set", "line"}.__contains__
    assert compounds("data", ["dataset"], known) and not compounds("mode", ["model"], known)
    assert not compounds("part", ["particular"], known)


def test_a_paper_admitted_by_meaning_is_quoted_with_the_sentence_that_says_the_topic(seeded_copy: Assistant) -> None:
    # the model's line fails; the quote is the sentence whose phrase says the topic, not the paper's
    # contribution sentence ('This document outlines the underlying design of Lingvo ...')
    ans, _, _ = ask_with(seeded_copy, "x", "Do I have anything on keeping the settings of experiments together in one place?")
    assert ans.kind == "list" and not ans.abstained
    assert "experiment configurations are centralized" in ans.text and "This document outlines" not in ans.text


def test_a_list_of_two_kinds_of_report_finds_one_of_each(seeded: Assistant) -> None:
    # 'safety reports' (o1's "This report outlines the safety work") or 'system cards' (GPT-4o's)
    plan = seeded.plan("Do I have any safety reports or system cards for specific released models?")
    assert not plan.abstain and len(plan.passages) == 2
    assert any("o1" in p.text for p in plan.passages) and any("GPT-4o System Card" in p.text for p in plan.passages)


def test_a_yes_no_question_on_what_no_abstract_speaks_of_abstains(seeded: Assistant) -> None:
    # Gemini's abstract never speaks of open-sourcing: neither yes nor no can be read from it
    plan = seeded.plan("Is Gemini Nano open-sourced?")
    assert plan.abstain and "open-sourced" in plan.reason
    assert not seeded.plan("Does Deliberative Alignment need human-written chains of thought?").abstain


def test_a_compared_thing_pointed_to_is_the_one_the_question_named_first(seeded: Assistant) -> None:
    plan = seeded.plan("What kind of model is Gemini, and how is that different from Flan-MoE?")
    assert plan.query.kind == "compare" and plan.query.subjects == ("Gemini", "Flan-MoE") and not plan.abstain
    assert "Gemini" in plan.passages[0].text and "Flan-MoE" in plan.passages[1].text


def test_an_abstract_on_a_model_does_not_stand_for_its_next_version(seeded: Assistant) -> None:
    plan = seeded.plan("Compare Med-PaLM with Med-PaLM 2.")
    assert plan.query.kind == "compare" and plan.abstain and "Med-PaLM 2" in plan.reason
    assert not seeded.plan("Compare Med-PaLM with Flan-MoE.").abstain


def test_what_an_abbreviation_with_a_small_letter_stands_for_is_found(seeded: Assistant) -> None:
    # 'MoE': the sentence spelling it out ('Mixture-of-Expert (MoE)') is the one to answer from
    plan = seeded.plan("What does MoE stand for in Flan-MoE?")
    assert "Mixture-of-Expert (MoE)" in plan.evidence.sentences[0][0].text


def test_a_list_is_not_made_of_papers_sharing_some_of_the_topics_words(seeded: Assistant) -> None:
    # GPT-4o's "neural network" is two of the three words; the GNN papers are Alex's
    plan = seeded.plan("Which of Tony's papers are about graph neural networks?")
    assert plan.abstain


def test_compare_cites_both_and_quotes_the_one_the_model_left_out(seeded_copy: Assistant) -> None:
    reply = " is a set of instruction-finetuned sparse Mixture-of-Expert models [1]."  # continues each thing's name
    ans, _, _ = ask_with(seeded_copy, reply, "Compare Flan-MoE and U-PaLM.")
    assert ans.kind == "compare" and ans.mode == "generated"
    cited = {c.doc_id for c in ans.citations}
    assert len(cited) == 2 and "U-PaLM" in ans.text
    # Flan-MoE: the model's sentence, then its abstract's next-best sentences up to three; U-PaLM, left
    # out, quoted as much
    assert [s.origin for s in ans.statements] == ["model", "quote", "quote", "quote", "quote", "quote"]
    assert len({s.citations for s in ans.statements[:3]}) == len({s.citations for s in ans.statements[3:]}) == 1
    assert ans.statements[2].citations != ans.statements[3].citations


def test_a_comparison_on_a_point_quotes_what_each_side_says_on_it(seeded_copy: Assistant) -> None:
    # the model says what Gemini is, nothing of how it measures up against experts: the side gets its
    # abstract's best sentence that does, not only its next-best one
    reply = " is a family of multimodal models with Ultra, Pro, and Nano sizes [1]."
    ans, _, _ = ask_with(seeded_copy, reply, "Gemini Ultra vs Med-PaLM: how does each measure up against expert humans?")
    assert ans.kind == "compare" and len(ans.citations) == 2
    gemini = [s for s in ans.statements if s.citations == ans.statements[0].citations]
    assert gemini[0].origin == "model" and "human-expert" in gemini[1].text
    # no point beyond the things compared: the next-best sentence comes first
    ans, _, _ = ask_with(seeded_copy, reply, "Compare Gemini and Med-PaLM.")
    assert "human-expert" not in ans.statements[1].text


def test_a_quote_pointing_back_brings_its_antecedent_only_when_the_answer_lacks_it(seeded_copy: Assistant) -> None:
    from assistant.answer import _with_antecedent

    plan = seeded_copy.plan("How do GPT-4o and BLOOM each handle languages beyond English?")
    number = next(s.number for s in plan.shown if "GPT-4o" in s.passage.text)
    it = next(x for x in plan.evidence.sentences[number - 1] if x.text.startswith("It matches GPT-4 Turbo"))
    before = next(x for x in plan.evidence.sentences[number - 1] if x.position == it.position - 1)
    assert _with_antecedent(plan, number, it) == f"{before.text} {it.text}"
    assert _with_antecedent(plan, number, it, (before.text,)) == it.text  # already said: not quoted twice


def test_a_comparison_of_studies_asks_each_for_its_findings(seeded_copy: Assistant) -> None:
    reply = " finds that instruction-finetuned sparse Mixture-of-Expert models benefit from instruction tuning [1]."
    _, _, gen = ask_with(seeded_copy, reply, "How do the Flan-MoE and U-PaLM papers differ in what they find?")
    asked = [str(m) for m in answer_prompts(gen)]
    assert sum("finds or concludes about Flan-MoE" in m for m in asked) == 1
    _, _, gen = ask_with(seeded_copy, reply, "Compare Flan-MoE and U-PaLM.")
    assert not any("finds or concludes" in str(m) for m in answer_prompts(gen))  # things: what each is or does


def test_a_compared_thing_named_in_so_many_words_is_found_by_its_phrase(seeded_copy: Assistant) -> None:
    plan = seeded_copy.plan("How does Deliberative Alignment differ from instruction prompt tuning as a way of aligning a model?")
    assert plan.kind == "compare" and len(plan.shown) == 2
    assert "instruction prompt tuning" in plan.shown[1].passage.text  # Med-PaLM's abstract, not Flan 2022's 'instruction tuning'


def test_a_question_for_a_motivation_is_answered_by_the_problem_stated(seeded_copy: Assistant) -> None:
    plan = seeded_copy.plan("What motivated the design of the N-Grammer?")
    best = quote_for(plan.query, plan.shown[0], plan.evidence)
    assert best is not None and "prohibitive" in best.text  # 'the training and inference costs ... are prohibitive'


def test_a_choice_is_answered_by_the_sentence_saying_which_the_thing_is(seeded_copy: Assistant) -> None:
    # both options are in the abstract: 'sparse' where it says what Flan-MoE is, 'dense' for what it beats
    plan = seeded_copy.plan("Is Flan-MoE a dense or a sparse model?")
    best = quote_for(plan.query, plan.shown[0], plan.evidence)
    assert plan.kind == "fact" and best is not None and "Sparse Mixture-of-Expert" in best.text
    assert any(best.text == s.text for s in plan.shown[0].sentences)  # and the model is shown it


def test_what_a_question_sets_aside_and_what_is_listed_next_to_it() -> None:
    assert set_aside("Apart from correct and not attempted, what grade can an answer get?") == ["correct", "attempted"]
    assert set_aside("Other than MedQA, which datasets are in MultiMedQA?") == ["MedQA"]
    assert set_aside("Which datasets are in MultiMedQA?") == []
    graded = "It is collected against GPT-4 responses, and each answer is graded as either correct, incorrect, or not attempted."
    assert listed_with(graded, ["correct", "attempted"]) == ["incorrect"]  # 'incorrect' is not 'correct'
    datasets = (
        "Flan-PaLM leads on every multiple-choice dataset of the benchmark (MedQA, MedMCQA, PubMedQA, MMLU clinical topics)."
    )
    assert listed_with(datasets, ["MedQA"]) == ["MedMCQA", "PubMedQA", "MMLU clinical topics"]
    assert listed_with("We study MedQA in depth, with long analyses of every error made by the models.", ["MedQA"]) == []


def test_an_answer_naming_only_what_the_question_sets_aside_is_dropped(seeded_copy: Assistant) -> None:
    q = "Apart from the Transformer, which baseline does the N-Grammer outperform?"
    ans, _, _ = ask_with(seeded_copy, "The N-Grammer outperforms the Transformer on C4 [1].", q)
    assert not ans.abstained and "the Primer" in ans.text and ans.statements[0].origin == "quote"
    # a model that finds no answer does not abstain when the abstract lists the others
    ans, _, _ = ask_with(seeded_copy, "The abstracts do not answer this question.", q)
    assert not ans.abstained and "the Primer" in ans.text


def test_compare_with_a_thing_the_library_lacks_abstains(seeded_copy: Assistant) -> None:
    ans, _, gen = ask_with(seeded_copy, "x", "How does Gemini compare with Claude 3?")
    assert ans.abstained and "Claude 3" in ans.reason and not answer_prompts(gen)
    # a capitalised name counts too: SimpleQA's link to github.com does not stand for GitHub Copilot
    plan = seeded_copy.plan("Smart Compose vs GitHub Copilot: how do their suggestion systems differ?")
    assert plan.abstain and "GitHub Copilot" in plan.reason
    # with nothing found for either, the abstention still names the closest abstracts, not an empty library
    ans = seeded_copy.ask("Compare the two lung cancer delay studies.")
    assert ans.abstained and "library is empty" not in ans.text and len(ans.retrieved) == 3


def test_two_things_one_abstract_compares_is_answered_from_that_abstract(seeded_copy: Assistant) -> None:
    plan = seeded_copy.plan("What is the difference between RNN-T and attention-based models?")
    assert not plan.abstain and len(plan.shown) == 1 and "RNN-T" in plan.shown[0].passage.text
    ans = seeded_copy.ask("What is the difference between RNN-T and attention-based models?")
    assert not ans.abstained and {c.doc_id for c in ans.citations} == {plan.shown[0].passage.doc_id}


def test_a_thing_another_abstract_names_only_in_passing_is_compared_within_the_one_naming_both(seeded: Assistant) -> None:
    # U-PaLM's abstract names PaLM throughout; Med-PaLM's names it in passing ('we evaluate PaLM (a
    # 540-billion parameter LLM)'), so it does not stand for PaLM
    plan = seeded.plan("What's new in U-PaLM compared to PaLM?")
    assert [p.name for p in plan.passages] == ["UL2R / U-PaLM"]
    plan = seeded.plan("Compare Flan-MoE and U-PaLM.")  # each is what an abstract is about
    assert [p.name for p in plan.passages] == ["Flan-MoE", "UL2R / U-PaLM"]
    plan = seeded.plan("Compare Med-PaLM and Flan-PaLM.")  # not Flan-MoE's 'Flan-PaLM-62B'
    assert [p.name for p in plan.passages] == ["Med-PaLM / MultiMedQA"]
    # one thing twice is two papers on it: the second is another paper, whatever the first names
    plan = seeded.plan("Compare the two GNN papers.")
    assert len({p.doc_id for p in plan.passages}) == 2 and all("Graph Neural Networks" in p.text for p in plan.passages)


def test_two_papers_on_one_thing_are_each_asked_for_as_a_paper(seeded_copy: Assistant) -> None:
    ans, _, gen = ask_with(seeded_copy, " proposes new homophily metrics [1].", "Compare the two GNN papers.")
    assert len({c.doc_id for c in ans.citations}) == 2
    asked = [str(m) for m in answer_prompts(gen)]
    assert sum("finds or concludes about GNN" in m for m in asked) == 2  # not 'what GNN is', twice
    assert any("how the paper [1] and the paper [2] differ" in m for m in asked)


def test_a_follow_up_turning_to_another_thing_asks_of_that_thing(seeded: Assistant) -> None:
    # 'What about SimpleQA, ...?' after a question on BLOOM is asked of SimpleQA, not of BLOOM's abstract
    first = seeded.plan("How many parameters does BLOOM have?")
    bloom = first.shown[0].passage.doc_id
    plan = seeded.plan("What about SimpleQA, how are its answers graded?", history=[first.question], sources=[bloom])
    assert plan.question == "How are SimpleQA's answers graded?" and not plan.pinned and not plan.abstain
    assert "SimpleQA" in plan.shown[0].passage.text and bloom not in {s.passage.doc_id for s in plan.shown[:1]}
    assert about_then("And what about BLOOM, how many parameters does it have?") == "How many parameters does BLOOM have?"
    assert about_then("What about Flan-MoE?") is None  # the last question asked of it: `swapped`


def test_a_follow_up_comparison_says_it_of_what_the_conversation_is_about(seeded_copy: Assistant) -> None:
    first = seeded_copy.plan("What is Flan-MoE?")
    flan = first.shown[0].passage.doc_id
    plan = seeded_copy.plan("How does it compare with U-PaLM?", history=["What is Flan-MoE?"], sources=[flan])
    assert not plan.abstain and plan.query.subjects == ("Flan-MoE", "U-PaLM")
    assert flan in {s.passage.doc_id for s in plan.shown} and len(plan.shown) == 2
    # without a conversation, 'it' names nothing in the library
    assert seeded_copy.plan("How does it compare with U-PaLM?").abstain


def test_a_list_of_papers_about_them_is_about_what_the_conversation_asked(seeded_copy: Assistant) -> None:
    plan = seeded_copy.plan("Which papers are about it?", history=["What is UniMax?"])
    assert plan.query.topic == "UniMax" and not plan.abstain
    assert all("UniMax" in s.passage.text for s in plan.shown)
    # out of the blue, 'them' names no topic: not every paper in the library
    plan = seeded_copy.plan("Which papers are about them?")
    assert plan.abstain and "no topic" in plan.reason


def test_a_follow_up_picks_among_or_by_place_from_the_papers_the_last_answer_gave(seeded: Assistant) -> None:
    first = "What papers does Tony have?"
    tony = [p.doc_id for p in seeded.plan(first).passages]
    plan = seeded.plan("Which of them are about safety?", history=[first], sources=tony)
    assert plan.query.kind == "list" and not plan.abstain and {p.doc_id for p in plan.passages} <= set(tony)
    assert "Deliberative Alignment" in " ".join(p.text for p in plan.passages)
    plan = seeded.plan("Which of them are about graph neural networks?", history=[first], sources=tony)
    assert plan.abstain and "none of the papers of the last answer" in plan.reason  # the GNN papers are Alex's
    plan = seeded.plan("How does the second one evaluate safety?", history=[first], sources=tony)
    assert [p.doc_id for p in plan.passages] == [tony[1]]
    assert plan.question == f"How does {plan.passages[0].name} evaluate safety?"  # asked of it by name
    assert [p.doc_id for p in seeded.plan("Who wrote the last one?", history=[first], sources=tony).passages] == [tony[-1]]
    assert seeded.plan("Which of them has the most parameters?", history=[first], sources=tony).query.kind == "fact"


def test_which_one_after_a_list_is_asked_among_its_papers(seeded_copy: Assistant) -> None:
    first = "Which of Tony's papers are about safety?"
    safety = [p.doc_id for p in seeded_copy.plan(first).passages]
    assert len(safety) >= 2 and not any("SimpleQA" in p.text for p in seeded_copy.plan(first).passages)
    # singular: none of the safety papers introduces a benchmark (SimpleQA, which does, was not listed)
    plan = seeded_copy.plan("Which of them introduces a benchmark?", history=[first], sources=safety)
    assert plan.query.kind == "list" and plan.abstain and "none of the papers of the last answer" in plan.reason
    chat = seeded_copy.chat()
    chat.ask(first)
    ans = chat.ask("Which of them introduces a benchmark?")
    assert ans.abstained and ans.text.startswith("None of the papers the last answer gave (") and "benchmark" in ans.text
    plan = seeded_copy.plan("Which one is a system card?", history=[first], sources=safety)
    assert plan.question == "Which of them is a system card?" and plan.query.kind == "list" and not plan.abstain
    assert [p.name for p in plan.passages] == ["GPT-4o"]


def test_an_explanation_of_a_named_thing_is_not_held_to_the_wording_gate(seeded_copy: Assistant) -> None:
    q = "What does the Gemini report expect its models to make possible, and does it say how they will be rolled out?"
    plan = seeded_copy.plan(q)
    assert plan.kind == "explain" and not plan.abstain and plan.shown[0].passage.name == "Gemini"
    assert plan.evidence.features["strength"] < seeded_copy.planner.threshold  # the gate would have abstained


def test_prompt_fits_a_small_context(seeded_copy: Assistant) -> None:
    long_q = "How many parameters does BLOOM have? " + "BLOOM open-access language model parameters. " * 40
    ans, _, gen = ask_with(seeded_copy, "BLOOM has 176B parameters [1].", long_q, n_ctx=400)
    messages = gen.prompts[0]
    assert isinstance(messages, list)
    used = sum(gen.count(m["content"]) for m in messages)
    assert used <= 400 - seeded_copy.settings.answer.max_tokens
    assert ans.retrieved  # at least one passage survived the trimming


# -- the checks themselves ----------------------------------------------------------------------------
SRC = "BLOOM is a 176B-parameter open-access language model trained on the ROOTS corpus."


def test_sentence_check_catches_names_numbers_and_negations() -> None:
    q = "How many parameters does BLOOM have?"
    assert not unsupported("BLOOM has 176B parameters.", q, SRC)
    assert "300B" in unsupported("BLOOM has 300B parameters.", q, SRC)
    assert "GPT-4" in unsupported("BLOOM is larger than GPT-4.", q, SRC)
    assert unsupported("BLOOM is not an open-access model.", "Is BLOOM open?", SRC)
    v = check_sentence("It has 176B parameters [2].", q, {1: SRC, 2: "Gemini comes in Ultra, Pro and Nano sizes."})
    assert v.kept and v.citations == (1,) and v.repaired
    # nor may a sentence leave out a negation of what it copies ('not all cases of heterophily are harmful')
    acm = "In this paper, we first show that not all cases of heterophily are harmful for GNNs with aggregation operation."
    assert unsupported("Heterophily is harmful for GNNs with aggregation operation.", "How do the GNN papers differ?", acm)
    assert not unsupported("Not all heterophily is harmful for GNNs with aggregation operation.", "How?", acm)
    # nor turn what the abstract says of some cases into what holds of every one
    assert unsupported("This paper finds that heterophily is not harmful for GNNs with aggregation operation.", "?", acm)
    assert not unsupported("Some cases of heterophily are not harmful for GNNs with aggregation operation.", "?", acm)
    # a negation reaches to the end of its clause, and 'not only' negates nothing
    assert not unsupported("BLOOM is released.", "Is BLOOM released?", "BLOOM is not small, and it is released.")
    assert not unsupported("BLOOM covers 46 languages.", "?", "BLOOM not only covers 46 languages but also code.")
    # a cause the abstract does not give is no claim to make, unless the question asks why; what
    # stands before it may hold on its own
    medpalm = "Flan-PaLM achieves state-of-the-art accuracy on MedQA. The resulting model remains inferior to clinicians."
    because = "Flan-PaLM is inferior to clinicians due to its state-of-the-art accuracy on MedQA [1]."
    assert unsupported(without_citations(because), "What are Flan-PaLM's limits?", medpalm)
    assert not unsupported(without_citations(because), "Why is Flan-PaLM inferior to clinicians?", medpalm)
    v = check_sentence(because, "What are Flan-PaLM's limits?", {1: medpalm})
    assert v.kept and v.text == "Flan-PaLM is inferior to clinicians." and v.citations == (1,)
    v = check_sentence(
        "Flan-PaLM is inferior to clinicians because it uses TPUs [1].", "Why is Flan-PaLM inferior?", {1: medpalm}
    )
    assert not v.kept  # asked why: the cause is the answer, and the rest only says the question back


def test_the_thing_asked_about_must_be_in_the_source_not_only_in_the_question() -> None:
    q = "What hardware is Smart Compose served on?"
    src = "Smart Compose is a system for generating interactive, real-time suggestions in Gmail."
    assert unsupported("Smart Compose is served on custom hardware.", q, src)
    # 'problem' only says what kind of answer is wanted: the problem, in the abstract's words, holds
    q = "What problem does Smart Compose solve?"
    src += " It assists users in writing mails by reducing repetitive typing."
    assert not unsupported("Smart Compose solves the problem of repetitive typing when writing mails.", q, src)
    assert unsupported("Smart Compose solves the problem of slow hospital admissions.", q, src)


@pytest.mark.parametrize(
    ("answer", "question", "wrong"),
    [
        ("176B [1]", "How many programming languages is BLOOM trained on?", ["176B"]),
        ("13 [1]", "How many programming languages is BLOOM trained on?", []),
        ("It has 176B parameters.", "How many parameters does BLOOM have?", []),
        ("107 [1]", "How many characters does the refreshed mC4 corpus contain?", ["107"]),
        ("29 trillion [1]", "How many characters does the refreshed mC4 corpus contain?", []),
        ("107 [1]", "How many languages does the refreshed mC4 corpus cover?", []),
        ("It combines 6 datasets.", "How many existing datasets go into MultiMedQA?", []),
        # another count, said of what the source says it of, is a faithful copy, not a wrong answer
        ("BLOOM is trained on 46 natural and 13 programming languages.", "How many natural languages is BLOOM trained on?", []),
        ("It has 29 trillion characters across 107 languages.", "How many characters does the refreshed mC4 corpus contain?", []),
        ("It covers 13 natural languages.", "How many natural languages is BLOOM trained on?", ["13"]),
        (
            "It is a 176B-parameter model with 13 programming languages.",
            "How many programming languages is BLOOM trained on?",
            [],
        ),
        ("BLOOM covers 176B programming languages.", "How many programming languages is BLOOM trained on?", ["176B"]),
        # a count paired with what the source never counts by it: 59 is the total, not the natural languages
        ("BLOOM covers 59 natural and 13 programming languages.", "How many languages does BLOOM cover?", ["59 natur"]),
        ("BLOOM covers 59 languages in total.", "How many languages does BLOOM cover?", []),
    ],
)
def test_a_count_must_be_a_count_of_what_was_asked(answer: str, question: str, wrong: list[str]) -> None:
    src = (
        "BLOOM is a 176B-parameter open-access language model. It was trained on the ROOTS corpus, a dataset "
        "comprising hundreds of sources in 46 natural and 13 programming languages (59 in total). "
        "We release a refreshed mC4 multilingual corpus consisting of 29 trillion characters across 107 languages. "
        "MultiMedQA combines six existing datasets."
    )
    found = unsupported(without_citations(answer), question, src)
    assert [w for w in found if w[0].isdigit()] == wrong


def test_the_users_abbreviation_for_what_the_source_spells_out_is_supported() -> None:
    src = "We present a model-based deep reinforcement learning agent, tested in customized MiniGrid environments."
    q = "In what environments was the model-based RL agent tested?"
    assert not unsupported("The model-based RL agent was tested in customized MiniGrid environments.", q, src)
    assert unsupported("The RL agent was trained with PPO.", q, src)  # a name the source lacks stays unsupported


def test_a_sentence_that_restates_the_question_then_the_answer_does_not_repeat_itself() -> None:
    src = "We show Flan-T5 requires less finetuning, motivating instruction-tuned models as starting checkpoints for new tasks."
    q = "Why does the study recommend instruction-tuned models as starting checkpoints for new tasks?"
    said = (
        "The study recommends instruction-tuned models as starting checkpoints for new tasks because Flan-T5 requires "
        "less finetuning, motivating instruction-tuned models as starting checkpoints for new tasks."
    )
    assert not repetitive(said, src, question=q)
    looped = "Med-PaLM is a 540-billion parameter LLM, built using Flan-PaLM, a 540-billion parameter LLM."
    assert repetitive(looped, "We evaluate PaLM (a 540-billion parameter LLM).", question="What is Med-PaLM?")


def test_a_greek_letter_written_another_way_is_the_same_name() -> None:
    source = "Peptidoglycan sensing by NOD2 activates NF-kB signaling in epithelial cells."
    assert unsupported("NOD2 activates NF-κB signaling.", "What does NOD2 activate?", source) == []
    assert unsupported("NOD2 activates TNF-α.", "What does NOD2 activate?", source)  # another name still fails
    assert about("NF-κB signalling", source) and not about("TNF-α", source)


def test_a_place_or_organisation_the_source_does_not_name_is_unsupported() -> None:
    src = "BACKGROUND The iLiNS Project developed a lipid-based nutrient supplement. METHODS We did a randomized trial in Ghana."
    q = "In which country was the randomized trial of the supplement run?"
    assert "United States" in unsupported("The randomized trial of the supplement was run in the United States.", q, src)
    assert not unsupported("The randomized trial of the supplement was run in Ghana.", q, src)


def test_a_short_unit_glued_to_its_number_is_the_unit() -> None:
    src = "The overall time from first symptoms to starting treatment was 138d (iqr 79-175d). The mean age was 68yrs."
    q = "What was the time from first symptoms to the start of treatment?"
    assert not unsupported("The time from first symptoms to the start of treatment was 138 days.", q, src)
    assert "138 week" in unsupported("The time from first symptoms to the start of treatment was 138 weeks.", q, src)
    assert not unsupported("The mean age was 68 years.", q, src)
    assert units_spelled("GPT-4d and mC4d") == "GPT-4d and mC4d"  # a number in a name has no unit


def test_a_number_inside_a_name_is_no_count() -> None:
    src = "GPT-4o is much faster and 50% cheaper in the API."
    q = "How much cheaper is GPT-4o in the API?"
    assert counts_elsewhere("GPT-4o is 50% cheaper in the API.", q, [src]) == []
    assert counts_elsewhere("GPT-4o is 4 times cheaper in the API.", q, [src]) == ["4"]


def test_a_count_of_a_hyphenated_thing_with_thousands_is_found() -> None:
    # the count's words come with a bracket between ('microRNA (miR)-mediated'), its digits with a comma
    src = "We uncovered a regulation layer comprising more than 248,000 microRNA (miR)-mediated interactions."
    q = "How many microRNA-mediated interactions did the glioblastoma expression analysis uncover?"
    assert counted_numbers(q, [src]) == {"248000"}
    assert counts_elsewhere("The analysis uncovered more than 248,000 microRNA-mediated interactions.", q, [src]) == []
    assert counts_elsewhere("The analysis uncovered 248 microRNA-mediated interactions.", q, [src]) == ["248"]
    # the abstract names 'microRNA-mediated' with a bracket inside: it still counts as naming it
    passage = Passage(doc_id="d", title="", text=src, libraries=("Ana",), score=1.0)
    assert _naming(q, [passage]) == [passage]


def test_citations_keep_order_of_first_mention() -> None:
    assert cited_numbers("a [3] b [1, 3] c [2]") == [3, 1, 2]
    assert without_citations("x [4] y [2; 9].") == "x y."


def test_sentences_are_handed_out_whole_with_the_citation_after_their_stop() -> None:
    buffer = SentenceBuffer()
    out: list[str] = []
    for piece in ["BLOOM has 1", "76B parameters.", " [1] It is open", "-access [1]", ".\n[2] Next", " line."]:
        out += buffer.feed(piece)
    out += buffer.flush()
    assert out == ["BLOOM has 176B parameters. [1]", "It is open-access [1].", "[2] Next line."]


def test_copies_are_told_apart_from_paraphrases() -> None:
    src = (
        "We present SimpleQA, a benchmark that evaluates the ability of language models to answer short, fact-seeking questions."
    )
    assert copied_from(
        "We present SimpleQA, a benchmark that evaluates the ability of language models to answer short questions.", src
    )
    assert not copied_from("SimpleQA tests whether language models can answer short factual questions.", src)


def test_prompt_files_are_checked_when_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    folder.mkdir()
    for f in (ROOT / "prompts").glob("*.txt"):
        (folder / f.name).write_text(f.read_text())
    load_prompts(folder)
    (folder / "question.txt").write_text("Abstracts: {passages} {instruction}")
    with pytest.raises(ConfigError, match=r"question\.txt: missing placeholder\(s\) \{question\}"):
        load_prompts(folder)
    (folder / "question.txt").write_text("{passages} {question} {instruction} {mood}")
    with pytest.raises(ConfigError, match=r"unknown placeholder\(s\) \{mood\}"):
        load_prompts(folder)
    (folder / "question.txt").unlink()
    with pytest.raises(ConfigError, match="cannot be read"):
        load_prompts(folder)


def test_a_name_split_or_mistyped_is_read_as_the_library_writes_it(seeded: Assistant) -> None:
    # split by a hyphen or a space: the same name, read silently
    for typed, read in (
        ("What is Uni-Max?", "What is UniMax?"),
        ("What is Simple QA?", "What is SimpleQA?"),
        ("What is Multi Med QA?", "What is MultiMedQA?"),
    ):
        plan = seeded.plan(typed)
        assert plan.question == read and not plan.respelled and not plan.abstain, typed
    # one letter off a library name of six letters or more: read as it, and said
    plan = seeded.plan("What does lingov do?")
    assert plan.question == "What does Lingvo do?" and plan.respelled == (("lingov", "Lingvo"),)
    assert plan.passages[0].name == "Lingvo" and not plan.abstain
    answer = seeded.ask("How many parameters does gemeni ultra have?")
    assert answer.text.startswith("Reading “gemeni” as “Gemini”.\n\nYour library does not seem to hold the answer")
    # a name typed with capitals or a digit is meant as typed; nor is a word the library uses changed
    # nor are words the library knows each of joined ('flan moe'), nor small words ('as a' is no 'ASA')
    for kept in (
        "What is BLOOMZ?",
        "what is bloomz",
        "What is the U-PaLM model?",
        "How does Smart Compose work?",
        "Explain flan moe.",
        "Is UniMax as a sampling method better?",
    ):
        plan = seeded.plan(kept)
        assert plan.question == kept and not plan.respelled, kept
    assert seeded.plan("What is BLOOMZ?").abstain


def test_a_question_ranking_the_library_by_a_number_ranks_the_papers_that_give_one(seeded: Assistant) -> None:
    from assistant.plan import FROM_NUMBERS
    from assistant.ranking import counted_in, numbers_of, ranked_by

    assert ranked_by("Which paper has the most languages?") == ("languages", False)
    assert ranked_by("What is the largest model in my library?") == ("parameters", False)  # a model's size
    assert ranked_by("Which of Tony's papers has the fewest parameters?") == ("parameters", True)
    assert ranked_by("What is the largest Gemini model?") is None  # one paper's models
    assert ranked_by("Which study had the largest number of patients?") == ("patients", False)  # what is numbered
    bloom = "It was trained on 46 natural and 13 programming languages. BLOOM is a 176B-parameter open-access language model."
    assert [(v, said) for v, said, _ in numbers_of("languages", bloom)] == [
        (46.0, "46 natural and 13 programming languages"),
        (13.0, "13 programming languages"),
    ]  # not the '176B' of '176B-parameter ... language'
    assert [v for v, *_ in numbers_of("parameters", "PaLM (a 540-billion parameter LLM) and Flan-MoE-32B")] == [540e9, 32e9]
    # a count of people is said of whoever they are
    trial = "In a randomized trial, 1320 women received supplements. Of 3402 patients, 99% (3368) were seen."
    assert [v for v, *_ in numbers_of("participants", trial)] == [1320.0, 3402.0]
    answer = seeded.ask("Which paper has the most languages?")
    assert not answer.abstained and answer.mode == "extractive" and answer.reason == FROM_NUMBERS
    assert answer.text.startswith(
        "Of the papers in your library that give a number of languages, UniMax gives the most: “107 languages” [1]."
    )
    assert [c.label for c in answer.citations] == ["UniMax", "BLOOM"]
    assert answer.citations[0].support == (
        "As part of our contribution, we release: (i) an improved and refreshed mC4 multilingual corpus consisting of "
        "29 trillion characters across 107 languages, and (ii) a suite of pretrained umT5 model checkpoints trained with "
        "UniMax sampling.",
    )
    assert "- BLOOM: “BLOOM is a decoder-only Transformer" in answer.text
    fewest = seeded.ask("Which of Tony's papers has the fewest parameters?")
    assert "UL2R / U-PaLM gives the fewest: “8B” [1]" in fewest.text  # its smallest model
    assert seeded.plan("What is the largest model in my library?").passages[0].name.startswith("Med-PaLM")
    # a model's size written by its scale alone counts parameters, within a name too
    sizes = "Our Flan-MoE-32B surpasses Flan-PaLM-62B. We train U-PaLM at 8B, 62B, and 540B scale."
    assert [said for _, said, _ in numbers_of("parameters", sizes)] == ["Flan-MoE-32B", "Flan-PaLM-62B", "8B", "62B", "540B"]
    # a list of the papers that give a number of something: those, the largest first
    assert counted_in("Which of Tony's papers tell me how many parameters their models have?") == "parameters"
    assert counted_in("Which studies report the number of patients?") == "patients"
    assert counted_in("Which papers report the number of the?") is None  # nothing counted
    listed = seeded.ask("Which of Tony's papers tell me how many parameters their models have?")
    assert listed.text.startswith("4 papers in Tony's library give a number of parameters, the largest first:\n- ")
    assert {c.label for c in listed.citations} == {"Med-PaLM / MultiMedQA", "UL2R / U-PaLM", "BLOOM", "Flan-MoE"}
    nothing = seeded.ask("Which paper has the most questions?")  # no abstract counts its questions
    assert nothing.abstained and nothing.reason == "no abstract in the library gives a number of 'questions'"


def test_a_comparison_pointing_back_compares_the_two_papers_of_the_last_answer(seeded: Assistant) -> None:
    from assistant.kinds import compares_last

    assert compares_last("Compare them.") and compares_last("How do they differ?")
    assert compares_last("What do the two have in common?")
    assert not compares_last("Compare Flan-MoE and U-PaLM.") and not compares_last("Which of them are about safety?")
    listed = seeded.plan("Which papers are about graph neural networks?")
    sources = [p.doc_id for p in listed.passages]
    assert len(sources) == 2
    plan = seeded.plan("Compare them.", history=["Which papers are about graph neural networks?"], sources=sources)
    assert plan.kind == "compare" and plan.query.twice and not plan.abstain
    assert [p.doc_id for p in plan.passages] == sources
    # out of the blue, 'them' is nothing to compare
    assert seeded.plan("Compare them.").kind != "compare"
    # three papers are compared all three
    three = [p.doc_id for p in seeded.plan("Which papers are about safety?").passages]
    assert len(three) == 3
    plan = seeded.plan("Compare them.", history=["Which papers are about safety?"], sources=three)
    assert [p.doc_id for p in plan.passages] == three and len(plan.query.subjects) == 3 and plan.query.twice


def test_papers_similar_to_one_are_the_closest_to_its_whole_abstract(seeded: Assistant) -> None:
    from assistant.kinds import similar_to

    assert similar_to("Find papers similar to UniMax.") == ("UniMax", "UniMax")
    assert similar_to("Anything like the BLOOM paper?") == ("BLOOM", "the BLOOM paper")
    assert similar_to("Which papers are related to safety?") is None  # a topic, no paper
    assert similar_to("Do I have any papers proposing a new optimizer, like a variant of Adam?") is None  # an example
    plan = seeded.plan("Find papers similar to UniMax.")
    assert plan.kind == "list" and plan.similar == "UniMax" and not plan.abstain
    assert 0 < len(plan.passages) <= 3 and all(p.name != "UniMax" for p in plan.passages)
    assert seeded.plan("Papers similar to GraphSAGE?").abstain  # no paper of that name
    # the whole library, by other wordings
    assert seeded.plan("What are the main themes of my library?").contents == 18
    alex = seeded.plan("Give me a one-line summary of each of Alex's papers.")
    assert alex.library == "Alex" and alex.contents == len(alex.passages) > 0


def test_a_question_in_common_words_that_names_nothing_is_about_the_paper_the_conversation_is_on(
    seeded: Assistant,
) -> None:
    bloom = seeded.plan("What is BLOOM?").passages[0]
    assert bloom.name == "BLOOM"
    plan = seeded.plan("How many languages?", history=["What is BLOOM?"], sources=[bloom.doc_id])
    assert plan.previous == "What is BLOOM?" and plan.passages[0].doc_id == bloom.doc_id and not plan.abstain
    # it must still be answerable from the library: the abstention threshold stays
    assert seeded.plan("How do vaccines work?", history=["What is BLOOM?"], sources=[bloom.doc_id]).abstain
    # a question with a name or a word of its own is a new question
    assert (
        seeded.plan("How many languages does UniMax cover?", history=["What is BLOOM?"], sources=[bloom.doc_id]).previous is None
    )
    assert seeded.plan("What is heterophily?", history=["What is BLOOM?"], sources=[bloom.doc_id]).previous is None
    # a capitalised name is a name, however common its words ('Gemini Ultra')
    gemini = seeded.plan("How many parameters does Gemini Ultra have?", history=["What is BLOOM?"], sources=[bloom.doc_id])
    assert gemini.previous is None


def test_a_question_asked_within_a_library_that_lacks_the_answer_says_where_it_is(seeded: Assistant) -> None:
    plan = seeded.plan("What is Lingvo?", library="Tony")
    assert plan.abstain and [p.name for p in plan.elsewhere] == ["Lingvo"]
    answer = seeded.ask("What is Lingvo?", library="Tony")
    assert answer.text.startswith("Tony's library does not seem to hold the answer to this question.")
    assert answer.text.endswith("Outside Tony's library, Lingvo (Alex) may answer it: ask with all libraries.")
    # nowhere else either: nothing more is said
    nowhere = seeded.plan("What is GraphSAGE?", library="Tony")
    assert nowhere.abstain and not nowhere.elsewhere
    # and the answer names what no abstract anywhere mentions
    assert seeded.ask("What is GraphSAGE?", library="Tony").text.endswith(
        "No abstract in any of your libraries mentions GraphSAGE."
    )
    assert not seeded.plan("What is Lingvo?").elsewhere  # asked of every library


def test_a_follow_up_naming_only_another_thing_asks_the_last_question_of_it(seeded: Assistant) -> None:
    from assistant.plan import swapped

    history = ["How many parameters does BLOOM have?"]
    assert swapped("What about Flan-MoE?", history) == "How many parameters does Flan-MoE have?"
    assert swapped("And U-PaLM?", [*history, "What about Flan-MoE?"]) == "How many parameters does U-PaLM have?"
    assert swapped("And why?", history) is None and swapped("What about safety?", history) is None
    assert swapped("How about Gemini Ultra?", history) == "How many parameters does Gemini Ultra have?"
    assert swapped("And for UniMax?", history) == "How many parameters does UniMax have?"
    # 'and what about X?' asks what the last question did, of X ('... does what about Flan-MoE have?' was asked)
    assert swapped("and what about Flan-MoE?", history) == "How many parameters does Flan-MoE have?"
    # the last question pointed back: X takes the pointer's place (it was asked of UL2R and abstained,
    # saying "ask about it by name", which it had been)
    pointing = ["What is UL2R?", "how much compute does it save?"]
    assert swapped("and what about Flan-MoE?", pointing) == "how much compute does Flan-MoE save?"
    assert swapped("What about Flan-MoE?", ["What is UL2R?", "What are its main results?"]) == "What are Flan-MoE's main results?"
    plan = seeded.plan("What about UniMax?", history=["What is BLOOM?"], sources=[])
    assert plan.question == "What is UniMax?" and plan.kind == "explain" and plan.passages[0].name == "UniMax"
    # 'Tell me more.': the paper the last answer cited, explained
    bloom = seeded.plan("What is BLOOM?").passages[0]
    more = seeded.plan("Tell me more.", history=["What is BLOOM?"], sources=[bloom.doc_id])
    assert more.question == "Tell me more about BLOOM." and more.kind == "explain" and more.passages[0].doc_id == bloom.doc_id


def test_the_most_recent_paper_is_found_by_the_years_of_the_records(seeded_copy: Assistant) -> None:
    from assistant.ranking import by_year, year_of
    from assistant.web import _status, answer_markdown

    assert by_year("Which paper in my library is the most recent?") is False
    assert by_year("What is Ann's oldest paper?") is True
    assert by_year("What is the latest Gemini model?") is None  # one paper's, not the library's
    assert year_of("2021-05-03") == year_of("May 2021") == 2021 and year_of("") is None
    # the seed records carry no years, and the abstracts do not say: the answer says so
    none = seeded_copy.ask("Which paper in my library is the most recent?")
    assert none.abstained and none.text.startswith("The records of your library give no years")
    assert "give no years" in answer_markdown(none, 1) and "give no years" in _status(none, none.mode)
    seeded_copy.ingest(ROOT / "tests" / "fixtures" / "formats" / "mendeley_rm.bib", library="Ann")
    newest = seeded_copy.ask("Which of Ann's papers is the newest?")
    assert not newest.abstained and newest.mode == "extractive"
    assert newest.text.startswith(
        "By the years in the library's records, the most recent paper in Ann's library is "
        "Multimodal Dialogue Response Generation (2021) [1]."
    )
    assert [c.title for c in newest.citations] == [
        "Multimodal Dialogue Response Generation",
        "OpenViDial: A Large-Scale, Open-Domain Dialogue Dataset with Visual Contexts",
    ]
    assert newest.text.endswith("2 papers in Ann's library have no year in their record and are not ranked.")
    assert "records" in _status(newest, newest.mode) and "records" in answer_markdown(newest, 1)
    oldest = seeded_copy.ask("What is Ann's oldest paper?")
    assert "the oldest paper in Ann's library is OpenViDial" in oldest.text
    # papers of one year: all of them are the most recent, none alone
    for export in ("zotero_csl.json", "scopus_asreview.ris", "pubmed_asreview.xml"):
        seeded_copy.ingest(ROOT / "tests" / "fixtures" / "formats" / export, library="Mia")
    tied = seeded_copy.ask("Which of Mia's papers is the most recent?")
    assert tied.text.startswith(
        "By the years in the library's records, the most recent papers in Mia's library, all from 2019, are "
    )
    assert "[1], " in tied.text and "- New axioms for rigorous Bayesian probability (2009) [5]" in tied.text
    # among the papers the last answer gave
    chat = seeded_copy.chat()
    chat.ask("Which of Ann's papers is the newest?")
    older = chat.ask("Which one is older?")
    assert older.text.startswith("By the years in the library's records, the oldest of the last answer's papers is OpenViDial")


def test_a_follow_up_picking_one_of_the_things_compared_is_asked_of_them(seeded: Assistant) -> None:
    from assistant.plan import picked

    compared = ["What's the difference between deliberative alignment and RLHF?"]
    assert picked("Which one came first?", compared) == "Which of deliberative alignment and RLHF came first?"
    assert picked("which of the two is bigger?", ["Compare Flan-MoE and U-PaLM."]) == "Which of Flan-MoE and U-PaLM is bigger?"
    assert picked("Which one came first?", ["What is BLOOM?"]) is None  # nothing compared to pick from
    assert picked("Which one of my papers is about GNNs?", compared) is None  # a new question
    # a second pick is of the same things
    assert picked("And which one is multimodal?", ["Compare BLOOM and Gemini.", "Which one is open source?"]) == (
        "Which of BLOOM and Gemini is multimodal?"
    )
    # asked of the two things, the follow-up is abstained on as they are: the library has nothing on
    # RLHF (it had been answered from Gemini's 'the first model to achieve ...')
    plan = seeded.plan("Which one came first?", history=compared, sources=[])
    assert plan.abstain and "RLHF" in plan.reason


def test_a_greeting_or_thanks_is_answered_without_a_search(seeded: Assistant) -> None:
    from assistant.plan import SMALL_TALK

    for said, reply in (("hi", "Hello!"), ("Thanks!", "You're welcome."), ("ok", "Ask me about")):
        answer = seeded.ask(said)
        assert answer.reason == SMALL_TALK and answer.text.startswith(reply) and not answer.retrieved, said
    # a greeting before a question does not change the question
    assert seeded.plan("Hi, what is BLOOM?").question == "what is BLOOM?"
    assert seeded.plan("Hi-C maps of chromatin?").question == "Hi-C maps of chromatin?"


def test_a_follow_up_on_what_its_papers_never_mention_says_so_and_where_it_is(seeded: Assistant) -> None:
    from assistant.plan import NOT_IN_PINNED

    moe, palm = (seeded.plan(f"What is {n}?").passages[0] for n in ("Flan-MoE", "U-PaLM"))
    plan = seeded.plan(
        "and how do they handle heterophily?", history=["Compare Flan-MoE and U-PaLM."], sources=[moe.doc_id, palm.doc_id]
    )
    assert plan.abstain and plan.reason == f"{NOT_IN_PINNED} 'heterophily'"
    assert plan.elsewhere and all("heterophily" in p.text.lower() for p in plan.elsewhere)
    chat = seeded.chat()
    assert not chat.ask("What is BLOOM?").abstained
    answer = chat.ask("how does it do on MMLU?")
    assert answer.abstained and answer.text.startswith("The abstract of BLOOM says nothing about MMLU.")
    assert "Gemini" in answer.text and "ask about them by name" in answer.text
    # a follow-up on what its papers do say is answered from them
    bloom = seeded.plan("What is BLOOM?").passages[0]
    said = seeded.plan("how many languages does it cover?", history=["What is BLOOM?"], sources=[bloom.doc_id])
    assert not said.abstain and said.passages[0].doc_id == bloom.doc_id


def test_a_question_whose_pronoun_points_at_its_own_new_name_starts_afresh(seeded: Assistant) -> None:
    # 'it' is UniMax, named just before it, not BLOOM of the last question: the question is not
    # asked of BLOOM's paper (it abstained, "The abstract of BLOOM says nothing about UniMax")
    bloom = seeded.plan("How many parameters does BLOOM have?").passages[0]
    history = ["How many parameters does BLOOM have?"]
    for question in ("What is UniMax and how does it work?", "Does the UniMax paper explain how it picks the language mix?"):
        plan = seeded.plan(question, history=history, sources=[bloom.doc_id])
        assert not plan.abstain, plan.reason
        assert "UniMax" in plan.shown[0].passage.text and plan.shown[0].passage.doc_id != bloom.doc_id
    # a pronoun before the new name still points back: 'it' is BLOOM
    plan = seeded.plan("How does it compare to UniMax?", history=history, sources=[bloom.doc_id])
    assert plan.query.subjects == ("BLOOM", "UniMax")


def test_summarise_it_is_asked_of_the_paper_the_last_answer_cited(seeded_copy: Assistant) -> None:
    # 'Summarise it in one sentence.' after a one-paper list abstained on weak evidence (its words
    # name nothing); it is an explanation of that paper, whatever its label reads as (the model's
    # label, with 'vs.' in it, had made it a comparison)
    asr = seeded_copy.plan("Which of Alex's papers are about speech?").passages[0]
    seeded_copy.labeler.label([asr], write=lambda text: "End-to-end ASR models: RNN-T vs. attention-based systems")
    history = ["Which of Alex's papers are about speech?"]
    for question, length in (
        ("Summarise it in one sentence.", 1),
        ("Explain that paper.", None),
        ("Can you describe this one?", None),
    ):
        plan = seeded_copy.plan(question, history=history, sources=[asr.doc_id])
        assert not plan.abstain, plan.reason
        assert plan.kind == "explain" and plan.shown[0].passage.doc_id == asr.doc_id and plan.length == length
    # out of the blue it names nothing to summarise
    assert seeded_copy.plan("Summarise it.").abstain


def test_compare_the_first_two_compares_those_papers_of_the_last_answer(seeded: Assistant) -> None:
    # 'Compare the first two.' after a list was read as a fact about nothing and abstained
    listed = seeded.plan("What does Tony have on language models?").passages
    ids = [p.doc_id for p in listed[:3]]
    history = ["What does Tony have on language models?"]
    plan = seeded.plan("Compare the first two.", history=history, sources=ids)
    assert not plan.abstain and plan.kind == "compare" and [s.passage.doc_id for s in plan.shown] == ids[:2]
    plan = seeded.plan("How do the first and the last differ?", history=history, sources=ids)
    assert [s.passage.doc_id for s in plan.shown] == [ids[0], ids[-1]]


def test_a_follow_up_on_it_is_answered_from_that_paper_or_not_at_all(seeded: Assistant) -> None:
    # 'How many questions does it have?' after 'What is SimpleQA?' was answered "MultiMedQA has 6
    # questions" from another paper the search added; SimpleQA's abstract gives no count
    simpleqa = seeded.plan("What is SimpleQA?").passages[0]
    plan = seeded.plan("How many questions does it have?", history=["What is SimpleQA?"], sources=[simpleqa.doc_id])
    assert [p.doc_id for p in plan.passages] == [simpleqa.doc_id] and plan.abstain
    # and the conversation stays on SimpleQA after that abstention
    chat = seeded.chat()
    assert chat.ask("What is SimpleQA?").citations[0].doc_id == simpleqa.doc_id
    assert chat.ask("How many questions does it have?").abstained
    graded = chat.ask("How is it graded?")
    assert not graded.abstained and {c.doc_id for c in graded.citations} == {simpleqa.doc_id}
    # a new question that abstains does not carry the paper on
    chat.ask("What is GraphSAGE?")
    assert chat.ask("How does it work?").abstained


def test_an_answer_takes_the_sentences_the_question_asks_for(seeded: Assistant) -> None:
    from assistant.kinds import asked_length

    assert asked_length("Summarise the N-Grammer paper in two sentences.") == (2, "Summarise the N-Grammer paper.")
    assert asked_length("Explain, in one sentence, how ACM works.") == (1, "Explain how ACM works.")
    assert asked_length("Briefly, what is Lingvo?") == (2, "What is Lingvo?")
    assert asked_length("Give me a one-sentence summary of BLOOM.") == (1, "Give me a summary of BLOOM.")
    assert asked_length("tl;dr of the Gemini report")[0] == 2
    assert asked_length("What are the two properties SimpleQA was designed for?") == (
        None,
        "What are the two properties SimpleQA was designed for?",
    )
    assert seeded.plan("Briefly, what is Lingvo?").kind == "explain"
    for question, most in (("Summarise the N-Grammer paper in two sentences.", 2), ("Explain UniMax in one sentence.", 1)):
        answer = seeded.ask(question)
        assert not answer.abstained and 1 <= len(answer.statements) <= most, (question, answer.text)


def test_a_question_asked_of_each_paper_the_last_answer_gave_cites_each(seeded: Assistant) -> None:
    from assistant.kinds import asks_each

    assert asks_each("and how do they handle heterophily?") and asks_each("What datasets do they use?")
    assert not asks_each("How do they handle MMLU?") and not asks_each("and how does it handle heterophily?")
    assert not asks_each("Which of them has the most parameters?")  # picks one of them
    listed = "Which papers in the library are about graph neural networks?"
    gnn = [p.doc_id for p in seeded.plan(listed).passages]
    assert len(gnn) == 2
    plan = seeded.plan("and how do they handle heterophily?", history=[listed], sources=gnn)
    assert plan.kind == "compare" and {p.doc_id for p in plan.passages} == set(gnn)
    chat = seeded.chat()
    assert not chat.ask(listed).abstained
    answer = chat.ask("and how do they handle heterophily?")
    assert not answer.abstained and {c.doc_id for c in answer.citations} == set(gnn), answer.text


def test_a_thing_the_library_names_only_as_a_baseline_is_not_explained_by_its_paper(seeded: Assistant) -> None:
    from assistant.check import check_sentence, credited_with_contribution, only_compared_with

    grammer = seeded.plan("What is the N-Grammer?").passages[0]
    assert only_compared_with("Primer", grammer.text) and not only_compared_with("N-Grammer", grammer.text)
    said = "Primer architecture is a modification to the Transformer architecture inspired by the literature in statistical language modeling [1]."
    assert credited_with_contribution(said, grammer.text)
    assert not check_sentence(said, "How does the Primer architecture work?", {1: grammer.text}).kept
    assert check_sentence(said.replace("Primer architecture", "The N-Grammer"), "What is the N-Grammer?", {1: grammer.text}).kept
    # nor any claim opening with its name in the contribution's words; 'It augments ...' opening the
    # answer is checked as 'Primer augments ...'
    claim = "Primer augments the model with n-grams that are constructed from a discrete latent representation [1]."
    assert not check_sentence(claim, "How does the Primer architecture work?", {1: grammer.text}).kept
    assert check_sentence(claim.replace("Primer", "The N-Grammer"), "How does it work?", {1: grammer.text}).kept
    # in small letters, when the question writes it as a name
    lower = "The primer architecture is inspired by the literature in statistical language modeling [1]."
    assert credited_with_contribution(lower, grammer.text, "How does the Primer architecture work?")


def test_a_reply_that_runs_out_of_tokens_mid_sentence_does_not_show_the_broken_sentence(seeded_copy: Assistant) -> None:
    from assistant.answer import _ENDED

    assert not _ENDED.search("... for diverse node heter") and _ENDED.search("... heterophily situations [2].")
    seeded_copy.settings.answer = seeded_copy.settings.answer.model_copy(update={"max_tokens_long": 40})
    for question in ("Explain how UniMax works.", "What is Lingvo?"):
        answer = seeded_copy.ask(question)  # 40 tokens: the model's second or third sentence breaks off
        assert not answer.abstained and answer.statements
        assert all(_ENDED.search(s.text) for s in answer.statements if s.origin == "model"), answer.statements


def test_a_follow_up_whose_verb_only_shares_a_stem_with_another_paper_is_asked_of_its_papers(tmp_path: Path) -> None:
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "sfl")
    a.ingest(ROOT / "benchmarks" / "data" / "scifact_library.jsonl")
    listed = "Which papers are about Crohn's disease?"
    crohn = [p.doc_id for p in a.plan(listed).passages]
    plan = a.plan("what genes do they implicate?", history=[listed], sources=crohn)
    assert not plan.abstain, plan.reason  # 'implicate' is no topic of another paper ('implications' is not it)


def test_an_acronyms_papers_are_searched_for_by_its_words_too(tmp_path: Path) -> None:
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "sfl")
    a.ingest(ROOT / "benchmarks" / "data" / "scifact_library.jsonl")
    # 'Werner syndrome (WS) ...' defines it; the other paper writes 'Werner syndrome (WRN)' and did not
    # come up among the candidates for the letters 'WS'
    plan = a.plan("Which papers are about WS?")
    assert plan.kind == "list" and not plan.abstain
    assert len(plan.passages) == 2 and all("Werner syndrome" in p.text for p in plan.passages)


def test_a_name_is_mentioned_as_a_word_not_inside_another() -> None:
    # 'RL' is in no word of 'world' or 'early'; the Lingvo abstract was taken as one about the
    # 'model-based RL agent' and quoted for how that agent decides what to attend to
    assert not mentions("A framework used around the world since early 2019.", "RL")
    assert not mentions("Smart Compose helps millions of users around the world.", "AI")
    assert mentions("We release umT5 checkpoints.", "T5")  # a name in its own case, inside a word
    assert mentions("We continue training PaLM to get U-PaLM.", "PaLM") and mentions("Most GNNs assume homophily.", "GNN")
    assert mentions("Flan-MoE models outperform dense ones.", "MoE")
    assert mentions("determined by cryo-electron microscopy", "cryo-EM")  # a part spelled out
    # an acronym is spelled out by words of one clause, none of them an article or a pronoun
    assert spells_out("RL", "a model-based deep reinforcement learning agent")
    assert spells_out("RNN-T", "the recurrent neural network transducer (RNN-T)") and spells_out(
        "MoE", "Sparse Mixture-of-Expert models"
    )
    assert not spells_out("RL", "to extract richer, localized information")
    assert not spells_out("RNN-T", "RNN-T is a recurrent neural network that is used in speech recognition")


def test_a_list_of_papers_on_an_acronym_takes_the_papers_that_spell_it_out(seeded: Assistant) -> None:
    # 'Which papers are about RL?' abstained: no abstract writes 'RL', two say 'reinforcement learning'
    agent, o1 = "model-based deep reinforcement learning agent", "trained with large-scale reinforcement learning"
    assert expansions("RL", [agent, o1]) == {"RL": {"reinforc learn"}}
    assert expansions("RL", [agent]) == {"RL": set()}  # two letters once may be chance ('audio inputs' for 'AI')
    assert expansions("RL", [agent, "Deep reinforcement learning (RL) agents"]) == {"RL": {"reinforc learn"}}  # defined
    assert expansions("AI", ["any audio and image input", "audio and image tokens"]) == {"AI": set()}  # 'and' stands in none
    assert expansions("LLMs", ["Large language models (LLMs) are", "multilingual large language models"]) == {
        "LLMs": {"larg languag model"}
    }
    assert expansions("CAT", ["cells and tissues", "in cells and tissues"]) == {"CAT": set()}  # a chance run, though twice
    assert about("RL", agent, spelled={"RL": {"reinforc learn"}}) and not about("RL", agent)
    assert spells_out("WS", "Werner syndrome (WS) predisposes") and spells_out(
        "GNNs", "graph neural networks"
    )  # S a letter, s a plural
    listed = seeded.ask("Which papers are about RL?")
    assert not listed.abstained and {c.label for c in listed.citations} >= {"o1 model series"}
    assert len(listed.citations) == 2
    # typed in small letters, as people do ('which papers are about rl' abstained on the word 'rl')
    assert [p.doc_id for p in seeded.plan("which papers are about rl").passages] == [c.doc_id for c in listed.citations]
    # 'Pretrained multilingual large language models ...' (UniMax) is about LLMs too
    assert "UniMax" in {c.label for c in seeded.ask("Which papers are about LLMs?").citations}


def test_what_an_acronym_stands_for_is_the_words_that_spell_it_or_nothing(seeded_copy: Assistant) -> None:
    assert stands_for("What does ASR stand for?") == "ASR" and stands_for("What is RNN-T short for?") == "RNN-T"
    assert stands_for("What does the acronym ACM mean?") == "ACM" and stands_for("What is the full name of GNNs?") == "GNNs"
    assert stands_for("What does ACM mean?") is None and stands_for("What does UL2R stand for?") is None  # digits spell nothing
    assert kind_of("What is RNN-T short for?") == "fact"
    ans = seeded_copy.ask("What does ASR stand for?")
    assert not ans.abstained and "automatic speech recognition" in ans.text.lower()
    # an abstract spelling it out is the evidence, however little else it shares with the question
    # (it abstained on weak evidence, 0.65 against 0.68)
    assert "mixture-of-expert" in seeded_copy.ask("What is MoE short for?").text.lower()
    # the words it puts before those spelling MoE out name more than MoE ('... stands for
    # Instruction-Finetuned Sparse Mixture-of-Expert models')
    said = "MoE stands for Instruction-Finetuned Sparse Mixture-of-Expert models [1]."
    assert spelled_only("MoE", said) == "MoE stands for Mixture-of-Expert models [1]."
    assert spelled_only("ASR", "ASR stands for automatic speech recognition.") == "ASR stands for automatic speech recognition."
    # the BLOOM abstract never spells its name out: 'BLOOM stands for "Decoder-Only Transformer"' was answered
    bloom = seeded_copy.ask("What does BLOOM stand for?")
    assert bloom.abstained and bloom.reason == "no abstract spells out 'BLOOM'"
    assert bloom.retrieved[0].label == "BLOOM" and bloom.text.endswith("No abstract in your library spells out BLOOM.")
    # in a conversation, 'What does it stand for?' asks it of the last question's acronym (it was
    # answered with a quote of ACM's results)
    chat = seeded_copy.chat()
    chat.ask("What is ACM?")
    assert "adaptive channel mixing" in chat.ask("What does it stand for?").text.lower()


def test_the_first_sentence_on_a_compared_paper_says_which_paper(seeded_copy: Assistant) -> None:
    # 'It proposes new metrics ...' opened 'Compare the two GNN papers.', pointing back to nothing
    reply = " was written at Google in 1990 [1]. It proposes new metrics based on a similarity matrix [1]."  # the first dropped
    ans, _, _ = ask_with(seeded_copy, reply, "Compare the two GNN papers.")
    assert not ans.text.startswith("It ") and ans.statements[0].origin == "model"
    assert ans.text.split(" proposes new metrics")[0] in ("This paper", ans.citations[0].label)


def test_compare_the_first_two_after_a_question_in_between_compares_those_of_the_last_list() -> None:
    # 'Compare the first two.' after a list, then a question on BLOOM, compared BLOOM with nothing
    from assistant.chat import talked_about_in
    from assistant.types import Citation

    def cited(kind: str, *ids: str) -> Answer:
        refs = tuple(Citation(number=i + 1, doc_id=d, label=d, text=d, libraries=("Tony",), score=1.0) for i, d in enumerate(ids))
        return Answer(question="q", text="t", abstained=False, kind=kind, mode="generated", citations=refs)  # type: ignore[arg-type]

    turns = [("What does Tony have on language models?", cited("list", "a", "b", "c")), ("How big is A?", cited("fact", "a"))]
    # the list's papers, of which the plan takes the places asked for
    assert talked_about_in(turns, "Compare the first two.") == ["a", "b", "c"]
    assert talked_about_in(turns, "How do the first and the last differ?") == ["a", "b", "c"]
    assert talked_about_in(turns, "What does it find?") == ["a"]  # any other question: the last answer's
    assert talked_about_in(turns[:1], "Compare the first two.") == ["a", "b", "c"]


def test_a_list_line_on_a_named_topic_shows_where_its_paper_names_it(seeded_copy: Assistant) -> None:
    # 'Which papers mention MMLU?' listed U-PaLM with what UL2R is, and Gemini with what Gemini is:
    # nothing showed that either mentions MMLU. A line that does not name the topic is not kept; the
    # sentence of the abstract that names it is quoted instead.
    reply = " presents a new family of large models that perform well."
    ans, _, _ = ask_with(seeded_copy, reply, "Which papers mention MMLU?")
    assert ans.kind == "list" and not ans.abstained and len(ans.citations) >= 2
    lines = [line for line in ans.text.splitlines() if line.startswith("- ")]
    assert len(lines) == len(ans.citations) and all("MMLU" in line for line in lines)
    assert all(s.origin == "quote" for s in ans.statements)
    # a line that names the topic is the model's, kept as written (the same line again says nothing new)
    ans, _, _ = ask_with(seeded_copy, " evaluates on MMLU.", "Which papers mention MMLU?")
    assert ans.statements[0].origin == "model" and ans.text.startswith("- ") and "This paper evaluates on MMLU" in ans.text
    # each paper's line stands in the list's order, a quote where the model's did not hold up
    assert [s.citations[0] for s in ans.statements] == sorted(c.number for c in ans.citations)


def test_a_name_the_model_echoes_in_the_users_typing_is_shown_as_the_abstracts_write_it(seeded_copy: Assistant) -> None:
    # 'whats the difference between o1 and gpt-4o' was answered '... Gpt-4o is a model that accepts ...'
    source = "GPT-4o is an autoregressive omni model. The o1 model series. BLOOM uses ROOTS; umT5, mC4. Smart Compose"
    said = "gpt-4o and o1 differ; bloom uses roots, umt5 and mc4; smart compose suggests."
    assert recased(said, [source]) == "GPT-4o and o1 differ; BLOOM uses ROOTS, umT5 and mC4; smart compose suggests."
    assert recased("the model is new", ["The model. the model"]) == "the model is new"  # ordinary words as written
    ans, _, _ = ask_with(
        seeded_copy, "gpt-4o accepts text, audio, image, and video inputs [1].", "what does gpt-4o accept as input"
    )
    assert ans.text.startswith("GPT-4o accepts text")


def test_an_answer_opening_with_it_names_the_one_thing_the_question_asks_about(seeded_copy: Assistant) -> None:
    # 'What are the limitations of GPT-4o?' opened 'It is also better at vision ...': the sentence
    # naming GPT-4o before it did not hold up
    reply = "GPT-4o was trained by Google [1]. It understands vision and audio better than existing models [1]."
    ans, _, _ = ask_with(seeded_copy, reply, "What is GPT-4o good at?")
    assert ans.text.startswith("GPT-4o understands vision and audio better") and "Google" not in ans.text


def test_a_list_papers_quote_is_the_sentence_that_says_the_topic(seeded_copy: Assistant) -> None:
    # 'Which papers are about instruction tuning?' quoted Med-PaLM's 'To address this, we present
    # MultiMedQA, a benchmark ...': a contribution, but not one that shows the paper is on the topic.
    # Flan-MoE ('Instruction-Finetuned ... instruction-finetuning') is on it too.
    reply = " presents a new family of large models that perform well."
    ans, _, _ = ask_with(seeded_copy, reply, "Which papers are about instruction tuning?")
    assert ans.kind == "list" and not ans.abstained
    lines = [line for line in ans.text.splitlines() if line.startswith("- ")]
    labels = " ".join(c.label for c in ans.citations)
    assert "Flan-MoE" in labels and "Med-PaLM" in labels, labels
    assert all(re.search(r"instruction[ -](?:prompt )?(?:fine)?-?tun", line, re.I) for line in lines), lines
    assert all(s.origin == "quote" for s in ans.statements)  # the model's lines said nothing of the topic
    # a line that says the topic's words is the model's, kept
    ans, _, _ = ask_with(seeded_copy, " studies instruction tuning.", "Which papers are about instruction tuning?")
    assert ans.statements[0].origin == "model" and "This paper studies instruction tuning" in ans.text


def test_asked_for_a_cause_the_answer_gives_one_the_abstract_gives_in_any_words() -> None:
    # 'What causes Werner syndrome?': '... owing to mutations in WRN' says the cause without the
    # word 'cause'; the model's 'caused by mutations in WRN' was dropped for it
    ws = "Werner syndrome (WS) predisposes patients to cancer and premature aging, owing to mutations in WRN. We study repair."
    q = "What causes Werner syndrome?"
    assert unsupported("Werner syndrome is caused by mutations in WRN.", q, ws) == []
    assert unsupported("Mutations in WRN cause Werner syndrome.", q, ws) == []
    assert unsupported("Werner syndrome is caused by premature aging.", q, ws)  # what it causes, not its cause
    # 'The causes of congenital nephrotic syndrome are massive proteinuria ...': its signs, not its cause
    cnf = (
        "Congenital nephrotic syndrome is an autosomal recessive disease characterized by massive proteinuria already in "
        "utero and nephrosis shortly after birth. The disease is caused by mutations in the gene for nephrin."
    )
    q = "What causes congenital nephrotic syndrome?"
    assert unsupported("The causes of congenital nephrotic syndrome are massive proteinuria shortly after birth.", q, cnf)
    assert unsupported("Congenital nephrotic syndrome is caused by mutations in the gene for nephrin.", q, cnf) == []


def test_asked_what_a_paper_introduces_the_answer_is_where_it_introduces_a_thing_of_that_kind(seeded_copy: Assistant) -> None:
    # 'What benchmark does Med-PaLM introduce?' was abstained: the two sentences shown were the ones
    # naming Med-PaLM and 'limited benchmarks', not 'we present MultiMedQA, a benchmark ...'
    plan = seeded_copy.plan("What benchmark does Med-PaLM introduce?")
    assert any("we present MultiMedQA" in s.text for s in plan.shown[0].sentences)
    ans, _, _ = ask_with(seeded_copy, "Med-PaLM introduces a new set of models at 8B, 62B and 540B scale [1].", plan.question)
    assert not ans.abstained and "MultiMedQA" in ans.text and "540B" not in ans.text, ans.text
    # a question about what a thing does is not one about what its paper introduces
    assert not any(
        "we present MultiMedQA" in s.text for s in seeded_copy.plan("What accuracy does Med-PaLM reach?").shown[0].sentences
    )


def test_a_question_naming_a_thing_is_answered_from_the_abstract_about_it(seeded: Assistant) -> None:
    # the rare 'long-form' found the ASR paper first, and the yes/no decision was read from it;
    # 'system card' found GPT-4o's, and o1's question was abstained as weak evidence
    plan = seeded.plan("Is SimpleQA about long-form answers?")
    assert plan.passages[0].name == "SimpleQA", [p.name for p in plan.passages]
    plan = seeded.plan("What did the o1 system card evaluate?")
    assert not plan.abstain and "o1" in plan.passages[0].text.split(".")[0], plan.reason


def test_a_yes_or_no_is_supported_from_the_abstract_it_was_read_from(seeded_copy: Assistant) -> None:
    # 'Does preconception care reduce congenital malformations?' - 'Yes.' read from the meta-analysis
    # of preconception care, then supported by a vitamin study's finding on birth weight [4]
    question = "Do mixture-of-experts models benefit from instruction tuning?"
    plan = seeded_copy.plan(question)
    assert plan.decision == "Yes" and plan.shown[0].passage.name == "Flan-MoE"
    med = next(s.number for s in plan.shown if s.passage.name.startswith("Med-PaLM"))
    reply = f"Yes. Medical reasoning improves with model scale and instruction prompt tuning [{med}]."
    ans, _, _ = ask_with(seeded_copy, reply, question)
    assert ans.text.startswith("Yes.") and [c.label for c in ans.citations] == ["Flan-MoE"], ans.text
    assert "medical" not in ans.text.lower()


def test_a_model_echoing_the_earlier_question_does_not_pick_the_quote(seeded_copy: Assistant) -> None:
    # 'How does it evaluate safety?' after a question on reinforcement learning: the model wrote "The
    # question follows the earlier question: ... reinforcement learning", which did not hold up, and
    # its words picked the quote on reinforcement learning, not the one on safety evaluations
    echo = "The question follows the earlier question: How is the o1 model series trained with reinforcement learning?"
    gen = Scripted("The o1 model series is trained with large-scale reinforcement learning [1].", later=(echo,))
    seeded_copy._generator = gen  # type: ignore[assignment]
    chat = seeded_copy.chat()
    chat.ask("How is the o1 model series trained with reinforcement learning?")
    ans = chat.ask("How does it evaluate safety?")
    assert not ans.abstained and ans.statements[0].origin == "quote", ans.text
    assert "safety evaluations" in ans.statements[0].text and "reinforcement" not in ans.statements[0].text, ans.text


def test_which_of_two_is_bigger_is_answered_by_the_numbers_their_abstracts_give(seeded_copy: Assistant) -> None:
    # 'BLOOM or U-PaLM - which one has more parameters?' described each and never said which
    ans, pieces, _ = ask_with(seeded_copy, "It is a language model [1].", "BLOOM or U-PaLM — which one has more parameters?")
    assert (
        pieces[0]
        == "By the sizes the abstracts give, U-PaLM is the larger: up to 540B parameters [2], against 176B for BLOOM [1]."
    )
    assert {c.label for c in ans.citations} >= {"BLOOM", "UL2R / U-PaLM"}
    # a size written with another model's name is not the thing's own ('Flan-PaLM-62B' beside 'Flan-MoE-32B');
    # a thing asked of at one end of its sizes is measured there
    plan = seeded_copy.plan("Is Flan-MoE's largest model bigger than the smallest U-PaLM?")
    assert [(m.said, n) for _, n, m in plan.measured] == [("32B", 1), ("8B", 2)]
    plan = seeded_copy.plan("Which has more languages, BLOOM or umT5?")
    assert [m.said for _, _, m in plan.measured] == ["107 languages", "46 natural and 13 programming languages"]
    # no number of the thing in an abstract: no verdict, the comparison in words only
    assert seeded_copy.plan("Which is larger, Gemini Ultra or BLOOM?").measured == ()
    assert seeded_copy.plan("Compare BLOOM and U-PaLM.").measured == ()


def test_whether_one_thing_has_more_than_another_is_answered_by_their_numbers(seeded_copy: Assistant) -> None:
    # 'Does BLOOM have more parameters than U-PaLM?' was abstained as weak evidence
    ans = seeded_copy.ask("Does BLOOM have more parameters than U-PaLM?")
    assert (
        ans.text
        == "No. By the sizes the abstracts give, U-PaLM is the larger: up to 540B parameters [2], against 176B for BLOOM [1]."
    )
    assert [c.label for c in ans.citations] == ["BLOOM", "UL2R / U-PaLM"] and ans.mode == "extractive"
    # a part of a count said with another is not the count ('13 programming languages')
    ans = seeded_copy.ask("Does BLOOM cover fewer languages than umT5?")
    assert ans.text.startswith("Yes. By the numbers the abstracts give, BLOOM has fewer languages: 46 natural and 13 programming")
    # asked as 'Is A bigger than B?' (read as a comparison): Yes or No first, then the comparison
    ans, pieces, _ = ask_with(seeded_copy, "It is a language model [1].", "Is the smallest U-PaLM smaller than BLOOM?")
    assert pieces[0].startswith("Yes. By the sizes the abstracts give, the smallest U-PaLM is the smaller: 8B parameters")


def test_how_many_is_shown_the_sentence_that_counts_the_thing_asked(tmp_path: Path) -> None:
    # 'How many patients were in the lung cancer delay study?' was answered from another abstract's
    # '83 patients': the two sentences shown of the study were those its other words describe
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "sfl")
    a.ingest(ROOT / "benchmarks" / "data" / "scifact_library.jsonl")
    plan = a.plan("How many patients were in the lung cancer delay study?")
    assert plan.shown[0].passage.doc_id == "scifact:44562904"
    assert any(re.search(r"\b5[26] (?:of 73 )?patients\b", s.text) for s in plan.shown[0].sentences), plan.shown[0].sentences
    # an abstract that counts no patients is not quoted for its '244 counties' when the model's answer fails
    q = "How many patients were in the breast cancer mortality study?"
    plan = a.plan(q)
    assert "244 counties" in plan.shown[0].passage.text and not plan.abstain
    assert quote_for(plan.query, plan.shown[0], plan.evidence) is None
    assert quote_for(plan.query, plan.shown[0], plan.evidence, next(iter(plan.shown[0].sentences))) is None
    plan = a.plan("How many counties were in the breast cancer mortality study?")
    quote = quote_for(plan.query, plan.shown[0], plan.evidence)
    assert quote is not None and "244 counties" in quote.text


def test_which_is_faster_opens_with_the_sentence_that_says_so(seeded_copy: Assistant) -> None:
    # 'Which model is faster, GPT-4o or GPT-4 Turbo?' described GPT-4o and never said; its abstract
    # says 'It matches GPT-4 Turbo performance ..., while also being much faster and 50% cheaper'
    ans, _, _ = ask_with(seeded_copy, "GPT-4o is an omni model [1].", "Which model is faster, GPT-4o or GPT-4 Turbo?")
    assert ans.statements[0].origin == "quote" and "much faster" in ans.statements[0].text, ans.text
    assert ans.statements[0].text.startswith("GPT-4o can respond")  # 'It matches ...' with what 'It' is
    # a question on how each gets 'more performance' asks no one of them
    plan = seeded_copy.plan("How do Flan-MoE and U-PaLM each squeeze more performance out of a fixed compute budget?")
    assert plan.settles == ()
