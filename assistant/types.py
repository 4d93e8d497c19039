"""Plain records passed between the modules, and the error classes; imports nothing of ours."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal


def _as_dict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


@dataclass(frozen=True)
class Document:
    """One abstract as parsed from a source file, before it is stored."""

    doc_id: str
    text: str
    label: str
    libraries: tuple[str, ...]
    title: str = ""
    authors: str = ""
    year: str = ""
    url: str = ""
    source: str = ""
    categories: str = ""  # subject categories a source gives (arXiv's "hep-ph math.CO")
    doi: str = ""  # lower-case, bare; not part of the digest (the id or url already carries it)

    @property
    def digest(self) -> str:
        """Fingerprint of the stored content: a change here means the record changed."""
        h = hashlib.sha256()
        # categories count only when present, so documents stored before they existed keep their digest
        for part in (self.text, self.title, self.authors, self.year, self.url, *([self.categories] if self.categories else [])):
            h.update(part.encode("utf-8") + b"\x00")
        return h.hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        return _as_dict(self)


Kind = Literal["fact", "explain", "list", "compare", "yesno"]
Mode = Literal["generated", "extractive", "abstained"]
# Where a label comes from: the record's own title, the system or method the abstract names, a
# few-word title the model wrote (cached), or the abstract's first words (nothing better yet).
LabelSource = Literal["title", "name", "model", "text"]
Origin = Literal["model", "quote"]


@dataclass(frozen=True, kw_only=True)
class Passage:
    """A retrieved document with its relevance score (higher is better)."""

    doc_id: str
    title: str
    text: str
    libraries: tuple[str, ...]
    score: float
    url: str = ""
    year: str = ""
    authors: str = ""
    dense: float = 0.0
    lexical: float = 0.0
    label: str = ""
    label_source: LabelSource = "title"

    @property
    def name(self) -> str:
        """What to call it: the label, else the title, else the id."""
        return self.label or self.title or self.doc_id

    def to_dict(self) -> dict[str, Any]:
        return _as_dict(self)


@dataclass(frozen=True, kw_only=True)
class Citation:
    """A passage numbered [number] for the model; `support` are the sentences it was shown.
    A `label_source` other than "title" means the label was derived, not given by the record."""

    number: int
    doc_id: str
    label: str
    text: str
    libraries: tuple[str, ...]
    score: float
    url: str = ""
    title: str = ""
    label_source: LabelSource = "title"
    support: tuple[str, ...] = ()

    @property
    def derived(self) -> bool:
        return self.label_source != "title"

    def to_dict(self) -> dict[str, Any]:
        return _as_dict(self) | {"derived": self.derived}


@dataclass(frozen=True, kw_only=True)
class Statement:
    """One sentence of an answer: the model's checked words, or a quoted source sentence."""

    text: str
    citations: tuple[int, ...]
    origin: Origin

    def to_dict(self) -> dict[str, Any]:
        return _as_dict(self)


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The final outcome of a question.

    `mode` says how the text was produced: "generated" (at least one sentence is the model's own,
    each checked against the abstract it cites; `statements` say which), "extractive" (nothing the
    model wrote held up, so quoted source sentences are shown), or "abstained" (the library does not
    hold the answer). `kind` is what the question asked for. `retrieved` are all passages shown to
    the model, cited or not.
    """

    question: str
    text: str
    abstained: bool
    kind: Kind = "fact"
    mode: Mode = "generated"
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Citation, ...] = ()
    statements: tuple[Statement, ...] = ()
    reason: str = ""
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return self.text

    @property
    def own_words(self) -> bool:
        """Whether any of the text is the model's own (checked) wording."""
        return any(s.origin == "model" for s in self.statements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "kind": self.kind,
            "mode": self.mode,
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [c.to_dict() for c in self.retrieved],
            "statements": [s.to_dict() for s in self.statements],
            "timings": dict(self.timings),
        }


@dataclass(frozen=True)
class Skipped:
    """A record or file that was not ingested, and why."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class IngestReport:
    """Counts of what an ingest did, by document, plus every skipped record with its reason."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # documents that left a library because their source no longer holds them
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    libraries: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [str(s) for s in self.skipped],
            "files": self.files,
            "libraries": list(self.libraries),
        }

    def summary(self) -> str:
        text = (
            f"{self.files} file(s): {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
        )
        if self.removed:
            text += f", {self.removed} removed (no longer in their source)"
        return text


class AssistantError(Exception):
    """A problem the user can fix; its message is one clear line saying what and how."""


class IngestError(AssistantError):
    """A file or folder that cannot be ingested at all."""


class ModelError(AssistantError):
    """A model that is missing, corrupt, unknown, or failed to load or answer."""


class StoreError(AssistantError):
    """The data dir or vector store is unusable or unreachable."""


class QuestionError(AssistantError):
    """A question that cannot be asked as given (empty, for instance)."""


class ConfigError(AssistantError):
    """A setting with a bad value, or a prompt file that does not check out."""
