"""Short, distinct labels for abstracts that came without a title.

A record's own title is its label. Otherwise the label is derived, and marked so: the system or
method the abstract introduces ("we present SimpleQA, ..." -> "SimpleQA"), read from its wording;
or, when it names none, or two abstracts shown together would carry the same name, a few-word
title the model writes. Model titles are written lazily (the first time the abstract is shown,
never at ingest) and cached in the data dir, keyed by the abstract's text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from .check import name_like
from .text import clean, short_label, split_sentences, terms
from .types import LabelSource, Passage

log = logging.getLogger(__name__)

MAX_LABEL = 80  # characters
_TITLE_WORD = re.compile(r"[^\W_][\w\-.]*[^\W_]")  # a word of a title, with its inner dashes and dots
_INTRO = re.compile(
    r"\b(?:we|this\s+(?:paper|work|report|article)|here(?:,)?\s+we|in\s+this\s+(?:paper|work|report),?\s+we)\s+"
    r"(?:first\s+)?(?:present|presents|introduce|introduces|propose|proposes|describe|describes|develop|develops|release|releases|"
    r"report|reports|call|term|dub)\b(?P<rest>[^.;:]*)",
    re.I,
)
_RESULT = re.compile(
    r"\b(?:resulting|our|proposed)\s+(?:model|system|method|framework|approach|architecture)s?\s*,\s*(?:the\s+)?(?P<rest>[^.;:]*)",
    re.I,
)
_PREPOSITION = {"to"}  # "a modification to the Transformer"
_IS_A = re.compile(r"^(?:the\s+)?(?P<name>(?:\S+\s+){0,3}?\S+)\s+(?:is|are)\s+(?:a|an|the|trained|built|designed)\b", re.I)
_WORD = re.compile(r"[^\s,;()]+")
_ACRONYM_AFTER = re.compile(r"^\s*\(\s*(?P<acro>[A-Z][\w-]{1,12})\s*\)")
_STOP_CAPS = {"We", "In", "The", "This", "A", "An", "Our", "It", "Its", "These", "Here", "To", "Based"}

Writer = Callable[[str], str]  # abstract text -> a few-word title from the model


def named_system(text: str) -> str:
    """The system or method an abstract introduces, by its own name, or ''. An abstract that
    introduces two ('we propose UL2R ... models which we call U-PaLM') is named by both."""
    sentences = split_sentences(text)
    names: list[str] = []
    # an explicit naming ('our model, the N-Grammer') before what a paper says it introduces
    found = [m for s in sentences for m in _RESULT.finditer(s)] + [m for s in sentences for m in _INTRO.finditer(s)]
    for match in found:
        name = _first_name(match["rest"])
        if name and not any(name.lower() in n.lower() or n.lower() in name.lower() for n in names):
            names.append(name)
    if names:
        return " / ".join(names[:2])
    if sentences and (m := _IS_A.match(sentences[0])) and any(_is_name(w) for w in m["name"].split()):
        return m["name"].strip(" ,")
    return ""


def _is_name(word: str) -> bool:
    w = word.strip("\"'“”‘’")
    if re.fullmatch(r"[A-Z]{2,}s|[\d.,%]+", w):
        return False  # a plural of a common acronym ('LLMs', 'GNNs') or a number names no one system
    return bool(w) and w not in _STOP_CAPS and (name_like(w) or w[0].isupper())


def _first_name(rest: str) -> str:
    """The first proper name in the words after 'we present', with the words of the name that follow
    it ('Smart Compose') and an acronym given in brackets ('Adaptive Channel Mixing (ACM)')."""
    words = list(_WORD.finditer(rest))
    for i, w in enumerate(words[:14]):
        if w.group(0).lower() in _PREPOSITION:
            return ""  # 'a modification to the Transformer': what follows is not what the paper introduces
        if not _is_name(w.group(0)):
            continue
        end = i
        while (
            end + 1 < len(words)
            and end - i < 3
            and _is_name(words[end + 1].group(0))
            and _adjacent(rest, words[end], words[end + 1])
        ):
            end += 1
        name = rest[w.start() : words[end].end()].strip("\"'“”‘’")
        if acro := _ACRONYM_AFTER.match(rest[words[end].end() :]):
            name = f"{name} ({acro['acro']})"
        return name[:MAX_LABEL]
    return ""


def _adjacent(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end() : b.start()].strip() == ""


def tidy_title(raw: str, abstract: str) -> str:
    """A model-written title made safe to show: one line, no quotes or 'Title:', no name or
    number the abstract does not contain (else '')."""
    line = clean(raw.strip().splitlines()[0] if raw.strip() else "")
    line = re.sub(r"^(?:title\s*:\s*|#+\s*)", "", line, flags=re.I).strip("\"'“”‘’*. ")
    if len(line) > MAX_LABEL:
        # a title and its subtitle too long together: the part that names something ('Flan 2022
        # Evaluation Results' of 'Design Decisions in ... Methods: Flan 2022 Evaluation Results'), else the title
        parts = [p.strip("\"'“”‘’*. ") for p in re.split(r":\s+|\s+[-–—]\s+", line)]
        fits = [p for p in parts if p and len(p) <= MAX_LABEL]
        named = [p for p in fits if any(name_like(t) for t in _TITLE_WORD.findall(p))]
        line = (named or fits or [""])[0] if len(parts) > 1 else ""
    if not line:
        return ""
    low = abstract.lower()
    if any(name_like(t) and t.lower() not in low for t in _TITLE_WORD.findall(line)):
        return ""
    said = terms(line)
    if said and sum(t in set(terms(abstract)) for t in said) / len(said) < 0.5:
        return ""  # mostly words the abstract does not use: not a title of it
    return line


class Labeler:
    """Labels passages: title, cached model title, the named system, else the first words; and,
    when asked, writes missing or colliding labels with the model and caches them."""

    def __init__(self, cache_file: Path) -> None:
        self._file = cache_file
        self._lock = threading.Lock()
        self._cache: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._cache is None:
            try:
                self._cache = dict(json.loads(self._file.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                self._cache = {}
        return self._cache

    def _save(self) -> None:
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(self._load(), ensure_ascii=False, indent=0), encoding="utf-8")
            os.replace(tmp, self._file)
        except OSError as e:  # a read-only data dir: labels are written again next time
            log.info("cannot cache labels in %s: %s", self._file, e)

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(clean(text).encode("utf-8")).hexdigest()[:20]

    def quick(self, p: Passage) -> tuple[str, LabelSource]:
        """The best label available without the model."""
        if p.title:
            return p.title, "title"
        with self._lock:
            cached = self._load().get(self._key(p.text))
        if cached:
            return cached, "model"
        if name := named_system(p.text):
            return name, "name"
        return short_label(p.text, 60), "text"

    def label(self, passages: Sequence[Passage], write: Writer | None = None, only: int | None = None) -> list[Passage]:
        """Passages with labels; with `write`, a label that is only the first words, or that two
        passages would share, is replaced by a title the model writes (cached). `only`: write for
        that position alone (the others still count for what would be shared)."""
        quick = [self.quick(p) for p in passages]
        if write is not None:
            seen: dict[str, int] = {}
            for label, _ in quick:
                seen[label.casefold()] = seen.get(label.casefold(), 0) + 1
            for i, (p, (label, source)) in enumerate(zip(passages, quick, strict=True)):
                needed = (source == "text" or (source == "name" and seen[label.casefold()] > 1)) and only in (None, i)
                if needed and (title := self._written(p.text, write)):
                    quick[i] = (title, "model")
        return [replace(p, label=label, label_source=source) for p, (label, source) in zip(passages, quick, strict=True)]

    def _written(self, text: str, write: Writer) -> str:
        key = self._key(text)
        with self._lock:
            if key in self._load():
                return self._load()[key]
        try:
            title = tidy_title(write(text), text)
        except Exception as e:  # a label is a nicety: never fail an answer for it
            log.info("no model title: %s", e)
            return ""
        if title:
            with self._lock:
                self._load()[key] = title
                self._save()
        return title
