"""Assistant: the public Python API (ingest, search, ask, stream, chat) and conversation follow-ups."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .answer import Answerer
from .catalog import ModelSpec, find, listing, load_catalog, pull
from .config import Settings, load_settings
from .generate import Generator, load_generator
from .guard import guard_passages
from .index import Index
from .ingest import Progress, forget, ingest
from .prompts import load_prompts
from .text import clean
from .types import Answer, IngestReport, Passage, QuestionError

log = logging.getLogger(__name__)

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|then|what about|how about|same for|and what|what else)\b"
    r"|\b(it|its|it's|they|them|their|this|that|these|those|he|she|his|her|the same|the model|the paper)\b",
    re.I,
)


def is_follow_up(question: str) -> bool:
    """A question that leans on the conversation: opens with a connective or refers back."""
    return bool(_FOLLOW_UP.search(question.strip()))


class Assistant:
    """A research assistant over one data dir: `ingest`, `search`, `ask`, `stream`, `chat`."""

    def __init__(self, data_dir: str | Path | None = None, model: str | None = None, **settings: object) -> None:
        self.settings: Settings = load_settings(data_dir=data_dir, model=model, **settings)
        self.prompts = load_prompts(self.settings.prompts_dir)
        self.model_spec = find(load_catalog(self.settings.models_file), self.settings.model.name)  # fail early on a bad name
        self.index = Index(self.settings)
        self._generator: Generator | None = None
        self._gen_lock = threading.Lock()
        self._answerer = Answerer(self.settings, self.prompts, self.generator, self.index.embed, self._doc_freq)

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
        self, paths: str | Path | list[str | Path], library: str | None = None, progress: Progress | None = None
    ) -> IngestReport:
        return ingest(self.index, paths, library=library, progress=progress)

    def forget(self, library: str | None = None, doc_ids: list[str] | None = None) -> tuple[int, int]:
        return forget(self.index, library=library, doc_ids=doc_ids)

    def libraries(self) -> dict[str, int]:
        return self.index.libraries()

    def search(self, query: str, k: int = 4, library: str | None = None) -> list[Passage]:
        query = self._question(query)
        return self.index.search(query, k=k, library=library_scope(library))

    # -- answers -----------------------------------------------------------------------------
    def _question(self, question: str) -> str:
        q = clean(question or "")
        if not q:
            raise QuestionError("the question is empty")
        return q[: self.settings.answer.max_question_chars]

    def in_context(self, question: str, history: list[str] | None = None) -> tuple[str, str]:
        """(what to retrieve with, what to ask the model): a follow-up question is widened with the
        questions before it, and the model is told the previous one."""
        if not history or not is_follow_up(question):
            return question, question
        earlier = " ".join(history[-self.settings.retrieval.history_turns :])
        return f"{earlier} {question}", self.prompts.render("followup", previous=history[-1], question=question)

    def stream(
        self, question: str, k: int | None = None, library: str | None = None, history: list[str] | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as the model writes them, then the final, checked Answer."""
        q = self._question(question)
        retrieval_q, prompt_q = self.in_context(q, history)
        passages = self.index.search(retrieval_q, k=k or self.settings.answer.k, library=library_scope(library))
        passages = guard_passages(passages)  # abstracts are data: text addressed to the assistant is left out
        yield from self._answerer.stream(prompt_q, passages, retrieval_question=retrieval_q)

    def ask(self, question: str, k: int | None = None, library: str | None = None) -> Answer:
        final = None
        for item in self.stream(question, k=k, library=library):
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
        return pull(find(load_catalog(self.settings.models_file), name), self.settings.models_dir, progress)


class Chat:
    """A conversation: follow-up questions are retrieved together with the questions before them."""

    def __init__(self, assistant: Assistant, library: str | None = None, k: int | None = None) -> None:
        self.assistant = assistant
        self.library = library
        self.k = k
        self.history: list[tuple[str, Answer]] = []

    def stream(self, question: str) -> Iterator[str | Answer]:
        earlier = [q for q, _ in self.history]
        for item in self.assistant.stream(question, k=self.k, library=self.library, history=earlier):
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


def library_scope(library: str | None) -> str | None:
    """The library a search is limited to: None for every library, which None, "" and "All" all mean."""
    if library is None or library.strip().casefold() in ("", "all"):
        return None
    return library.strip()
