"""From a plan to an answer: the prompt for the question's kind, the model's text checked sentence
by sentence as it streams (only checked sentences are shown, never taken back), quotes where the
model's words do not hold up, and the final Answer record."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from . import tuning
from .check import (
    COUNT_Q,
    SentenceBuffer,
    Verdict,
    check_sentence,
    content_terms,
    copied_from,
    echoed,
    exact_names,
    is_refusal,
    responsive,
    without_citations,
)
from .config import Settings
from .evidence import Sentence, focus_term, split_decision
from .generate import Generator, Message
from .guard import neutralise_special
from .kinds import counts_papers, stands_for
from .plan import (
    FROM_MEASURES,
    FROM_NUMBERS,
    FROM_RECORD,
    FROM_YEARS,
    NAMED_NOWHERE,
    NO_LIBRARY,
    NO_MORE,
    NO_YEARS,
    NONE_AMONG,
    NOT_IN_PINNED,
    NOT_SPELLED,
    SMALL_TALK,
    Plan,
    Shown,
    answer_wanted,
    contributions,
    listed_with,
    names_or_spells,
    offers,
    quote_for,
    set_aside,
    small_talk,
    subject_names,
    topic_naming,
    topic_saying,
    unrecorded,
    wants_a_name,
)
from .prompts import Prompts
from .ranking import YEAR
from .text import name_like, spellings, spells_out, terms
from .types import Answer, Citation, Mode, ModelError, Passage, Statement

log = logging.getLogger(__name__)
_MARGIN = 32  # tokens kept free for the chat template's own markers
_END = re.compile(r"[.!?…]+$")
Labelling = Callable[[list[Passage], int | None], list[Passage]]  # (passages, the one to name or all) -> labelled
_OF_STUDIES = re.compile(
    r"\b(stud(?:y|ies)|trials?|reviews?|papers?|reports?|finds?|found|shows?|showed|conclude[sd]?|says?|agrees?)\b", re.I
)
# Kinds whose fallback quote the model is first asked to say in its own words (an explanation is
# not: on the dev half the rewording of its quotes lost what they said, "instruction prompt tuning").
REPHRASED = ("fact",)
_PAPER_PREFILL = "This paper"  # opens each line of a list, so the model describes rather than copies


@dataclass
class _Draft:
    """The answer as it is being written: kept statements and the text shown so far."""

    statements: list[Statement] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    said: set[str] = field(default_factory=set)
    refused: bool = False
    dropped: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # the model's sentences the check did not keep, whole
    names: dict[int, Passage] = field(default_factory=dict)  # a listed paper, labelled as its line is written
    label: Labelling | None = None  # names the papers shown by name (list lines, an abstention's closest abstracts)
    naming: Callable[[str], bool] | None = None  # a list on a named topic: whether a line names it (`topic_naming`)
    saying: Callable[[str], bool] | None = None  # a list on a described topic: whether a line says its words

    def cited(self) -> set[int]:
        return {n for s in self.statements for n in s.citations}

    @property
    def own(self) -> int:
        return sum(s.origin == "model" for s in self.statements)


class Answerer:
    def __init__(self, settings: Settings, prompts: Prompts) -> None:
        self.settings = settings
        self.prompts = prompts

    # -- the prompt ----------------------------------------------------------------------------
    def written(self, plan: Plan) -> list[Shown]:
        """The passages the model writes from: a long list's first few (the rest are quoted); for
        an explanation of something named, only the abstracts that name it (others only distract
        a small model, which then mixes their facts in)."""
        if plan.kind == "list":
            return list(plan.shown[: tuning.LIST_WRITTEN])
        if plan.kind == "explain":
            about = [s for s in plan.shown if s.passage.doc_id in plan.pinned]  # a follow-up: the papers discussed
            naming = about or [s for s in plan.shown if _names_in(plan.question, s.passage.text)][:2]
            return naming or list(plan.shown)
        return list(plan.shown)

    def _render(self, plan: Plan, shown: list[Shown], question: str, gen: Generator) -> tuple[list[Message] | str, int]:
        block = "\n".join(
            self.prompts.render(
                "passage",
                number=s.number,
                text=safe(s.text, gen),
                label=safe(s.passage.name, gen),
                libraries=safe(", ".join(s.passage.libraries), gen),
            )
            for s in shown
        )
        context = self.prompts.render("followup", previous=safe(plan.previous, gen)) + "\n" if plan.previous else ""
        values = {
            "passages": block,
            "question": safe(question, gen),
            "instruction": self.prompts.render(plan.kind),
            "context": context,
        }
        if gen.completion:
            prompt = self.prompts.render("completion", cannot_answer=self.prompts.cannot_answer, **values)
            return prompt, gen.count(prompt)
        system = self.prompts.render("system", cannot_answer=self.prompts.cannot_answer)
        user = self.prompts.render("question", **values)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}], gen.count(system) + gen.count(user)

    def max_tokens(self, plan: Plan) -> int:
        return self.settings.answer.max_tokens if plan.kind in ("fact", "yesno") else self.settings.answer.max_tokens_long

    def prompt(self, plan: Plan, gen: Generator) -> tuple[list[Message] | str, list[Shown]]:
        """The prompt, fitted to the context: passages are dropped from the end (least relevant)
        and, as a last resort, the question is cut."""
        shown, question = self.written(plan), plan.question
        budget = gen.n_ctx - self.max_tokens(plan) - _MARGIN
        prompt, used = self._render(plan, shown, question, gen)
        while used > budget and len(shown) > 1:
            shown = shown[:-1]
            prompt, used = self._render(plan, shown, question, gen)
        while used > budget and len(question) > 40:
            question = question[: int(len(question) * 0.8)]
            prompt, used = self._render(plan, shown, question, gen)
        return prompt, shown

    # -- the whole path ------------------------------------------------------------------------
    def stream(self, plan: Plan, gen: Generator | None, label: Labelling | None = None) -> Iterator[str | Answer]:
        """Checked text as it is written, then the final Answer. `label` names the papers of a list
        as their lines are written (a list line opens with what tells its paper apart), and the
        closest abstracts of an abstention. A question that mistyped a name is first told how it
        was read ('Reading "gemeni" as "Gemini".')."""
        note = " ".join(f"Reading “{typed}” as “{read}”." for typed, read in plan.respelled)
        if note:
            note += "\n\n"
            yield note
        for item in self._stream(plan, gen, label):
            yield replace(item, text=note + item.text) if note and isinstance(item, Answer) else item

    def _stream(self, plan: Plan, gen: Generator | None, label: Labelling | None = None) -> Iterator[str | Answer]:
        t0 = time.perf_counter()
        timings = dict(plan.timings)
        if plan.record and not plan.abstain:  # 'Who wrote the BLOOM paper?': the library's record answers
            answer = self.from_record(plan, timings, label)
            yield answer.text
            yield answer
            return
        if plan.ranking and not plan.abstain:  # 'Which paper has the most languages?': the numbers, ranked
            answer = self.from_ranking(plan, timings, label)
            yield answer.text
            yield answer
            return
        if plan.measured and plan.kind == "yesno" and not plan.abstain:
            # 'Does BLOOM have more parameters than U-PaLM?': the two abstracts' numbers say it
            said, statement = _weighed(plan)
            cited = tuple(s.citation() for s in plan.shown if s.number in statement.citations)
            answer = _unmodelled(plan, f"{plan.decision}. {said}", cited, (statement,), FROM_MEASURES, timings)
            yield answer.text
            yield answer
            return
        if plan.abstain or gen is None:
            answer = self.abstention(plan, plan.reason or "no model", timings, label)
            yield answer.text
            yield answer
            return
        draft = _Draft(label=label)
        if plan.kind == "list":  # one short call per paper: one line each, in the order found
            if plan.contents or plan.similar:  # the library listed whole: how many papers it holds, first
                draft.pieces.append(header := _holding(plan))
                yield header
            written = self.written(plan)
            draft.naming, draft.saying = topic_naming(plan), topic_saying(plan)
            for i, shown in enumerate(written):
                if label is not None:
                    draft.names[shown.number] = label([s.passage for s in written], i)[i]
                user = (
                    self.prompts.render("paper", number=shown.number, text=safe(shown.text, gen))
                    if plan.contents or plan.similar
                    else self.prompts.render(
                        "list", number=shown.number, text=safe(shown.text, gen), topic=safe(plan.query.topic, gen)
                    )
                )
                prompt = self._single(user, _PAPER_PREFILL, gen)
                sources = {shown.number: shown.passage.text}
                yield from self._generate(plan, gen, prompt, sources, draft, timings, t0, prefill=_PAPER_PREFILL, limit=1)
                if shown.number not in draft.cited() and (best := self._quote(plan, shown, draft)) is not None:
                    # no line of the model's held up: the paper's sentence on the topic, in its place in the list
                    yield from self._show_quote(plan, draft, best, shown.number, timings, t0)
        elif plan.kind == "compare":
            yield from self._verdict(plan, draft, timings, t0)
            yield from self._compare(plan, gen, draft, timings, t0)
        else:
            prompt, written = self.prompt(plan, gen)
            timings["prompt"] = time.perf_counter() - t0
            # a sentence about a named thing holds only on an abstract that names it
            on = {s.number for s in _on_subject(plan)}
            sources = {s.number: s.passage.text for s in written if s.number in on}
            # An explanation of a named thing opens with its name, so the model says what it is in
            # its own words rather than copying the abstract's first sentence.
            names = subject_names(plan.question) if plan.kind == "explain" and not plan.previous else []
            opening = names[0] if len(names) == 1 and any(names[0].lower() in s.passage.text.lower() for s in written) else ""
            keep = min(tuning.KEEP[plan.kind], _length(plan))  # 'in two sentences' keeps two
            yield from self._generate(
                plan, gen, prompt, sources, draft, timings, t0, limit=keep, prefill=opening, cont=bool(opening)
            )
            if (
                plan.kind == "explain"
                and len(draft.statements) == 1
                and draft.own == 1
                and keep > 1
                and getattr(gen, "prefills", False)
            ):
                # A small model often stops after one sentence, the definition; an explanation also
                # says how the thing works or what it does: its reply is opened again with its own
                # checked sentence, so it goes on from there.
                first = draft.statements[0]
                cites = "".join(f"[{n}]" for n in first.citations)
                opening = f"{first.text.rstrip().rstrip('.')} {cites}. "
                yield from self._generate(
                    plan, gen, prompt, sources, draft, timings, t0, limit=keep - 1, prefill=opening, cont=True
                )
        timings["generation"] = time.perf_counter() - t0
        yield from self._complete(plan, draft, timings, t0, gen)

    def _compare(self, plan: Plan, gen: Generator, draft: _Draft, timings: dict[str, float], t0: float) -> Iterator[str]:
        """One short call per thing compared (what it is, from its own abstract), then one for how
        they differ, checked against both abstracts."""
        # one abstract on both things ('RNN-T vs attention-based models') stands for each of them
        sides = plan.shown if len(plan.shown) > 1 else plan.shown * len(plan.query.subjects)
        pairs = list(zip(plan.query.subjects, sides, strict=False))
        # a comparison of studies ("what do the two trials show") asks for each one's findings;
        # of things ("BLOOM and U-PaLM"), for what each is or does
        ask = "findings" if _OF_STUDIES.search(plan.question) else "subject"
        # one thing twice ('the two lung cancer delay studies') is two papers on it, each said as a
        # paper; so are the papers of the last answer ('Compare them.')
        twice = plan.query.twice and len({s.number for _, s in pairs}) == len(pairs) > 1
        for subject, shown in pairs:
            user = self.prompts.render(
                "findings" if twice else ask, number=shown.number, text=safe(shown.text, gen), subject=safe(subject, gen)
            )
            opening = subject if len(subject.split()) <= 3 and not twice else "This paper"
            prompt = self._single(user, opening, gen)
            sources = {shown.number: shown.passage.text}
            yield from self._generate(
                plan, gen, prompt, sources, draft, timings, t0, prefill=opening, limit=tuning.SUBJECT_SENTENCES
            )
            on_side = [x for x in draft.statements if shown.number in x.citations]
            point = _point_compared(plan)
            extra = None
            if on_side and point and not point & {t for x in on_side for t in terms(x.text)}:
                # the comparison is on a point ('how does each talk about safety?') the model said
                # nothing of for this side: the side's best sentence for the question that does
                on_point = [x for x in _ranked(plan, shown.number) if point & set(terms(x.text))]
                extra = self._next_quote(plan, draft, shown.number, on_point[:1]) if on_point else None
            if extra is not None:
                yield from self._show(plan, draft, extra, timings, t0)
            if on_side:
                yield from self._fill_side(plan, draft, shown.number, timings, t0)
        if len(pairs) == 2:
            unique = {s.number: s for _, s in pairs}.values()
            block = "\n".join(self.prompts.render("passage", number=s.number, text=safe(s.text, gen)) for s in unique)
            names = [f"{'the paper' if twice else safe(subject, gen)} [{shown.number}]" for subject, shown in pairs]
            user = self.prompts.render("contrast", passages=block, first=names[0], second=names[1])
            sources = {s.number: s.passage.text for _, s in pairs}
            # a contrast holds only if it rests on both abstracts
            yield from self._generate(plan, gen, self._single(user, "", gen), sources, draft, timings, t0, limit=1, both=True)

    def _verdict(self, plan: Plan, draft: _Draft, timings: dict[str, float], t0: float) -> Iterator[str]:
        """'Which is bigger, BLOOM or U-PaLM?' is answered first by the numbers the two abstracts give,
        as the system reads them, each cited; the comparison in words follows."""
        if plan.settles:  # 'Which model is faster, GPT-4o or GPT-4 Turbo?': where an abstract says so
            number, text = plan.settles
            sentence = next((x for x in _ranked(plan, number) if x.text == text), None)
            said = _with_antecedent(plan, number, sentence) if sentence is not None else text  # 'It matches ...'
            yield from self._show_quote(plan, draft, said, number, timings, t0)
        if not plan.measured:
            return
        said, statement = _weighed(plan)
        if _ASKS_IF.match(plan.question) and " than " in plan.question:
            # 'Is the smallest U-PaLM smaller than BLOOM?' is answered Yes or No: whether the thing it
            # asks of comes out ahead
            said = f"{'Yes' if plan.measured[0][0] == plan.query.subjects[0] else 'No'}. {said}"
        yield from self._show(plan, draft, statement, timings, t0, shown=said)

    def _fill_side(self, plan: Plan, draft: _Draft, number: int, timings: dict[str, float], t0: float) -> Iterator[str]:
        """A compared thing the answer said little of goes on with its abstract's best new sentences
        for the question, quoted, up to SIDE_SENTENCES in all."""
        while sum(number in x.citations for x in draft.statements) < tuning.SIDE_SENTENCES:
            extra = self._next_quote(plan, draft, number)
            if extra is None:
                return
            yield from self._show(plan, draft, extra, timings, t0)

    def _single(self, user: str, prefill: str, gen: Generator) -> list[Message] | str:
        """A one-question prompt (a line of a list, one side of a comparison)."""
        if gen.completion:
            return f"{user}\n{prefill}" if prefill else f"{user}\nAnswer:"
        system = self.prompts.render("system", cannot_answer=self.prompts.cannot_answer)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _generate(
        self,
        plan: Plan,
        gen: Generator,
        prompt: list[Message] | str,
        sources: dict[int, str],
        draft: _Draft,
        timings: dict[str, float],
        t0: float,
        limit: int,
        prefill: str = "",
        both: bool = False,
        cont: bool = False,
    ) -> Iterator[str]:
        """Stream one reply of the model, showing each sentence once it is checked; stop once
        `limit` sentences of this reply are kept. `prefill` opens a one-line reply, or, with `cont`,
        a reply the model goes on with."""
        buffer = SentenceBuffer()
        kept = len(draft.statements)
        line = bool(prefill) and not cont
        max_tokens = self.settings.answer.max_tokens if line else self.max_tokens(plan)
        # A completion prompt already ends with the prefill; a chat model opens its reply with it if it can.
        prefill = prefill if gen.completion or getattr(gen, "prefills", False) else ""
        pieces = gen.stream(prompt, max_tokens, stop=[*_stops(gen), *(["\n"] if line else [])], prefill=prefill)
        buffer.feed(prefill)
        used = 0
        try:
            for piece in pieces:
                used += 1
                timings.setdefault("first_token", time.perf_counter() - t0)
                for sentence in buffer.feed(piece):
                    yield from self._take(plan, sentence, sources, draft, timings, t0, both)
                if len(draft.statements) - kept >= limit:
                    break
            else:
                for sentence in buffer.flush():
                    if used >= max_tokens and not _ENDED.search(sentence):
                        # the reply ran out of tokens mid-sentence ('... for diverse node heter'): not said
                        draft.dropped.append(f"unfinished: {sentence[:80]}")
                        continue
                    yield from self._take(plan, sentence, sources, draft, timings, t0, both)
        except ModelError:
            raise
        except Exception as e:  # the engine failing mid-answer is a model problem for the user
            raise ModelError(f"the model stopped while answering ({e})") from None
        finally:
            close = getattr(pieces, "close", None)
            if close:
                close()  # frees the model for the next question at once

    def _take(
        self,
        plan: Plan,
        sentence: str,
        sources: dict[int, str],
        draft: _Draft,
        timings: dict[str, float],
        t0: float,
        both: bool = False,
    ) -> Iterator[str]:
        """Check one sentence of the model; show it at once when it holds."""
        if plan.kind == "yesno":
            sentence = split_decision(sentence)[1] or sentence
        if not draft.pieces and plan.kind in ("explain", "fact") and not plan.previous:
            # an answer opening 'It is also better at vision ...' (the sentence naming GPT-4o did not
            # hold up): 'It' is the one thing the question names, and is checked as that
            names = subject_names(plan.question)
            if len(names) == 1:
                sentence = re.sub(r"^\s*It(?=\s)", lambda _: names[0], sentence)
        verdict = check_sentence(sentence, plan.question, sources, allowed=set(sources))
        log.debug("model sentence %r -> %s", sentence, verdict)
        if not verdict.kept:
            draft.refused |= verdict.why == "refusal" or is_refusal(sentence, self.prompts.cannot_answer)
            draft.dropped.append(f"{verdict.why}: {verdict.text[:80]}")
            draft.rejected.append(verdict.text)
            return
        if both and set(verdict.citations) != set(sources):
            draft.dropped.append(f"rests on one abstract only: {verdict.text[:80]}")
            return
        if not draft.pieces and not plan.previous and plan.kind != "list" and _DANGLING.match(verdict.text):
            # 'This was done under multiple experiment settings ...' opening an answer: it points back
            # to a sentence of the model's that did not hold up, or to nothing
            draft.dropped.append(f"points back to nothing shown: {verdict.text[:80]}")
            return
        said = set(content_terms(verdict.text))
        if said and said <= draft.said:
            return  # says nothing new
        if draft.said and _repeats(said, draft.said):
            # 'They are suitable for applications ranging from complex reasoning tasks to on-device
            # memory-constrained use-cases' after 'Nano models are used for applications ranging ...'
            draft.dropped.append(f"repeats what was said: {verdict.text[:80]}")
            return
        if plan.kind in ("fact", "yesno") and not responsive(verdict.text, plan.question):
            return
        if plan.kind == "yesno" and plan.decision and 1 not in verdict.citations:
            # the Yes or No was read from the first abstract: a sentence of another supports nothing
            # of it ('Does preconception care reduce congenital malformations?' - 'Yes.' from the
            # meta-analysis of preconception care, then a vitamin study's finding on birth weight)
            draft.dropped.append(f"rests on another abstract than the decision: {verdict.text[:80]}")
            return
        if plan.kind == "fact" and wants_a_name(plan.question) and not offers(verdict.text, plan.question, "name"):
            # 'Which benchmarks ...?' answered without naming one: the model found none to name
            draft.dropped.append(f"names nothing the question asks for: {verdict.text[:80]}")
            draft.rejected.append(verdict.text)
            return
        if (acronym := stands_for(plan.question)) is not None and not spells_out(acronym, without_citations(verdict.text)):
            # 'BLOOM stands for "Decoder-Only Transformer"': words whose initials are not the acronym
            draft.dropped.append(f"does not spell out {acronym}: {verdict.text[:80]}")
            draft.rejected.append(verdict.text)
            return
        if acronym is not None:
            verdict = replace(verdict, text=spelled_only(acronym, verdict.text))
        if plan.kind == "fact" and not _beyond_aside(plan, verdict.text):
            # 'Besides the plain Transformer, which baseline ...?' answered with the Transformer
            draft.dropped.append(f"names only what the question sets aside: {verdict.text[:80]}")
            draft.rejected.append(verdict.text)
            return
        if plan.kind == "list" and set(verdict.citations) <= draft.cited():
            return  # one line per paper
        if plan.kind == "list" and draft.naming is not None and not draft.naming(verdict.text):
            # 'Which papers mention MMLU?' answered for U-PaLM with what UL2R is: a line on a named topic
            # shows where its paper names it, else the sentence that does is quoted
            draft.dropped.append(f"says nothing of {plan.query.topic}: {verdict.text[:80]}")
            return
        if plan.kind == "list" and (echo := echoed(verdict.text, plan.query.topic, sources[verdict.citations[0]])):
            # the line's prompt says its paper is on the topic: the topic's words must be the abstract's
            draft.dropped.append(f"topic words the abstract does not use ({', '.join(echo)}): {verdict.text[:80]}")
            return
        copy = next((c for n in verdict.citations if (c := copied_from(verdict.text, sources[n]))), None)
        # A sentence the model mostly copied is shown as what it is: a quote, in the source's exact words.
        statement = Statement(text=copy or verdict.text, citations=verdict.citations, origin="quote" if copy else "model")
        number = verdict.citations[0] if verdict.citations else 0
        by_meaning = 0 < number <= len(plan.second) and plan.second[number - 1] is not None
        unsaid = plan.kind == "list" and draft.saying is not None and not by_meaning and not draft.saying(verdict.text)
        if unsaid and copy:
            # 'Which papers are about instruction tuning?' answered for Med-PaLM with its sentence 'To
            # address this, we present MultiMedQA, a benchmark ...': a quote that says nothing of the
            # topic gives way to the one that does
            draft.dropped.append(f"says nothing of {plan.query.topic}: {verdict.text[:80]}")
            return
        yield from self._show(plan, draft, statement, timings, t0)
        if unsaid:
            # a line in the model's words on what the paper is ('This paper explores the safety work
            # carried out for the OpenAI o1 ...', listed for reinforcement learning) is followed, on the
            # same line, by the paper's sentence that says the topic (a paper admitted by meaning, whose
            # line cannot be asked for the topic's words, keeps its line as it is)
            quote = self._quote(plan, plan.shown[number - 1], draft) if 0 < number <= len(plan.shown) else None
            if quote is not None and not copied_from(verdict.text, quote):
                yield from self._show_quote(plan, draft, quote, number, timings, t0)

    def _show(
        self, plan: Plan, draft: _Draft, statement: Statement, timings: dict[str, float], t0: float, shown: str = ""
    ) -> Iterator[str]:
        """Show a checked statement (as `shown`, when the system has written it with its citations)."""
        text = shown or self._format(plan, statement, draft)
        if not draft.pieces and plan.decision and not shown:
            text = f"{plan.decision}. {text.lstrip()}"
        timings.setdefault("first_text", time.perf_counter() - t0)
        draft.statements.append(statement)
        draft.pieces.append(text)
        draft.said |= set(content_terms(statement.text))
        yield text

    def _show_quote(
        self, plan: Plan, draft: _Draft, text: str, number: int, timings: dict[str, float], t0: float
    ) -> Iterator[str]:
        yield from self._show(plan, draft, Statement(text=text, citations=(number,), origin="quote"), timings, t0)

    def _format(self, plan: Plan, s: Statement, draft: _Draft) -> str:
        first = not draft.pieces
        cites = "".join(f"[{n}]" for n in s.citations)
        body = s.text if s.origin == "model" else f"“{s.text}”"
        if s.origin == "model":
            body = recased(body, [plan.shown[n - 1].passage.text for n in s.citations if 0 < n <= len(plan.shown)])
        if s.origin == "model" and body[:1].islower() and not re.match(r"[a-z]+[A-Z0-9]", body):
            body = body[0].upper() + body[1:]  # 'graph neural network extends ...' (not 'umT5', 'mC4')
        number = s.citations[0] if s.citations else 0
        first_on_paper = bool(number) and not any(number in t.citations for t in draft.statements)
        if s.origin == "model" and (plan.kind == "list" or (plan.kind == "compare" and first_on_paper)):
            # a sentence about one paper says which it is: a list line 'It also examines ...' is 'This
            # paper also examines ...'; 'It proposes new metrics ...' opened 'Compare the two GNN papers.'
            paper = draft.names.get(number, plan.shown[number - 1].passage) if 0 < number <= len(plan.shown) else None
            named = paper.name if plan.kind == "compare" and paper is not None and paper.label_source != "text" else "This paper"
            body = re.sub(r"^It(?=\s)", lambda _: named, body)
        if plan.kind == "list" and number and not first_on_paper:
            return f" {body} {cites}"  # more on a paper already listed: on its line
        if plan.kind == "list":
            shown = plan.shown[s.citations[0] - 1] if s.citations and s.citations[0] <= len(plan.shown) else None
            papers = [draft.names.get(x.number, x.passage) for x in plan.shown]
            names = [p.name for p in papers]
            paper = papers[shown.number - 1] if shown else None
            # a line opens with the paper's name when that tells it apart (not a first-words label, not shared)
            label = paper.name if paper and paper.label_source != "text" and names.count(paper.name) == 1 else ""
            lead = f"{label}: " if label and label.lower() not in s.text.lower() else ""
            return f"{'' if first else chr(10)}- {lead}{body} {cites}"
        end = _END.search(body.rstrip("”")) if s.origin == "model" else None
        stop = end.group(0) if end else "."
        core = body[: end.start()] if end else body
        return f"{'' if first else ' '}{core} {cites}{stop}"

    # -- finishing ------------------------------------------------------------------------------
    def _complete(
        self, plan: Plan, draft: _Draft, timings: dict[str, float], t0: float, gen: Generator | None = None
    ) -> Iterator[str | Answer]:
        """Quote what the model left out (a listed paper without a line, a compared thing without a
        citation), or, when nothing it wrote held up, quote the sentence that answers the kind."""
        unheard = plan.evidence.features.get("rare_unknown", 0.0) > 0 and plan.kind == "explain"
        if not draft.statements and unheard:  # nothing held up, and the question names what no abstract does
            answer = self.abstention(
                plan, "the model's answer did not check out and the question names words no abstract uses", timings, draft.label
            )
            yield answer.text
            yield answer
            return
        # A refusal abstains, except on a yes/no question: there the system has already read the
        # decision from the abstracts (plan.decision) and the model only words the support, so a
        # model that finds no words falls back to the quote the decision rests on.
        if (
            not draft.statements
            and draft.refused
            and self.settings.answer.model_refusal == "abstain"
            and not (plan.kind == "yesno" and plan.decision)
            and not (plan.kind == "fact" and _others_aside(plan))  # the other things listed answer 'Besides X, which ...?'
        ):
            answer = self.abstention(plan, "the model found no answer in the abstracts", timings, draft.label)
            yield answer.text
            yield answer
            return
        for shown in self._missing(plan, draft):
            best = self._quote(plan, shown, draft)
            if best is None:
                continue
            if gen is not None and plan.kind in REPHRASED:
                # Before a quote is shown, the model gets one more, narrower try: say what the quote
                # says, to the question, in its own words (checked against the whole abstract as ever).
                before = len(draft.statements)
                yield from self._rephrase(plan, gen, shown, best, draft, timings, t0)
                if len(draft.statements) > before:
                    continue
            yield from self._show_quote(plan, draft, best, shown.number, timings, t0)
            if plan.kind == "compare":  # a compared thing the model left out is said as much of as the other
                yield from self._fill_side(plan, draft, shown.number, timings, t0)
        first = draft.statements[0].citations if draft.statements else ()
        second = plan.second[first[0] - 1] if first and first[0] <= len(plan.second) else None
        if plan.kind == "explain" and second is not None and len(draft.statements) < _length(plan):
            # A two-part question ("What is X, and what problem does it address?") gets the
            # abstract's sentence for its second part, quoted, unless the answer already says it.
            extra = self._next_quote(plan, draft, first[0], [second])
            if extra is not None:
                yield from self._show(plan, draft, extra, timings, t0)
        # An explanation the model ended early goes on, up to the four sentences, with the
        # best sentences of the abstract it cites that say something the answer has not said yet,
        # quoted; a factual question whose answer is no number or name ('under which training
        # setups ...') gets one such sentence.
        goal = min(
            tuning.EXPLAIN_SENTENCES if plan.kind == "explain" else min(len(draft.statements) + 1, tuning.DESCRIPTIVE_SENTENCES),
            _length(plan),
        )
        while (plan.kind == "explain" or _descriptive(plan, draft)) and draft.statements and len(draft.statements) < goal:
            first = draft.statements[0].citations
            extra = (
                self._next_quote(plan, draft, first[0], _pointed_back(plan, draft, first[0]) or _unsaid(plan, draft, first[0]))
                if first
                else None
            )
            if extra is None:
                break
            yield from self._show(plan, draft, extra, timings, t0)
        if (left := _left_out(plan, draft)) is not None:
            # 'What datasets did they evaluate on?' answered 'the C4 data-set' from '... on the C4
            # data-set as well as text classification on the SuperGLUE data-set': the sentence is
            # quoted for the others it names
            yield from self._show_quote(plan, draft, _with_antecedent(plan, left[0], left[1]), left[0], timings, t0)
        if not draft.statements:
            answer = self.abstention(plan, "nothing in the abstracts could be quoted", timings, draft.label)
            yield answer.text
            yield answer
            return
        if plan.kind == "list" and counts_papers(plan.question) and not plan.contents:
            # 'How many papers do I have on GNNs?': the count of the papers listed, after them
            n = len({c for s in draft.statements for c in s.citations})
            where = _library_of(plan)
            count = f"\n\n{n} paper{'' if n == 1 else 's'} in {where} {'is' if n == 1 else 'are'} about {plan.query.topic}."
            draft.pieces.append(count)
            yield count
        timings["total"] = time.perf_counter() - t0 + plan.timings.get("retrieval", 0.0) + plan.timings.get("evidence", 0.0)
        mode: Mode = "generated" if draft.own else "extractive"
        why = "; ".join(draft.dropped[:3]) if mode == "extractive" else ""
        cited = [n for s in draft.statements for n in s.citations]
        by_number = {s.number: s for s in plan.shown}
        yield Answer(
            question=plan.question,
            text="".join(draft.pieces).strip(),
            abstained=False,
            kind=plan.query.kind,
            mode=mode,
            citations=tuple(by_number[n].citation() for n in dict.fromkeys(cited) if n in by_number),
            retrieved=tuple(s.citation() for s in plan.shown),
            statements=tuple(draft.statements),
            reason=why,
            timings=timings,
        )

    def _rephrase(
        self, plan: Plan, gen: Generator, shown: Shown, quote: str, draft: _Draft, timings: dict[str, float], t0: float
    ) -> Iterator[str]:
        """The model's own words for what `quote` (from abstract `shown`) says to the question."""
        user = self.prompts.render("rephrase", number=shown.number, text=safe(quote, gen), question=safe(plan.question, gen))
        sources = {shown.number: shown.passage.text}
        yield from self._generate(
            plan, gen, self._single(user, "", gen), sources, draft, timings, t0, limit=tuning.SUBJECT_SENTENCES
        )

    def _next_quote(self, plan: Plan, draft: _Draft, number: int, candidates: list[Sentence] | None = None) -> Statement | None:
        """The first of `candidates` (else the best-ranked sentence of abstract `number` for the
        question) that is mostly new to the answer (most of its content words not yet said, not
        the source of a kept sentence)."""
        used = {s.text for s in draft.statements}
        for sentence in candidates or _ranked(plan, number):
            said = content_terms(sentence.text)
            new = [t for t in said if t not in draft.said]
            if sentence.text in used or not said or len(new) * 2 < len(said):
                continue
            if any(copied_from(s.text, sentence.text) for s in draft.statements):
                continue
            text = _with_antecedent(plan, number, sentence, tuple(s.text for s in draft.statements))
            return Statement(text=text, citations=(number,), origin="quote")
        return None

    def _missing(self, plan: Plan, draft: _Draft) -> list[Shown]:
        """Passages the answer must cite but does not: every listed paper, both things compared,
        or (when the model kept nothing) the passage holding the best answer."""
        cited = draft.cited()
        if plan.kind in ("list", "compare"):
            return [s for s in plan.shown if s.number not in cited]
        if plan.kind in ("fact", "yesno") and not draft.statements:
            on = {s.number for s in _on_subject(plan)}
            best = plan.evidence.best([n - 1 for n in on]) if plan.kind == "fact" else None
            number = best.passage + 1 if best is not None else 1
            return [s for s in plan.shown if s.number == number]
        if not draft.statements and plan.shown:
            return [plan.shown[0]]
        return []

    def _quote(self, plan: Plan, shown: Shown, draft: _Draft) -> str | None:
        # Nothing the model wrote held up, but what it wrote shows which sentence of the abstract it
        # read the answer from: that sentence is quoted (a repair of the model's sentence in the
        # source's words) when the question's kind does not call for another.
        # (a follow-up's prompt also holds the earlier question: a model echoing it points nowhere either)
        asked = f"{plan.question} {plan.previous or ''}"
        hint = drawn_on(draft.rejected, asked, _ranked(plan, shown.number)) if plan.kind in ("fact", "explain") else None
        if plan.kind == "list" and shown.number <= len(plan.second):
            hint = plan.second[shown.number - 1]  # the sentence saying the topic, for a paper admitted by meaning
        if plan.kind == "list" and hint is None and (naming := draft.naming) is not None:
            # a named topic ('Which papers mention MMLU?'): what the paper says where it names it
            hint = next(iter(contributions([s for s in _ranked(plan, shown.number) if naming(s.text)])), None)
        best = quote_for(plan.query, shown, plan.evidence, hint)
        said = tuple(s.text for s in draft.statements)
        return _with_antecedent(plan, shown.number, best, said) if best is not None else None

    def from_record(self, plan: Plan, timings: dict[str, float], label: Labelling | None = None) -> Answer:
        """The answer to a question about a paper's record (its authors, its year), from the record of
        the first passage (the paper the question names), cited; no model is asked."""
        paper = _named([plan.shown[0].passage], label)[0]
        if plan.record == "authors":
            authors = [a.strip() for a in paper.authors.split(";") if a.strip()]
            who = authors[0] if len(authors) == 1 else f"{', '.join(authors[:-1])} and {authors[-1]}"
            said = f"Your library's record of {paper.name} gives its author{'s' if len(authors) > 1 else ''} as {who}"
        else:
            said = f"Your library's record gives {paper.year} as the year of {paper.name}"
        statement = Statement(text=said, citations=(1,), origin="quote")
        return _unmodelled(plan, f"{said} [1].", (plan.shown[0].citation(),), (statement,), FROM_RECORD, timings)

    def from_ranking(self, plan: Plan, timings: dict[str, float], label: Labelling | None = None) -> Answer:
        """The answer to a question that ranks the library by a number: the papers that give a
        number of the thing, ranked by it, each quoted where it gives it; no model is asked."""
        shown = list(plan.shown[: len(plan.ranking)])
        papers = _named([s.passage for s in shown], label)
        where = _library_of(plan)
        if plan.ranked_by == YEAR:
            return self._by_year(plan, shown, papers, where, timings)
        top = plan.ranking[0]
        if not plan.ranked_order:  # 'Which papers tell me how many parameters their models have?': which give one
            n = len(shown)
            head = f"{n} paper{'s' if n > 1 else ''} in {where} give{'' if n > 1 else 's'} a number of {plan.ranked_by}, the largest first"
        elif len(shown) == 1:
            head = f"Only one paper in {where} gives a number of {plan.ranked_by}: {papers[0].name}, with “{top.said}”"
        else:
            head = (
                f"Of the papers in {where} that give a number of {plan.ranked_by}, {papers[0].name} gives the "
                f"{plan.ranked_order}: “{top.said}”"
            )
        # the head of a ranking says which paper gives the most, citing it; of a list, only how many give one
        statements = [Statement(text=head, citations=(1,), origin="quote")] if plan.ranked_order else []
        lines = [f"{head} [1]." if plan.ranked_order else f"{head}:"]
        for r, paper, s in zip(plan.ranking, papers, shown, strict=False):
            statements.append(Statement(text=r.sentence, citations=(s.number,), origin="quote"))
            lines.append(f"- {paper.name}: “{r.sentence}” [{s.number}]")
        # each cited abstract's support is the sentence that gives its number
        cited = tuple(replace(s.citation(), support=(r.sentence,)) for s, r in zip(shown, plan.ranking, strict=False))
        return _unmodelled(plan, "\n".join(lines), cited, tuple(statements), FROM_NUMBERS, timings)

    def _by_year(self, plan: Plan, shown: list[Shown], papers: list[Passage], where: str, timings: dict[str, float]) -> Answer:
        """The papers of a library by the years of their records, the most recent (or the oldest)
        first; papers whose record gives no year are left out, and the answer says so."""
        top = plan.ranking[0].said
        tied = [f"{p.name} [{s.number}]" for r, p, s in zip(plan.ranking, papers, shown, strict=False) if r.said == top]
        # of the whole library, or of the papers the last answer gave ('Which of them is the newest?')
        order = plan.ranked_order
        if plan.previous:
            one = several = f"{order} of the last answer's papers"
            where = "of the last answer's papers"
        else:
            one, several, where = f"{order} paper in {where}", f"{order} papers in {where}", f"in {where}"
        if len(tied) == 1:
            head = f"By the years in the library's records, the {one} is {papers[0].name} ({top}) [1]."
        else:  # a year shared: no one paper is the most recent
            head = f"By the years in the library's records, the {several}, all from {top}, are {_joined(tied)}."
        rest = [
            f"- {p.name} ({r.said}) [{s.number}]" for r, p, s in zip(plan.ranking, papers, shown, strict=False) if r.said != top
        ]
        lines = [head] + (["", "Next:", *rest] if rest else [])
        if plan.undated:
            n = plan.undated
            lines += [
                "",
                f"{n} paper{'s' if n > 1 else ''} {where} {'have' if n > 1 else 'has'} no year in {'their' if n > 1 else 'its'} record and {'are' if n > 1 else 'is'} not ranked.",
            ]
        said = [f"{p.name} ({r.said})" for r, p in zip(plan.ranking, papers, strict=False)]
        statements = [Statement(text=t, citations=(s.number,), origin="quote") for t, s in zip(said, shown, strict=False)]
        return _unmodelled(plan, "\n".join(lines), tuple(s.citation() for s in shown), tuple(statements), FROM_YEARS, timings)

    def abstention(self, plan: Plan, reason: str, timings: dict[str, float], label: Labelling | None = None) -> Answer:
        """The answer that says the library does not hold one, naming the closest abstracts; `label`
        gives them distinct names when the model has already run (two ACM papers are not both 'ACM')."""
        shown = plan.shown
        closest_passages = _named([s.passage for s in shown[:3]], label)
        closest = "\n".join(f"- {p.name} ({', '.join(p.libraries)})" for p in closest_passages) or "- (the library is empty)"
        text = self.prompts.render("abstain", closest=closest, where=_library_of(plan, opening=True))
        if reason.startswith(NO_LIBRARY):  # 'What papers does Ben have?' with no library called Ben
            text = f"Your collection has no library called {reason[len(NO_LIBRARY) :].strip()}."
        if reason.startswith(NO_MORE):  # 'Any more papers like that?' after a list that gave them all
            beyond = re.findall(r"'([^']+)'", reason.partition(" beyond ")[2])
            text = f"No other paper in {_library_of(plan)} is about {plan.query.topic} beyond {_joined(beyond) or 'those already given'}."
        if reason.startswith(NONE_AMONG):  # 'Which of them introduces a benchmark?' of papers none of which does
            topic = reason[len(NONE_AMONG) :].strip(" '")
            names = _joined([p.name for p in closest_passages])
            text = f"None of the papers the last answer gave ({names}) is about {topic}."
        if reason.startswith(NAMED_NOWHERE):  # a name the question uses that no abstract has: which
            names = _joined(re.findall(r"'([^']+)'", reason))
            text += f"\n\nNo abstract in {'any of your libraries' if plan.library else 'your library'} mentions {names}."
        if reason.startswith(NOT_SPELLED):  # 'What does BLOOM stand for?': the abstracts use it, never spelled out
            acronym = reason[len(NOT_SPELLED) :].strip(" '")
            text += f"\n\nNo abstract in {_library_of(plan)} spells out {acronym}."
        if reason == NO_YEARS:  # 'Which paper is the most recent?' of records without years
            text = f"The records of {_library_of(plan)} give no years, and abstracts seldom say when they were written, so I cannot tell which paper is the {plan.ranked_order}."
        if reason == SMALL_TALK:  # 'hi', 'thanks!'
            text = _SMALL_TALK_REPLY[small_talk(plan.question) or "ok"]
        if reason.startswith(NOT_IN_PINNED):  # 'and how do they handle heterophily?' of papers that never say
            word = reason[len(NOT_IN_PINNED) :].strip(" '")
            on = _named([s.passage for s in shown if s.passage.doc_id in plan.pinned], label)
            text = f"The abstract{'s' if len(on) > 1 else ''} of {_joined([p.name for p in on])} say{'' if len(on) > 1 else 's'} nothing about {word}."
            if plan.elsewhere:
                others = _joined([f"{p.name} ({', '.join(p.libraries)})" for p in plan.elsewhere])
                text += f"\n\nIn {_library_of(plan)}, {others} speak{'' if len(plan.elsewhere) > 1 else 's'} of {word}: ask about {'them' if len(plan.elsewhere) > 1 else 'it'} by name."
        elif plan.elsewhere:  # asked within one library, answered in another
            names = _joined([f"{p.name} ({', '.join(p.libraries)})" for p in plan.elsewhere])
            text += f"\n\nOutside {_library_of(plan)}, {names} may answer it: ask with all libraries."
        if (lacks := unrecorded(reason)) and closest_passages:  # 'Who wrote the BLOOM paper?' of a record without authors
            text = f"Your library's record of {closest_passages[0].name} gives no {lacks}, and its abstract does not say."
        return Answer(
            question=plan.question,
            text=text,
            abstained=True,
            kind=plan.query.kind,
            mode="abstained",
            retrieved=tuple(s.citation() for s in shown),
            reason=reason,
            timings=timings,
        )


# what says an acronym's words: 'MoE stands for', 'ASR is short for', 'ACM means', 'X is an acronym for'
_STANDS = re.compile(
    r"\b(?:stands?\s+for|short\s+for|means|an?\s+(?:acronym|abbreviation)\s+(?:for|of))\s+(?:the\s+|an?\s+)?", re.I
)


_TOKEN = re.compile(r"[^\W_][\w.-]*[^\W_]")


def recased(sentence: str, sources: list[str]) -> str:
    """A name in the model's sentence as its abstracts write it: the model echoes the user's typing
    ('whats the difference between o1 and gpt-4o' - 'gpt-4o is a model ...', shown 'Gpt-4o is ...'),
    and the abstracts write 'GPT-4o'. Only names written one way in the abstracts, with a digit or an
    inner capital, are changed; an ordinary word is left as the model wrote it."""
    forms: dict[str, set[str]] = {}
    for source in sources:
        for token in _TOKEN.findall(source):
            forms.setdefault(token.lower(), set()).add(token)

    def as_written(m: re.Match[str]) -> str:
        token = m.group(0)
        found = forms.get(token.lower(), set())
        if len(found) != 1 or token in found:
            return token
        (form,) = found
        return form if name_like(form) else token

    return _TOKEN.sub(as_written, sentence)


def spelled_only(acronym: str, sentence: str) -> str:
    """A sentence saying what an acronym stands for, without words it puts before those that spell
    it out: 'MoE stands for Instruction-Finetuned Sparse Mixture-of-Expert models' -> 'MoE stands
    for Mixture-of-Expert models' (the source's 'Instruction-Finetuned Sparse Mixture-of-Expert
    (MoE) models' names more than MoE)."""
    m = _STANDS.search(sentence)
    runs = spellings(acronym, sentence[m.end() :]) if m else []
    if m is None or not runs:
        return sentence
    tail = sentence[m.end() :]
    words = list(re.finditer(r"[^\W\d_]+", tail))
    first = runs[0].split()
    start = next((i for i in range(len(words)) if [w.group(0).lower() for w in words[i : i + len(first)]] == first), 0)
    return sentence[: m.end()] + tail[words[start].start() :] if start else sentence


# A sentence that opens by pointing back to something said before ('This was done ...', 'These
# ...'); 'This paper' points to the abstract it cites, and 'It' may be the thing asked about ('What
# is umT5?' - 'It is trained with ...').
_DANGLING = re.compile(
    r"^\W*(?:this|these|that|those|such)\b(?!\s+(?:paper|papers|study|studies|work|report|article|abstract|review|trial|model|models)\b)",
    re.I,
)


# a sentence that ends as one: its stop, closing quote or citation ('... heterophily [2].', '... (59 in total).')
_ENDED = re.compile(r"[.!?…][\s\"'”’)\]]*(?:\[\d+(?:\s*,\s*\d+)*\][\s.]*)*$|\[\d+(?:\s*,\s*\d+)*\]\s*[.!?]?\s*$")

_SMALL_TALK_REPLY = {
    "greeting": "Hello! Ask me about the papers in your library: I answer from their abstracts, and cite them.",
    "thanks": "You're welcome.",
    "bye": "Goodbye.",
    "ok": "Ask me about the papers in your library whenever you like.",
}


def _unmodelled(
    plan: Plan,
    text: str,
    citations: tuple[Citation, ...],
    statements: tuple[Statement, ...],
    reason: str,
    timings: dict[str, float],
) -> Answer:
    """An answer the system writes without the model (a record, a ranking): shown at once, all of it quoted."""
    timings["first_text"] = timings["total"] = sum(timings.get(k, 0.0) for k in ("retrieval", "evidence"))
    return Answer(
        question=plan.question,
        text=text,
        abstained=False,
        kind=plan.query.kind,
        mode="extractive",
        citations=citations,
        retrieved=tuple(s.citation() for s in plan.shown),
        statements=statements,
        reason=reason,
        timings=timings,
    )


def _named(papers: list[Passage], label: Labelling | None) -> list[Passage]:
    """The papers under the distinct names the model writes (two ACM papers are not both 'ACM'), or
    under the names they have when it cannot: an answer from the record, a ranking or an abstention
    stands without them."""
    if label is None or not papers:
        return papers
    try:
        return label(papers, None)
    except Exception as e:
        log.info("labels not written: %s", e)
        return papers


def _length(plan: Plan) -> int:
    """The sentences the question asks for ('Summarise the N-Grammer paper in two sentences.'), or
    no limit: each kind's own shape then decides."""
    return plan.length or 99


def _joined(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


def _library_of(plan: Plan, opening: bool = False) -> str:
    """Where a question's papers are: 'Tony's library', or 'your library' ('Your library' to open a sentence)."""
    if plan.library:
        return f"{plan.library}'s library"
    return "Your library" if opening else "your library"


def _holding(plan: Plan) -> str:
    """The opening of a library listed whole: 'Tony's library holds 10 papers:'; when it holds more
    than are listed, that only some are, and how to find the rest. Of the papers closest to one:
    'The papers in your library closest to UniMax:'."""
    if plan.similar:  # 'Find papers similar to UniMax.'
        return f"The papers in {_library_of(plan)} closest to {plan.similar}:\n"
    where = _library_of(plan, opening=True)
    n, shown = plan.contents, len(plan.shown)
    papers = f"{n:,} paper{'' if n == 1 else 's'}"
    if shown < n:
        return f"{where} holds {papers}; here are {shown} of them. Ask about a topic to find the papers on it.\n"
    return f"{where} holds {papers}:\n"


def safe(text: str, gen: Generator) -> str:
    """Library or user text as the model may read it: spans its tokenizer would take for control
    tokens (<|im_start|>, <start_of_turn>...) are broken, in the prompt only (what is shown and
    quoted stays as stored)."""
    return neutralise_special(text, gen.special_tokens())


def _descriptive(plan: Plan, draft: _Draft) -> bool:
    """A factual question answered with an account, not a number or a name: it asks for neither, and
    the model's answer gives none the question does not already hold ('What kind of agent does the
    MiniGrid paper present?' -> 'a model-based deep reinforcement learning agent')."""
    if plan.kind != "fact" or answer_wanted(plan.question) is not None:
        return False
    return not any(offers(s.text, plan.question, "name") for s in draft.statements)


def _repeats(said: set[str], before: set[str]) -> bool:
    """Whether a sentence of four or more content words adds at most one word, and no number, to
    what the answer has said (`before`): a restatement."""
    new = said - before
    return len(said) >= 4 and len(new) <= 1 and not any(t[:1].isdigit() for t in new)


def asks_plural(question: str) -> bool:
    """Whether a question asks for things in the plural ('What datasets ...?', 'Which benchmarks
    ...?'), not how many of them."""
    focus = focus_term(question)
    if focus is None or COUNT_Q.search(question):
        return False
    return any(terms(w) == [focus] and re.search(r"[^s]s$", w, re.I) for w in re.findall(r"[A-Za-z][\w-]*", question))


def _left_out(plan: Plan, draft: _Draft) -> tuple[int, Sentence] | None:
    """For a factual question asking for things in the plural, the sentence of the cited abstract
    the model's answer was drawn from (`drawn_on`), when it names some of the things the answer
    names (not the question's) and others besides: the answer gave part of a list (by its number in
    the sources, and the sentence)."""
    model = [s for s in draft.statements if s.origin == "model" and s.citations]
    if plan.kind != "fact" or not model or not asks_plural(plan.question):
        return None
    number = model[0].citations[0]
    sentence = drawn_on([s.text for s in model], plan.question, _ranked(plan, number))
    if sentence is None or any(s.text in sentence.text or sentence.text in s.text for s in draft.statements):
        return None
    asked, given = exact_names(plan.question), exact_names(sentence.text)
    answered = exact_names(" ".join(s.text for s in draft.statements)) - asked
    return (number, sentence) if answered & given and given - answered - asked else None


def drawn_on(said: list[str], question: str, sentences: list[Sentence]) -> Sentence | None:
    """The sentence of an abstract a model's sentences were drawn from: one holding at least half,
    and at least two, of the words a model sentence added to the question (the question's own
    words, echoed, point nowhere). The first model sentence that points to one decides."""
    asked = set(terms(question))
    for sentence in said:
        added = {t for t in content_terms(sentence) if t not in asked}
        if len(added) < 2:
            continue
        shared = [(len(added & set(terms(s.text))), s) for s in sentences]
        most, source = max(shared, key=lambda x: x[0], default=(0, None))
        if source is not None and most >= 2 and most * 2 >= len(added):
            return source
    return None


# the words of a comparison question that say it is one, not what it is about
_COMPARING = set(
    terms(
        "compare compared comparison contrast versus differ difference differences different differently distinguish "
        "similar similarity alike common each both separate separates apart unlike stack measure line part ways next "
        "better worse paper papers abstract model models approach approaches method methods work idea side vs "
        "can't cannot doesn't don't can do does did get gets got talk talks say says use uses make makes have has go"
    )
)


def _others_aside(plan: Plan) -> list[str]:
    """For a factual question that sets something aside ('Besides MedQA, which datasets ...?'), the
    other things the shown sentences list next to it ('MedMCQA', 'PubMedQA', ...)."""
    aside = set_aside(plan.question)
    return [o for shown in plan.shown for s in shown.sentences for o in listed_with(s.text, aside)] if aside else []


def _beyond_aside(plan: Plan, sentence: str) -> bool:
    """Whether a sentence answers past what the question sets aside: it names one of the other
    things listed next to it (true when the question sets nothing aside, or no list shows it)."""
    others = _others_aside(plan)
    asked = set(terms(plan.question))
    held = set(terms(sentence))
    return not others or any(t in held for o in others for t in terms(o) if t not in asked)


def _point_compared(plan: Plan) -> set[str]:
    """The words of a comparison beyond the things compared and the comparing itself: the point it is
    on ('how does each talk about *safety*'); empty for 'Compare Flan-MoE and U-PaLM.'"""
    # the things compared and the library asked within ('In Tony's library, how are ...') are no point
    names = set(terms(" ".join([*plan.query.subjects, plan.library or plan.query.library or "", "library libraries"])))
    return {t for t in plan.evidence.question_terms if len(t) > 2 and t not in names and t not in _COMPARING}


def _unsaid(plan: Plan, draft: _Draft, number: int) -> list[Sentence]:
    """Every sentence of shown abstract `number`, best first for what the question asks that the
    answer so far has not said."""
    said = {t for s in draft.statements for t in terms(s.text)}
    return plan.evidence.unsaid(number - 1, said)


def _ranked(plan: Plan, number: int) -> list[Sentence]:
    """Every sentence of shown abstract `number`, best for the question first."""
    return plan.evidence.sentences[number - 1] if 0 < number <= len(plan.evidence.sentences) else []


_ANAPHOR = re.compile(r"^\W*(?:the\s+resulting|this|these|such|it|they|its|their)\b", re.I)


_POINTS_BACK = re.compile(r"^\W*(?:\S+\s+){0,3}?(?:these|this|such|both)\s+\w", re.I)


def _pointed_back(plan: Plan, draft: _Draft, number: int) -> list[Sentence]:
    """The sentences of abstract `number` that kept statements point back to: the model's "Combining
    these two improvements, ..." taken from the abstract's sentence after the one naming the two
    improvements. The antecedent comes first (the answer is unclear without it), then the rest
    of the abstract's sentences, best first."""
    ranked = _ranked(plan, number)
    pointed: list[Sentence] = []
    for statement in draft.statements:
        if number not in statement.citations or not _POINTS_BACK.match(statement.text):
            continue
        said = set(terms(statement.text))
        source = max(ranked, key=lambda s: len(said & set(terms(s.text))), default=None)
        if source is None or source.position == 0 or not _POINTS_BACK.match(source.text):
            continue
        pointed += [s for s in ranked if s.position == source.position - 1]
    return pointed + ranked if pointed else []


def _with_antecedent(plan: Plan, number: int, sentence: Sentence, said: tuple[str, ...] = ()) -> str:
    """A quoted sentence that opens by pointing back ("The resulting model, Med-PaLM, ...", "This
    approach ...") is quoted with the sentence before it, which says what it points to, unless the
    answer (`said`) already holds that sentence."""
    if not _ANAPHOR.match(sentence.text) or sentence.position == 0:
        return sentence.text
    before = next((s for s in _ranked(plan, number) if s.position == sentence.position - 1), None)
    if before is None or any(t == before.text or copied_from(t, before.text) for t in said):
        return sentence.text
    return f"{before.text} {sentence.text}"


_ASKS_IF = re.compile(r"^\W*(?:is|are|was|were|does|do|did|has|have|had)\b", re.I)


def _weighed(plan: Plan) -> tuple[str, Statement]:
    """The sentence saying which of two things has more of what a question weighs them by, from the
    numbers their abstracts give (`Plan.measured`), with its citations, and its statement."""
    (first, a, more), (second, b, less) = plan.measured[:2]
    thing, least = plan.measured_by
    reach = ("as few as " if least else "up to ") if more.several else ""
    if thing == "parameters":
        head = f"By the sizes the abstracts give, {_subject(first, False)} is the {'smaller' if least else 'larger'}"
        unit = "" if "param" in more.said.lower() else " parameters"
    else:
        head = f"By the numbers the abstracts give, {_subject(first, False)} has {'fewer' if least else 'more'} {thing}"
        unit = ""
    said = f"{head}: {reach}{more.said}{unit} [{a}], against {less.said} for {_subject(second, False)} [{b}]."
    text = re.sub(r" \[\d+\]", "", said).rstrip(".")
    return said, Statement(text=text, citations=tuple(dict.fromkeys((a, b))), origin="quote")


def _subject(thing: str, opening: bool = True) -> str:
    """A compared thing as the question wrote it, said in a sentence: 'the smallest U-PaLM'."""
    if re.match(r"[a-z]+[A-Z0-9]", thing):  # 'umT5' stays as it is written
        return thing
    if thing[:1].islower():
        thing = f"the {thing}"
    return thing[0].upper() + thing[1:] if opening else thing


def _on_subject(plan: Plan) -> list[Shown]:
    """The shown abstracts that can support a sentence answering the question: for a question about
    a named thing ('What data was Gemini trained on?', 'What license is Lingvo released under?'),
    those naming it (any of its names; an acronym spelled out counts), when some do; a neighbouring
    abstract's 'trained on C4' or 'Responsible AI License' says nothing of Gemini or Lingvo. All of
    them for a follow-up (its subject is the conversation's) or a question naming nothing shown."""
    names = subject_names(plan.question) if not plan.previous else []
    naming = [s for s in plan.shown if any(names_or_spells(s.passage.text, n) for n in names)]
    return naming or list(plan.shown)


def _names_in(question: str, text: str) -> bool:
    names = subject_names(question)
    return bool(names) and all(n.lower() in text.lower() for n in names)


def _stops(gen: Generator) -> list[str]:
    # A base model prompted as a completion runs on into a new question unless stopped.
    return ["\n\n", "Question:", "Abstracts:"] if gen.completion else []


__all__ = ["Answerer", "Verdict"]
