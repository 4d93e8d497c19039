"""The store: Chroma (vectors, texts, metadata) plus the lexical index, searched together."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from .config import Settings
from .embed import Embedder, embedder_name, load_embedder
from .lexical import LexicalIndex
from .text import content_id
from .types import Document, Passage, StoreError

log = logging.getLogger(__name__)
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
_PAGE = 1000
_REVISION = "revision"


@dataclass(frozen=True)
class Stored:
    """What the store holds about a document, enough to tell whether a new copy changes it, and
    where it came from: `origins` are (library, source) pairs, see `origin`."""

    doc_id: str
    digest: str
    libraries: tuple[str, ...]
    origins: tuple[str, ...] = ()
    content: str = ""  # the text's key (`content_id`), to find one abstract stored under another id
    doi: str = ""


# Where a document's membership of a library came from: the library and the source (a file's
# absolute path, or "" for an ingest that does not sync, such as a web upload). Library names
# never hold control characters (`check_library` cleans them), so the separator is unambiguous.
SEP = "\x1f"


def origin(library: str, source: str) -> str:
    return f"{library}{SEP}{source}"


def origin_parts(value: str) -> tuple[str, str]:
    library, _, source = value.partition(SEP)
    return library, source


def embedding_text(title: str, text: str) -> str:
    return f"{title}. {text}" if title else text


def lexical_text(title: str, text: str, title_weight: int) -> str:
    return " ".join([title] * (1 + title_weight) + [text]) if title else text


def fuse_rrf(rankings: list[tuple[list[tuple[str, float]], float]], k: float) -> dict[str, float]:
    """Weighted reciprocal rank fusion: each ranking adds weight / (k + rank) to its documents."""
    scores: dict[str, float] = {}
    for ranked, weight in rankings:
        for rank, (doc_id, _) in enumerate(ranked, 1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return scores


def fuse_z(rankings: list[tuple[list[tuple[str, float]], float, float | None]], depth: int) -> dict[str, float]:
    """Weighted sum of z-scores: each retriever's top `depth` scores are standardised, so cosine and
    BM25 become comparable. A retriever that returned fewer than `depth` documents is padded with its
    `pad` score (BM25: 0 for a document without the query's terms; dense: its lowest score), and a
    document it did not return gets the padded floor."""
    every = {d for ranked, _, _ in rankings for d, _ in ranked}
    scores = dict.fromkeys(every, 0.0)
    for ranked, weight, pad in rankings:
        if not ranked or not weight:
            continue
        values = np.array([s for _, s in ranked], dtype=np.float64)
        fill = values.min() if pad is None else pad
        padded = np.concatenate([values, np.full(max(0, depth - len(values)), fill)])
        mean, std = padded.mean(), padded.std() + 1e-9
        floor = (min(fill, values.min()) - mean) / std
        got = {d: (v - mean) / std for d, v in ranked}
        for d in every:
            scores[d] += weight * got.get(d, floor)
    return scores


class Index:
    """Chroma plus BM25, kept in step by a revision marker stored in the Chroma collection."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._embed_lock = threading.Lock()
        self._write_lock = threading.RLock()  # one writer (ingest, forget, rebuild) at a time
        self._rebuilding = threading.Lock()  # one background rebuild at a time
        self._client = self._connect()
        name = self._collection_name()
        try:
            self._col = self._client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        except Exception as e:
            raise StoreError(f"cannot open the vector store collection {name!r}: {e}") from None
        self._col = _Guarded(self._col, settings.retrieval.chroma_url)
        where = settings.retrieval.chroma_url or "local"
        tag = "".join(c if c.isalnum() else "_" for c in urlparse(where).netloc or where)
        self.lexical = LexicalIndex(
            settings.data_dir / "lexical" / f"{tag}-{name}.npz",
            settings.retrieval.bm25_k1,
            settings.retrieval.bm25_b,
            settings.retrieval.title_weight,
        )
        self.lexical.load()
        self._checked = 0.0
        self._sync()

    # -- connection --------------------------------------------------------------------------
    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        url = self.settings.retrieval.chroma_url
        _check_writable(self.settings.data_dir / ("lexical" if url else "chroma"), self.settings.data_dir)
        if url:
            u = urlparse(url if "://" in url else f"http://{url}")
            try:
                return chromadb.HttpClient(
                    host=u.hostname or "localhost",
                    port=u.port or (443 if u.scheme == "https" else 8000),
                    ssl=u.scheme == "https",
                    settings=chroma_settings,
                )
            except Exception as e:
                raise StoreError(f"cannot reach the Chroma server at {url} ({e}); is `chroma run` up?") from None
        path = self.settings.data_dir / "chroma"
        try:
            return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as e:
            raise StoreError(f"the vector store in {path} cannot be opened ({e}); move it aside and ingest again") from None

    def _collection_name(self) -> str:
        return f"abstracts-{self.embedder_name}"

    @property
    def embedder_name(self) -> str:
        return embedder_name(self.settings.retrieval.embed_backend, self.settings.retrieval.embed_max_tokens)

    @property
    def embedder(self) -> Embedder:
        with self._embed_lock:
            if self._embedder is None:
                self._embedder = load_embedder(
                    self.settings.retrieval.embed_backend,
                    self.settings.data_dir / "embedder",
                    self.settings.model.n_threads,
                    self.settings.retrieval.embed_max_tokens,
                )
            return self._embedder

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts, batch_size=self.settings.retrieval.embed_batch)

    # -- keeping the lexical index in step -----------------------------------------------------
    def _store_revision(self) -> str:
        try:
            col = self._client.get_collection(self._col.name)
        except Exception as e:
            raise _store_error(e, self.settings.retrieval.chroma_url) from None
        return str((col.metadata or {}).get(_REVISION, ""))

    def _set_revision(self, revision: str) -> None:
        self._col.modify(metadata={_REVISION: revision})

    def _fresh(self, revision: str) -> bool:
        lexical = self.lexical.snapshot()
        return revision == lexical.revision and bool(revision or self._col.count() == len(lexical))

    def _sync(self, max_age: float = 0.0, background: bool = False) -> None:
        """Rebuild the lexical index from the store when the store's revision differs from it.

        A search passes background=True: it goes on with the published snapshot while one rebuild at
        a time runs on its own thread (behind this instance's own writes, which publish their result
        themselves), so no search waits for a write or pays for a rebuild."""
        now = time.monotonic()
        if max_age and now - self._checked < max_age:
            return
        self._checked = now
        if self._fresh(self._store_revision()):
            return
        if not background:
            with self._write_lock:
                self._rebuild()
        elif self._rebuilding.acquire(blocking=False):
            threading.Thread(target=self._rebuild_behind, name="lexical-rebuild", daemon=True).start()

    def _rebuild_behind(self) -> None:
        try:
            with self._write_lock:
                self._rebuild()
        except Exception as e:  # the next search looks again; a store that is down is reported there
            log.warning("the lexical index could not be rebuilt from the store (%s)", e)
        finally:
            self._rebuilding.release()

    def _rebuild(self) -> None:
        """With the write lock held: read every document from the store and publish the result."""
        revision = self._store_revision()
        if self._fresh(revision):  # a write finished, or another rebuild ran, while we waited
            return
        log.info("rebuilding the lexical index from the vector store")
        self.lexical.clear()
        for ids, docs, metas in self._pages(include=["documents", "metadatas"]):
            for d, text, meta in zip(ids, docs, metas, strict=True):
                self.lexical.put(
                    d, lexical_text(str(meta.get("title", "")), text, self.settings.retrieval.title_weight), _libs(meta)
                )
        self.lexical.publish(revision)
        self._save_lexical()

    def _save_lexical(self) -> None:
        try:
            self.lexical.save()
        except OSError as e:
            raise StoreError(
                f"cannot write the lexical index {self.lexical.path} ({e.strerror or e}); "
                "check the data dir (--data-dir or ASSISTANT_DATA_DIR) is writable and has space"
            ) from None

    def _pages(self, include: list[str], where: dict | None = None) -> Iterator[tuple[list[str], list[Any], list[Any]]]:
        offset = 0
        while True:
            got = self._col.get(include=include, limit=_PAGE, offset=offset, where=where)
            ids = got["ids"]
            if not ids:
                return
            yield ids, got.get("documents") or [None] * len(ids), got.get("metadatas") or [{}] * len(ids)
            offset += len(ids)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Bracket a batch of writes: the store is marked dirty first, so a crash in the middle
        leaves a revision no lexical index matches, and the next open rebuilds it. Searches see the
        lexical index as it was until the batch is done, then the new one at once."""
        with self._write_lock:
            self._sync()
            self._set_revision(f"dirty-{uuid.uuid4().hex}")
            yield
            revision = uuid.uuid4().hex
            self.lexical.publish(revision)
            self._save_lexical()
            self._set_revision(revision)

    def sync(self) -> None:
        """Bring the lexical index in step with the store now, if another process wrote to it since
        (a search checks this itself, at most once a second, and rebuilds in the background)."""
        self._sync()

    # -- reads and writes ----------------------------------------------------------------------
    def count(self) -> int:
        return int(self._col.count())

    def vectors(self) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every stored document's id and vector, a page at a time (for an exact-search baseline,
        or a tool that builds another store from these vectors)."""
        offset = 0
        while True:
            got = self._col.get(include=["embeddings"], limit=_PAGE, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            yield list(ids), np.asarray(got["embeddings"], dtype=np.float32)
            offset += len(ids)

    def stored(self, ids: list[str]) -> dict[str, Stored]:
        if not ids:
            return {}
        got = self._col.get(ids=ids, include=["metadatas"])
        return {d: _stored(d, m) for d, m in zip(got["ids"], got["metadatas"] or [], strict=True)}

    def twins(self, docs: list[Document]) -> dict[str, Stored]:
        """For documents the store does not hold under their own id, a stored document with the
        same text, or else the same DOI (one abstract from PubMed as `pmid:` and from RIS as
        `doi:`): incoming id -> the stored one. Documents stored before the text key and DOI were
        kept are still found when their id is the text's hash or the DOI."""
        if not docs:
            return {}
        keys = {d.doc_id: content_id(d.text) for d in docs}
        dois = {d.doc_id: d.doi for d in docs if d.doi}
        found = list(self.stored(list(set(keys.values())) + [f"doi:{x}" for x in set(dois.values())]).values())
        conditions: list[dict[str, Any]] = [{"content": {"$in": sorted(set(keys.values()))}}]
        if dois:
            conditions.append({"doi": {"$in": sorted(set(dois.values()))}})
        where = conditions[0] if len(conditions) == 1 else {"$or": conditions}
        for ids, _, metas in self._pages(include=["metadatas"], where=where):
            found += [_stored(d, m) for d, m in zip(ids, metas, strict=True)]
        by_key: dict[str, Stored] = {}
        for st in sorted(found, key=lambda x: x.doc_id):  # several candidates: the same one every time
            for key in (st.doc_id, st.content, f"doi:{st.doi}" if st.doi else ""):
                if key:
                    by_key.setdefault(key, st)
        out = {}
        for d in docs:
            twin = by_key.get(keys[d.doc_id]) or (by_key.get(f"doi:{dois[d.doc_id]}") if d.doc_id in dois else None)
            if twin is not None and twin.doc_id != d.doc_id:
                out[d.doc_id] = twin
        return out

    def from_source(self, source: str) -> dict[str, Stored]:
        """Documents that an ingest of `source` (see `origin`) put in some library."""
        out: dict[str, Stored] = {}
        for ids, _, metas in self._pages(include=["metadatas"], where={"sources": {"$contains": source}}):
            out.update({d: _stored(d, m) for d, m in zip(ids, metas, strict=True)})
        return out

    def put(
        self, docs: list[Document], embeddings: np.ndarray | None = None, origins: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        """Write documents (text, vector, metadata, and where each came from); inside `writing()`."""
        if not docs:
            return
        if embeddings is None:
            embeddings = self.embed([embedding_text(d.title, d.text) for d in docs])
        self._col.upsert(
            ids=[d.doc_id for d in docs],
            embeddings=embeddings,
            documents=[d.text for d in docs],
            metadatas=[_meta(d, (origins or {}).get(d.doc_id, ())) for d in docs],
        )
        for d in docs:
            self.lexical.put(d.doc_id, lexical_text(d.title, d.text, self.settings.retrieval.title_weight), d.libraries)

    def set_libraries(self, changes: dict[str, tuple[str, ...]], origins: dict[str, tuple[str, ...]] | None = None) -> None:
        """Change which libraries documents belong to, and where that came from, without
        re-embedding; a document not in `origins` keeps the origins of the libraries it keeps.
        Inside `writing()`."""
        if not changes:
            return
        got = self._col.get(ids=list(changes), include=["metadatas"])
        metas = []
        for d, m in zip(got["ids"], got["metadatas"] or [], strict=True):
            m = dict(m)
            libs = changes[d]
            kept = (origins or {}).get(d)
            if kept is None:
                kept = tuple(o for o in _list(m, "origins") if origin_parts(o)[0] in libs)
            m["libraries"] = list(libs)
            m.update(_origin_meta(kept))
            metas.append(m)
            self.lexical.set_libraries(d, libs)
        self._col.update(ids=got["ids"], metadatas=metas)

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._col.delete(ids=ids)
            self.lexical.remove(ids)

    def library_ids(self, library: str | None) -> dict[str, tuple[str, ...]]:
        """Documents in a library (every document: None), with every library each belongs to."""
        out: dict[str, tuple[str, ...]] = {}
        for ids, _, metas in self._pages(include=["metadatas"], where=_in_library(library)):
            out.update({d: _libs(m) for d, m in zip(ids, metas, strict=True)})
        return out

    def libraries(self) -> dict[str, int]:
        """Every library with its number of documents."""
        counts: dict[str, int] = {}
        for _, _, metas in self._pages(include=["metadatas"]):
            for m in metas:
                for lib in _libs(m):
                    counts[lib] = counts.get(lib, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: kv[0].casefold()))

    def get(self, ids: list[str], scores: dict[str, tuple[float, float, float]] | None = None) -> list[Passage]:
        """Passages for ids, in the order given; `scores` maps id -> (fused, dense, lexical). Ids the
        store no longer holds (forgotten since they were ranked) are left out."""
        if not ids:
            return []
        got = self._col.get(ids=ids, include=["documents", "metadatas"])
        by_id = {d: (t, m) for d, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True) if t is not None}
        out = []
        for d in ids:
            if d not in by_id:
                continue
            text, meta = by_id[d]
            fused, dense, lex = (scores or {}).get(d, (0.0, 0.0, 0.0))
            out.append(
                Passage(
                    doc_id=d,
                    title=str(meta.get("title") or ""),
                    text=text,
                    libraries=_libs(meta),
                    score=fused,
                    url=str(meta.get("url", "")),
                    year=str(meta.get("year", "")),
                    authors=str(meta.get("authors", "")),
                    dense=dense,
                    lexical=lex,
                )
            )
        return out

    # -- search --------------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, n: int, library: str | None = None) -> list[tuple[str, float]]:
        """Nearest documents by cosine similarity, as (doc_id, cosine)."""
        res = self._col.query(query_embeddings=[vector], n_results=n, where=_in_library(library), include=["distances"])
        return [(d, 1.0 - float(dist)) for d, dist in zip(res["ids"][0], res["distances"][0], strict=True)]

    def search(self, query: str, k: int = 4, library: str | None = None) -> list[Passage]:
        """Hybrid search: dense and BM25 rankings fused; passages carry all three scores.

        The BM25 half reads one snapshot of the lexical index, so a write beside it cannot change
        what it reads; a document forgotten after it was ranked is dropped by `get`, and the next
        best one takes its place."""
        # Another process (an ingest beside a running server) may have written: look at most once a second.
        self._sync(max_age=2.0 if self.settings.retrieval.chroma_url else 1.0, background=True)
        lex_index = self.lexical.snapshot()
        n = max(self.settings.retrieval.candidates, k)
        dense = self.dense(self.embed([query])[0], n, library)
        lexical = lex_index.search(query, n, library)
        if self.settings.retrieval.fusion == "z":
            depth = min(n, max(len(dense), lex_index.scope(library)))
            fused = fuse_z(
                [(dense, self.settings.retrieval.dense_weight, None), (lexical, self.settings.retrieval.lexical_weight, 0.0)],
                depth,
            )
        else:
            fused = fuse_rrf(
                [(dense, self.settings.retrieval.dense_weight), (lexical, self.settings.retrieval.lexical_weight)],
                self.settings.retrieval.rrf_k,
            )
        ranked = sorted(fused, key=lambda d: -fused[d])
        dmap, lmap = dict(dense), dict(lexical)
        scores = {d: (fused[d], dmap.get(d, 0.0), lmap.get(d, 0.0)) for d in ranked[: 5 * k]}
        found = self.get(ranked[:k], scores)
        if len(found) < k:  # some were forgotten meanwhile: one more look further down the ranking
            found += self.get(ranked[k : 5 * k], scores)[: k - len(found)]
        return found

    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many documents use each term, and how many documents there are (one snapshot)."""
        lex_index = self.lexical.snapshot()
        return lex_index.doc_freq(terms), len(lex_index)


def _check_writable(path: Path, data_dir: Path) -> None:
    """Fail early, in one line, on a data dir that cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as e:
        raise StoreError(
            f"the data dir {data_dir} is not writable ({e.strerror or e}); choose another with --data-dir or ASSISTANT_DATA_DIR"
        ) from None


def _store_error(e: Exception, url: str | None) -> StoreError:
    if url:
        return StoreError(
            f"the Chroma server at {url} is not reachable ({e}); start it (chroma run --path DIR --port PORT) "
            "or unset ASSISTANT_CHROMA_URL"
        )
    return StoreError(f"the vector store failed ({e}); if this repeats, move the data dir's chroma folder aside and ingest again")


class _Guarded:
    """A Chroma collection whose failures to reach the store (server down, connection lost,
    database errors) surface as one StoreError line; the next call tries the store again."""

    def __init__(self, col: Any, url: str | None) -> None:
        self._inner = col
        self._url = url

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            import httpx
            from chromadb.errors import InternalError

            try:
                return attr(*args, **kwargs)
            except (httpx.TransportError, ConnectionError, InternalError) as e:
                raise _store_error(e, self._url) from None

        return call


def _list(meta: dict[str, Any], key: str) -> tuple[str, ...]:
    value = meta.get(key) or []
    return tuple(value) if isinstance(value, list | tuple) else (str(value),)


def _libs(meta: dict[str, Any]) -> tuple[str, ...]:
    return _list(meta, "libraries")


def _stored(doc_id: str, meta: dict[str, Any]) -> Stored:
    return Stored(
        doc_id,
        str(meta.get("digest", "")),
        _libs(meta),
        _list(meta, "origins"),
        str(meta.get("content") or ""),
        str(meta.get("doi") or ""),
    )


def _origin_meta(origins: tuple[str, ...]) -> dict[str, Any]:
    """Chroma refuses empty lists; None removes the key."""
    sources = sorted({origin_parts(o)[1] for o in origins} - {""})
    return {"origins": list(origins) or None, "sources": sources or None}


def _in_library(library: str | None) -> dict[str, Any] | None:
    return {"libraries": {"$contains": library}} if library else None


def _meta(d: Document, origins: tuple[str, ...]) -> dict[str, Any]:
    return {
        **_origin_meta(origins),
        "content": content_id(d.text),
        "doi": d.doi,
        "title": d.title,
        "label": d.label,
        "authors": d.authors,
        "year": d.year,
        "url": d.url,
        "source": d.source,
        "categories": d.categories,
        "libraries": list(d.libraries),
        "digest": d.digest,
    }
