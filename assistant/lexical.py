"""The lexical (BM25, via bm25s) side of the index: stemmed terms per document, persisted as one file.

Readers never see a half-made index: the writer changes a working copy, and `publish` swaps in a
new immutable Snapshot in one assignment. A search takes the current snapshot once and uses only it,
so a write, a forget or a rebuild beside it can neither break it nor mix two states."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .text import terms

log = logging.getLogger(__name__)
_FORMAT = 5  # 3: British spellings folded (text.american); 4: and their -er forms ('denoiser'); 5: no possessive 's


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """One published state of the lexical index: the BM25 matrix, its row order, each row's libraries
    and the vocabulary it was built with. Nothing in it changes after publishing; the library masks
    are a cache that any reader may fill (the same key always gets the same value)."""

    revision: str = ""
    ids: tuple[str, ...] = ()
    libraries: tuple[tuple[str, ...], ...] = ()
    vocab: Mapping[str, int] = field(default_factory=dict)
    bm25: Any = None
    rows: Mapping[str, int] = field(default_factory=dict)
    _masks: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.rows

    def _mask(self, library: str) -> np.ndarray:
        mask = self._masks.get(library)
        if mask is None:
            mask = np.array([library in libs for libs in self.libraries], dtype=np.float32)
            self._masks[library] = mask
        return mask

    def search(self, query: str, n: int, library: str | None = None) -> list[tuple[str, float]]:
        """Best documents for the query's terms as (doc_id, BM25 score), score > 0 only."""
        q = [t for t in terms(query) if t in self.vocab]
        if self.bm25 is None or not q:
            return []
        scores = self.bm25.get_scores(q, weight_mask=self._mask(library) if library else None)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def scope(self, library: str | None = None) -> int:
        """How many documents a search within `library` (or all) ranges over."""
        return len(self.ids) if library is None else int(self._mask(library).sum())

    def doc_freq(self, query_terms: list[str]) -> dict[str, int]:
        """How many documents use each term (0 for a term no document uses)."""
        out = dict.fromkeys(query_terms, 0)
        if self.bm25 is None:
            return out
        indptr = self.bm25.scores["indptr"]
        for t in query_terms:
            tid = self.vocab.get(t)
            if tid is not None and tid + 1 < len(indptr):
                out[t] = int(indptr[tid + 1] - indptr[tid])
        return out


class LexicalIndex:
    """Term ids per document and their libraries (the working copy, changed by one writer at a time:
    the owner's write lock), and the Snapshot readers see, replaced by `publish`.

    `revision` names the state of the vector store the published snapshot matches; the owner
    compares it with the store's own revision to notice an index that fell behind (a crash, another
    instance)."""

    def __init__(self, path: Path, k1: float = 1.2, b: float = 0.75, title_weight: int = 1) -> None:
        self.path = path
        self.k1, self.b = k1, b
        self.title_weight = title_weight  # recorded: terms indexed with another weight mean a rebuild
        self._vocab: dict[str, int] = {}
        self._docs: dict[str, np.ndarray] = {}
        self._libs: dict[str, tuple[str, ...]] = {}
        self._terms_changed = False
        self._snapshot = Snapshot()

    # -- reading: always the published snapshot ------------------------------------------------
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def revision(self) -> str:
        return self._snapshot.revision

    def __len__(self) -> int:
        return len(self._snapshot)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._snapshot

    def search(self, query: str, n: int, library: str | None = None) -> list[tuple[str, float]]:
        return self._snapshot.search(query, n, library)

    def scope(self, library: str | None = None) -> int:
        return self._snapshot.scope(library)

    def doc_freq(self, query_terms: list[str]) -> dict[str, int]:
        return self._snapshot.doc_freq(query_terms)

    # -- changing the working copy (seen by readers after `publish`) ---------------------------
    def _ids(self, tokens: list[str]) -> np.ndarray:
        vocab = self._vocab
        return np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))

    def put(self, doc_id: str, text: str, libraries: Iterable[str]) -> None:
        self._docs[doc_id] = self._ids(terms(text))
        self._libs[doc_id] = tuple(libraries)
        self._terms_changed = True

    def set_libraries(self, doc_id: str, libraries: Iterable[str]) -> None:
        if doc_id in self._docs:
            self._libs[doc_id] = tuple(libraries)

    def remove(self, doc_ids: Iterable[str]) -> None:
        for d in doc_ids:
            if self._docs.pop(d, None) is not None:
                self._libs.pop(d, None)
                self._terms_changed = True

    def clear(self) -> None:
        self._vocab.clear()
        self._docs.clear()
        self._libs.clear()
        self._terms_changed = True

    def publish(self, revision: str) -> None:
        """Make the working copy what readers see: a new Snapshot, swapped in by one assignment.
        The BM25 matrix is rebuilt only when terms changed (not for a change of libraries)."""
        old = self._snapshot
        ids = tuple(self._docs)
        bm25 = old.bm25 if not self._terms_changed and ids == old.ids else self._build(ids)
        self._snapshot = Snapshot(
            revision=revision,
            ids=ids,
            libraries=tuple(self._libs[d] for d in ids),
            vocab=dict(self._vocab),
            bm25=bm25,
            rows={d: i for i, d in enumerate(ids)},
        )
        self._terms_changed = False

    def _build(self, ids: tuple[str, ...]) -> Any:
        if not ids:
            return None
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
        vocab = dict(self._vocab)
        vocab.setdefault("", len(vocab))
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        bm25.index(([self._docs[d].tolist() for d in ids], vocab), show_progress=False)
        return bm25

    # -- persistence -------------------------------------------------------------------------
    def save(self) -> None:
        """Write the published snapshot's working copy atomically: a crash leaves the old file or the
        new one, never half. Call it after `publish`, from the writer."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        order = list(self._docs)
        lengths = np.array([len(self._docs[d]) for d in order], dtype=np.int64)
        flat = np.concatenate([self._docs[d] for d in order]) if order else np.zeros(0, np.int32)
        header = {
            "format": _FORMAT,
            "revision": self.revision,
            "title_weight": self.title_weight,
            "ids": order,
            "libraries": [list(self._libs[d]) for d in order],
            "vocab": list(self._vocab),
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), lengths=lengths, flat=flat)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self) -> bool:
        """Read and publish the saved index; False when there is none or it cannot be read (it is then rebuilt)."""
        if not self.path.exists():
            return False
        try:
            with np.load(self.path) as z:
                header = json.loads(z["header"].tobytes().decode())
                lengths, flat = z["lengths"], z["flat"]
            if header.get("format") != _FORMAT or header.get("title_weight") != self.title_weight:
                return False
            self.clear()
            self._vocab = {t: i for i, t in enumerate(header["vocab"])}
            parts = np.split(flat.astype(np.int32), np.cumsum(lengths)[:-1]) if len(lengths) else []
            self._docs = dict(zip(header["ids"], parts, strict=True))
            self._libs = {d: tuple(libs) for d, libs in zip(header["ids"], header["libraries"], strict=True)}
            self.publish(header["revision"])
            return True
        except Exception as e:  # a damaged file is not fatal: the store can rebuild it
            log.warning("lexical index %s is unreadable (%s); it will be rebuilt", self.path, e)
            self.clear()
            return False
