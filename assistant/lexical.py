"""The lexical (BM25, via bm25s) side of the index: stemmed terms per document, persisted as one file."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .text import terms

log = logging.getLogger(__name__)
_FORMAT = 2


class LexicalIndex:
    """Term ids per document and their libraries; the BM25 matrix is rebuilt lazily after changes.

    `revision` names the state of the vector store this index matches; the owner compares it with
    the store's own revision to notice an index that fell behind (a crash, another instance).
    """

    def __init__(self, path: Path, k1: float = 1.2, b: float = 0.75, title_weight: int = 1) -> None:
        self.path = path
        self.k1, self.b = k1, b
        self.title_weight = title_weight  # recorded: terms indexed with another weight mean a rebuild
        self.revision = ""
        self._vocab: dict[str, int] = {}
        self._docs: dict[str, np.ndarray] = {}
        self._libs: dict[str, tuple[str, ...]] = {}
        self._bm25: object | None = None
        self._order: list[str] = []
        self._masks: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._docs

    # -- changes -----------------------------------------------------------------------------
    def _ids(self, tokens: list[str]) -> np.ndarray:
        vocab = self._vocab
        return np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))

    def put(self, doc_id: str, text: str, libraries: Iterable[str]) -> None:
        self._docs[doc_id] = self._ids(terms(text))
        self._libs[doc_id] = tuple(libraries)
        self._bm25 = None

    def set_libraries(self, doc_id: str, libraries: Iterable[str]) -> None:
        if doc_id in self._docs:
            self._libs[doc_id] = tuple(libraries)
            self._masks.clear()

    def remove(self, doc_ids: Iterable[str]) -> None:
        for d in doc_ids:
            if self._docs.pop(d, None) is not None:
                self._libs.pop(d, None)
                self._bm25 = None

    def clear(self) -> None:
        self._vocab.clear()
        self._docs.clear()
        self._libs.clear()
        self._bm25 = None

    # -- search ------------------------------------------------------------------------------
    def _built(self) -> object | None:
        if self._bm25 is None and self._docs:
            import bm25s

            logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
            self._order = list(self._docs)
            vocab = dict(self._vocab)
            vocab.setdefault("", len(vocab))
            bm25 = bm25s.BM25(k1=self.k1, b=self.b)
            bm25.index(([self._docs[d].tolist() for d in self._order], vocab), show_progress=False)
            self._bm25 = bm25
            self._masks.clear()
        return self._bm25

    def _mask(self, library: str) -> np.ndarray:
        if library not in self._masks:
            self._masks[library] = np.array([library in self._libs[d] for d in self._order], dtype=np.float32)
        return self._masks[library]

    def search(self, query: str, n: int, library: str | None = None) -> list[tuple[str, float]]:
        """Best documents for the query's terms as (doc_id, BM25 score), score > 0 only."""
        bm25 = self._built()
        q = [t for t in terms(query) if t in self._vocab]
        if bm25 is None or not q:
            return []
        mask = self._mask(library) if library else None
        scores = bm25.get_scores(q, weight_mask=mask)  # type: ignore[attr-defined]
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._order[i], float(scores[i])) for i in top if scores[i] > 0]

    def scope(self, library: str | None = None) -> int:
        """How many documents a search within `library` (or all) ranges over."""
        if library is None or self._built() is None:
            return len(self._docs)
        return int(self._mask(library).sum())

    def doc_freq(self, query_terms: list[str]) -> dict[str, int]:
        """How many documents use each term (0 for a term no document uses)."""
        bm25 = self._built()
        out = dict.fromkeys(query_terms, 0)
        if bm25 is None:
            return out
        indptr = bm25.scores["indptr"]  # type: ignore[attr-defined]
        for t in query_terms:
            tid = self._vocab.get(t)
            if tid is not None and tid + 1 < len(indptr):
                out[t] = int(indptr[tid + 1] - indptr[tid])
        return out

    def idf(self, query_terms: list[str]) -> dict[str, float]:
        """Inverse document frequency of each term, log(1 + (N - df + 0.5) / (df + 0.5)) as in BM25."""
        n = len(self._docs)
        return {t: float(np.log(1 + (n - df + 0.5) / (df + 0.5))) for t, df in self.doc_freq(query_terms).items()}

    # -- persistence -------------------------------------------------------------------------
    def save(self) -> None:
        """Write the index atomically: a crash leaves the old file or the new one, never half."""
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
        """Read the saved index; False when there is none or it cannot be read (it is then rebuilt)."""
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
            self.revision = header["revision"]
            return True
        except Exception as e:  # a damaged file is not fatal: the store can rebuild it
            log.warning("lexical index %s is unreadable (%s); it will be rebuilt", self.path, e)
            self.clear()
            return False
