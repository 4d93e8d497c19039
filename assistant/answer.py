"""Answering: numbers the passages, builds the prompt, streams the model, checks citations and
support, and decides abstention."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from .config import Settings
from .evidence import (
    DocFreq,
    Embed,
    Evidence,
    Sentence,
    check_answer,
    cited_numbers,
    decide,
    is_refusal,
    is_yes_no,
    measure,
    split_decision,
    strip_citations,
)
from .generate import Generator, Message
from .prompts import Prompts
from .text import terms
from .types import Answer, Citation, ModelError, Passage

log = logging.getLogger(__name__)
_MARGIN = 32  # tokens kept free for the chat template's own markers
_MAX_SENTENCE = 600  # characters of one sentence shown to the model


@dataclass(frozen=True)
class Shown:
    """A passage as numbered and shown to the model: its best sentences in abstract order."""

    number: int
    passage: Passage
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def citation(self) -> Citation:
        p = self.passage
        return Citation(
            self.number, p.doc_id, p.title, p.text, p.libraries, p.score, p.url, tuple(s.text for s in self.sentences)
        )


def abstain_decision(ev: Evidence, threshold: float) -> tuple[bool, str]:
    """Whether the measured evidence is too weak to attempt an answer, and why."""
    if not ev.sentences:
        return True, "no documents to search"
    if not ev.question_terms:
        return False, ""
    if not ev.focus_found:
        return True, f"no abstract on this topic mentions '{ev.focus}'"
    strength = 0.55 * ev.coverage + 0.45 * max(0.0, min(1.0, (ev.sentence_dense - 0.1) / 0.5))
    strength -= 0.5 * ev.unknown_share
    ev.features["strength"] = strength
    if strength < threshold:
        return True, f"weak evidence ({strength:.2f} < {threshold:.2f})"
    return False, ""


class Answerer:
    def __init__(
        self,
        settings: Settings,
        prompts: Prompts,
        generator: Callable[[], Generator],
        embed: Embed,
        doc_freq: DocFreq,
    ) -> None:
        self.settings = settings
        self.prompts = prompts
        self._generator = generator
        self._embed = embed
        self._doc_freq = doc_freq

    # -- prompt ------------------------------------------------------------------------------
    def select(self, ev: Evidence, passages: list[Passage]) -> list[Shown]:
        shown = []
        for i, (p, ranked) in enumerate(zip(passages, ev.sentences, strict=True), 1):
            per = self.settings.answer.sentences_per_passage if i == 1 else self.settings.answer.sentences_other
            best = sorted(ranked[:per], key=lambda s: s.position)
            shown.append(Shown(i, p, tuple(replace(s, text=_clip(s.text)) for s in best)))
        return shown

    def _passages_block(self, shown: list[Shown]) -> str:
        return "\n".join(
            self.prompts.render(
                "passage", number=s.number, text=s.text, title=s.passage.title, libraries=", ".join(s.passage.libraries)
            )
            for s in shown
        )

    def _render(self, question: str, shown: list[Shown], gen: Generator) -> tuple[list[Message] | str, int]:
        block = self._passages_block(shown)
        cannot = self.prompts.cannot_answer
        if gen.completion:
            prompt = self.prompts.render("completion", passages=block, question=question, cannot_answer=cannot)
            return prompt, gen.count(prompt)
        system = self.prompts.render("system", cannot_answer=cannot)
        user = self.prompts.render("question", passages=block, question=question)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}], gen.count(system) + gen.count(user)

    def build(self, question: str, shown: list[Shown], gen: Generator) -> tuple[list[Message] | str, list[Shown]]:
        """The prompt, fitted to the context: passages are dropped from the end (least relevant)
        and, as a last resort, the question is cut."""
        budget = gen.n_ctx - self.settings.answer.max_tokens - _MARGIN
        prompt, used = self._render(question, shown, gen)
        while used > budget and len(shown) > 1:
            shown = shown[:-1]
            prompt, used = self._render(question, shown, gen)
        while used > budget and len(question) > 40:
            question = question[: int(len(question) * 0.8)]
            prompt, used = self._render(question, shown, gen)
        return prompt, shown

    # -- the whole path ------------------------------------------------------------------------
    def stream(self, question: str, passages: list[Passage], retrieval_question: str | None = None) -> Iterator[str | Answer]:
        t0 = time.perf_counter()
        ev = measure(retrieval_question or question, passages, self._embed, self._doc_freq)
        shown = self.select(ev, passages)
        abstain, reason = abstain_decision(ev, self.settings.answer.abstain_threshold)
        timings = {"evidence": time.perf_counter() - t0}
        if abstain:
            answer = self._abstention(question, shown, reason, timings)
            yield answer.text
            yield answer
            return
        gen = self._generator()
        # A yes/no question: the decision is read from the evidence (the tiny models' own yes/no is
        # no better than chance), the model's words are the reason, checked as any answer.
        decision = decide(ev.sentences[0]) if is_yes_no(question.rsplit("\n", 1)[-1]) and ev.sentences else None
        prompt, shown = self.build(question, shown, gen)
        pieces: list[str] = []
        first = None
        stop = ["\n\n", "Question:", "Abstracts:"]
        try:
            for piece in gen.stream(prompt, self.settings.answer.max_tokens, stop=stop):
                if first is None:
                    first = time.perf_counter() - t0
                pieces.append(piece)
                yield piece
        except ModelError:
            raise
        except Exception as e:  # the engine failing mid-answer is a model problem for the user
            raise ModelError(f"the model stopped while answering ({e})") from None
        timings["first_token"] = first or 0.0
        timings["total"] = time.perf_counter() - t0
        yield self.finish(question, "".join(pieces), shown, ev, timings, decision=decision)

    def finish(
        self,
        question: str,
        raw: str,
        shown: list[Shown],
        ev: Evidence,
        timings: dict[str, float],
        decision: str | None = None,
    ) -> Answer:
        """Check the model's text: drop citations to nothing shown, catch refusals and unsupported
        claims (replaced by a quoted source sentence), and record what is cited. A yes/no answer
        opens with the given decision; the model's words after any yes/no of its own are the reason."""
        numbers = {s.number for s in shown}
        text = strip_citations(raw.strip(), numbers)
        if decision:
            answer = self.finish(question, split_decision(text)[1], shown, ev, timings)
            if answer.abstained or answer.mode == "extractive":  # the finding the decision was read from is the reason
                answer = self._extractive(question, shown, ev, answer.reason or "no reason given", timings, closing=True)
            return replace(
                answer, text=f"{decision}. {answer.text}" if answer.mode == "extractive" else f"{decision}, {answer.text}"
            )
        if not text or is_refusal(text, self.prompts.cannot_answer):
            return self._abstention(question, shown, "the model found no answer in the abstracts", timings)
        cited = [n for n in cited_numbers(text) if n in numbers]
        by_number = {s.number: s for s in shown}
        if not cited:  # an uncited answer is held to the abstract that supports it best
            cited = [_best_support(text, shown)]
            text = f"{text.rstrip()} [{cited[0]}]"
        # A citation must point at an abstract about the question, not at any abstract holding the words.
        cov = ev.passage_coverage
        off_topic = [n for n in cited if n - 1 < len(cov) and cov[n - 1] < max(cov, default=0.0) - 0.2]
        if off_topic:
            return self._extractive(question, shown, ev, f"cited an abstract off the question: [{off_topic[0]}]", timings)
        sources = [by_number[n].passage.text for n in cited]
        check = check_answer(text, question, sources)
        if not check.supported or not check.responsive:
            why = "unsupported: " + ", ".join(check.unsupported) if not check.supported else "did not answer"
            return self._extractive(question, shown, ev, why, timings)
        retrieved = tuple(s.citation() for s in shown)
        citations = tuple(by_number[n].citation() for n in cited)
        return Answer(question, text, False, citations, retrieved, "generated", "", timings)

    def _extractive(
        self, question: str, shown: list[Shown], ev: Evidence, why: str, timings: dict[str, float], closing: bool = False
    ) -> Answer:
        """The best supporting sentence, quoted; with `closing`, the best of the top abstract's
        closing sentences (where a study states its finding)."""
        best = ev.best()
        if closing and ev.sentences and ev.sentences[0]:
            last = sorted(ev.sentences[0], key=lambda s: s.position)[-3:]
            best = max(last, key=lambda s: s.score)
        if best is None:
            return self._abstention(question, shown, why, timings)
        number = best.passage + 1
        text = self.prompts.render("extractive", sentence=best.text, number=number)
        by_number = {s.number: s for s in shown}
        return Answer(
            question,
            text,
            False,
            (by_number[number].citation(),),
            tuple(s.citation() for s in shown),
            "extractive",
            why,
            timings,
        )

    def _abstention(self, question: str, shown: list[Shown], reason: str, timings: dict[str, float]) -> Answer:
        closest = (
            "\n".join(f"- {s.passage.title} ({', '.join(s.passage.libraries)})" for s in shown[:3]) or "- (the library is empty)"
        )
        text = self.prompts.render("abstain", closest=closest)
        return Answer(question, text, True, (), tuple(s.citation() for s in shown), "abstained", reason, timings)


def _clip(sentence: str, limit: int = _MAX_SENTENCE) -> str:
    """A run-on 'sentence' (an abstract without full stops) is cut so one passage cannot fill the context."""
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + " …"


def _best_support(text: str, shown: list[Shown]) -> int:
    """The shown passage sharing most terms with an uncited answer."""
    a = set(terms(text))
    return max(shown, key=lambda s: len(a & set(terms(s.passage.text)))).number
