"""A question's names read as the library writes them: 'Uni-Max' or 'Simple QA' is the library's
'UniMax' or 'SimpleQA', and a name mistyped by one letter ('gemeni') is the library's 'Gemini'.

Only names are respelled, and only when the question's word is one no document of the library
uses: a word the library knows is never changed, nor a common English word, nor a word typed with
inner capitals or digits ('BLOOMZ', 'GPT-5'), which is typed that way on purpose. Words are joined
only where one of them is unknown to the library and none is a small word ('as a' is no 'ASA'). A
mistyped name must be the only library name one letter off (one letter changed, or two neighbours
swapped), of at least six letters: shorter names are too often another thing ('Llava', 'Llama'). A
name joined from the question's pieces is read silently (it is the same name); a mistyped one is
said, so the user sees what was asked ('Reading "gemeni" as "Gemini".')."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from itertools import pairwise

from .text import STOPWORDS, name_like, terms

# a word of a question, hyphenated pieces kept together ('Uni-Max')
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
MIN_TYPO = 6  # letters a mistyped name must have to be read as a library name one letter off


def _key(word: str) -> str:
    """A word as a name's letters: lower-cased, without hyphens or spaces ('Flan-MoE' -> flanmoe)."""
    return re.sub(r"[-\s]", "", word.lower())


def _one_off(word: str) -> Iterable[str]:
    """The spellings one letter changed, or two neighbouring letters swapped, from a lower-case word."""
    for i in range(len(word)):
        for c in string.ascii_lowercase:
            if c != word[i]:
                yield word[:i] + c + word[i + 1 :]
        if i + 1 < len(word) and word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class Respeller:
    """`known(terms)`: the library's document frequency of each stemmed term; `texts(word)`: texts of
    the library that use a word (where its spelling is found); `common`: general English words."""

    def __init__(
        self,
        known: Callable[[list[str]], dict[str, int]],
        texts: Callable[[str], list[str]],
        common: Callable[[], frozenset[str]],
    ) -> None:
        self._known = known
        self._texts = texts
        self._common = common

    def respell(self, question: str) -> tuple[str, list[tuple[str, str]]]:
        """The question with its names as the library spells them, and the mistyped names read as
        others: [(typed, read)]."""
        found = list(_WORD.finditer(question))
        runs = list(self._runs(question, found))
        df = self._known(sorted({t for m in found for t in terms(m.group(0))} | {stem for *_, stem in runs}))
        changes: list[tuple[int, int, str]] = []
        for start, end, letters, stem in runs:  # longest first
            if not df.get(stem) or any(a < end and start < b for a, b, _ in changes):
                continue
            pieces = re.split(r"[\s-]+", question[start:end])
            if any(p.lower() in STOPWORDS for p in pieces) or all(df.get(t) for p in pieces for t in terms(p)):
                # words the library knows each of ('U-PaLM', 'CT attenuation', 'protein 1') are read as
                # they are, and small words make no name ('as a' is no 'ASA')
                continue
            if (name := self._spelling(letters)) is not None and name_like(name):
                changes.append((start, end, name))
        typos: list[tuple[str, str]] = []
        for m in found:
            word = m.group(0)
            if any(a < m.end() and m.start() < b for a, b, _ in changes) or all(df.get(t) for t in terms(word)):
                continue
            if len(word) < MIN_TYPO or not word.isalpha() or name_like(word) or word.lower() in self._common():
                continue
            if (read := self._typo(word.lower())) is not None:
                changes.append((m.start(), m.end(), read))
                typos.append((word, read))
        for start, end, name in sorted(changes, reverse=True):
            question = question[:start] + name + question[end:]
        return question, typos

    @staticmethod
    def _runs(question: str, found: list[re.Match[str]]) -> Iterable[tuple[int, int, str, str]]:
        """Runs of two or three words joined by a space or a hyphen, and hyphenated words, as
        (start, end, their letters run together, its stem), longest first: where the question may
        split a name the library writes as one word ('Simple QA', 'Uni-Max')."""
        for n in (3, 2, 1):
            for i in range(len(found) - n + 1):
                run = found[i : i + n]
                text = question[run[0].start() : run[-1].end()]
                if (n == 1 and "-" not in text) or any(question[a.end() : b.start()] not in (" ", "-") for a, b in pairwise(run)):
                    continue
                if (stem := terms(_key(text))) and len(stem) == 1:
                    yield run[0].start(), run[-1].end(), _key(text), stem[0]

    def _typo(self, word: str) -> str | None:
        """The one library name one letter off a mistyped word, as the library spells it."""
        candidates: dict[str, str] = {}
        for spelt in _one_off(word):
            stem = (terms(spelt) or [""])[0]
            if stem:
                candidates.setdefault(stem, spelt)
        df = self._known(sorted(candidates))
        names = {n for stem, spelt in candidates.items() if df.get(stem) and (n := self._spelling(spelt)) and n[:1].isupper()}
        return names.pop() if len(names) == 1 else None

    def _spelling(self, key: str) -> str | None:
        """How the library writes a word whose letters are `key` ('unimax' -> 'UniMax'), if it does:
        the spelling its texts use most."""
        counts: dict[str, int] = {}
        for text in self._texts(key):
            for w in _WORD.findall(text):
                if _key(w) == key:
                    counts[w] = counts.get(w, 0) + 1
        return max(counts, key=lambda w: (counts[w], w)) if counts else None
