"""Ingest files into the index in batches: new documents are embedded, known ones only re-labelled."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path

import numpy as np

from .index import SEP, Index, embedding_text, origin, origin_parts
from .parsers import check_library, destination, expand, iter_path
from .text import content_id, unique
from .types import Document, IngestError, IngestReport, Skipped

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]  # (documents processed so far, current file)
Vectors = dict[tuple[str, str], np.ndarray]  # (doc id, digest) -> embedding


def _batches(items: Iterable[Document | Skipped], size: int) -> Iterator[list[Document | Skipped]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class _Run:
    """One ingest call: remembers each document's outcome so a document met twice (the same
    abstract in two files) counts once, as the first meeting decided, and which documents each
    source held, so that what a re-ingested source no longer holds leaves the library (`sync`)."""

    def __init__(self, index: Index, report: IngestReport) -> None:
        self.index = index
        self.report = report
        self.outcome: dict[str, str] = {}
        self.seen: dict[str, dict[str, set[str]]] = {}  # source -> stored doc id -> libraries it gave

    def embed_new(self, items: list[Document | Skipped]) -> Vectors:
        """Vectors for the documents of a batch that the store does not hold as they are; runs on a
        worker thread while the batch before is written, so embedding and writing overlap. What it
        reads may be one batch stale: `batch` decides from a fresh read and embeds anything missing."""
        docs = {d.doc_id: d for d in items if isinstance(d, Document)}
        stored = self.index.stored(list(docs))
        twins = self.index.twins([d for d in docs.values() if d.doc_id not in stored])
        new = [
            d for d in docs.values() if d.doc_id not in twins and (d.doc_id not in stored or stored[d.doc_id].digest != d.digest)
        ]
        return self._embed(new)

    def _embed(self, docs: list[Document]) -> Vectors:
        if not docs:
            return {}
        vectors = self.index.embed([embedding_text(d.title, d.text) for d in docs])
        return {(d.doc_id, d.digest): v for d, v in zip(docs, vectors, strict=True)}

    def batch(self, items: list[Document | Skipped], source: str, vectors: Vectors | None = None) -> int:
        """Write one batch of a source's records. A record whose text (or DOI) the batch or the
        store already holds under another id joins that document instead of becoming a second one."""
        docs: dict[str, Document] = {}
        alias: dict[str, str] = {}  # text key or DOI -> the id it is held under in this batch
        for item in items:
            if isinstance(item, Skipped):
                self.report.skipped.append(item)
                continue
            keys = [content_id(item.text)] + ([f"doi:{item.doi}"] if item.doi else [])
            held = item.doc_id if item.doc_id in docs else next((alias[k] for k in keys if k in alias), None)
            if held is None:
                docs[item.doc_id] = item
            elif held == item.doc_id:  # the same id again: the later record, in both libraries
                docs[held] = replace(item, libraries=tuple(unique(docs[held].libraries + item.libraries)))
            else:
                docs[held] = replace(docs[held], libraries=tuple(unique(docs[held].libraries + item.libraries)))
            for k in keys:
                alias.setdefault(k, held or item.doc_id)
        stored = self.index.stored(list(docs))
        joining: dict[str, tuple[str, ...]] = {}  # a stored twin's id -> libraries its twins bring
        for doc_id, twin in self.index.twins([d for d in docs.values() if d.doc_id not in stored]).items():
            libs = docs.pop(doc_id).libraries
            if twin.doc_id in docs:
                docs[twin.doc_id] = replace(docs[twin.doc_id], libraries=tuple(unique(docs[twin.doc_id].libraries + libs)))
            else:
                joining[twin.doc_id] = tuple(unique(joining.get(twin.doc_id, ()) + libs))
                stored[twin.doc_id] = twin
        to_write: list[Document] = []
        origins: dict[str, tuple[str, ...]] = {}
        relabel: dict[str, tuple[str, ...]] = {}
        incoming: list[tuple[str, tuple[str, ...], Document | None]] = [(d, doc.libraries, doc) for d, doc in docs.items()]
        incoming += [(doc_id, libs, None) for doc_id, libs in joining.items()]
        for doc_id, libs_in, maybe_doc in incoming:
            self.seen.setdefault(source, {}).setdefault(doc_id, set()).update(libs_in)
            came = [origin(lib, source) for lib in libs_in]
            before = stored.get(doc_id)
            if before is None:
                assert maybe_doc is not None
                to_write.append(maybe_doc)
                origins[doc_id] = tuple(unique(came))
                self._note(doc_id, "added")
                continue
            libs = tuple(unique(before.libraries + libs_in))
            origins[doc_id] = tuple(unique(before.origins + tuple(came)))
            if maybe_doc is not None and before.digest != maybe_doc.digest:
                to_write.append(replace(maybe_doc, libraries=libs))
                self._note(doc_id, "updated")
                continue
            if set(libs) != set(before.libraries):
                self._note(doc_id, "updated")
            else:
                self._note(doc_id, "unchanged")
            if set(libs) != set(before.libraries) or origins[doc_id] != before.origins:
                relabel[doc_id] = libs  # where it came from is recorded even when nothing shows
        self.index.put(to_write, self._vectors(to_write, vectors or {}), origins)
        self.index.set_libraries(relabel, origins)
        for _, libs_in, _ in incoming:
            for lib in libs_in:
                if lib not in self.report.libraries:
                    self.report.libraries.append(lib)
        return len(items)

    def sync(self, source: str) -> None:
        """What `source` put in a library before and no longer holds leaves that library (unless
        another source still puts it there); a document left in no library is deleted."""
        seen = self.seen.get(source, {})
        deleted: list[str] = []
        relabel: dict[str, tuple[str, ...]] = {}
        origins: dict[str, tuple[str, ...]] = {}
        for doc_id, before in self.index.from_source(source).items():
            held = seen.get(doc_id, set())
            gone = {lib for lib, src in map(origin_parts, before.origins) if src == source and lib not in held}
            if not gone:
                continue
            kept = tuple(o for o in before.origins if not (origin_parts(o)[1] == source and origin_parts(o)[0] in gone))
            still = {origin_parts(o)[0] for o in kept}
            libs = tuple(lib for lib in before.libraries if lib not in gone or lib in still)
            if not libs:
                deleted.append(doc_id)
            else:
                relabel[doc_id], origins[doc_id] = libs, kept
            if set(libs) != set(before.libraries) and not held:  # one still held, in another library, was `updated`
                self.report.removed += 1
        self.index.delete(deleted)
        self.index.set_libraries(relabel, origins)

    def _vectors(self, docs: list[Document], ready: Vectors) -> np.ndarray | None:
        if not docs:
            return None
        ready = {**ready, **self._embed([d for d in docs if (d.doc_id, d.digest) not in ready])}
        return np.stack([ready[(d.doc_id, d.digest)] for d in docs])

    def _note(self, doc_id: str, outcome: str) -> None:
        if self.outcome.get(doc_id) in ("added", "updated"):
            return
        self.outcome[doc_id] = outcome

    def finish(self) -> IngestReport:
        for outcome in self.outcome.values():
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        return self.report


def _embedded_ahead(run: _Run, batches: Iterator[list[Document | Skipped]]) -> Iterator[tuple[list[Document | Skipped], Vectors]]:
    """Each batch with its new documents' vectors, the next batch being embedded on a worker
    thread while the caller writes this one (ONNX Runtime and Chroma both release the GIL)."""
    with ThreadPoolExecutor(1, thread_name_prefix="embed") as pool:
        current = next(batches, None)
        pending = pool.submit(run.embed_new, current) if current is not None else None
        while current is not None and pending is not None:
            following = next(batches, None)  # parsing the next batch overlaps the embedding too
            vectors = pending.result()
            pending = pool.submit(run.embed_new, following) if following is not None else None
            yield current, vectors
            current = following


def ingest(
    index: Index,
    paths: str | Path | list[str | Path],
    library: str | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
    collections_as_libraries: bool = False,
    sync: bool = True,
) -> IngestReport:
    """Ingest files and folders. A file that is unusable as a whole is skipped with its reason
    (or, when it is the only file, raises IngestError); bad records inside a file are skipped
    one by one; nothing of a skipped file is written. `collections_as_libraries` makes each
    Zotero collection a library of its own.

    With `sync`, each file read is a source kept in step: documents it put in a library before and
    no longer holds (deleted, trashed, now without an abstract) leave that library, and are deleted
    when no library keeps them (`removed` in the report). A source is a file's absolute path and the
    library it goes to, so one file ingested into two libraries is two sources. Without `sync`
    (uploads, whose temporary paths say nothing about where they came from) nothing is removed."""
    if isinstance(paths, str | Path):
        paths = [paths]
    if library is not None:
        library = check_library(library, "--library")
    files = list(expand(list(paths)))
    report = IngestReport(files=len(files))
    run = _Run(index, report)
    synced: list[str] = []
    done = 0
    with index.writing():
        for path in files:
            try:
                source = f"{path.resolve()}{SEP}{destination(path, library, collections_as_libraries)}" if sync else ""
                items = iter_path(path, library, collections_as_libraries)
                first = next(items, None)  # whole-file problems surface here, before any write
            except IngestError as e:
                if len(files) == 1:
                    raise
                report.skipped.append(Skipped(str(path), 0, str(e).removeprefix(f"{path}: ")))
                continue
            if source:
                synced.append(source)  # a file refused as a whole keeps what it gave before
            if first is None:
                continue
            for batch, vectors in _embedded_ahead(run, _batches(chain([first], items), batch_size)):
                done += run.batch(batch, source, vectors)
                if progress:
                    progress(done, str(path))
            if progress:
                progress(done, str(path))
        for source in unique(synced):  # after every file, so a record moved between files stays
            run.sync(source)
    return run.finish()


def estimate(paths: str | Path | list[str | Path]) -> int:
    """A quick upper bound on the records in the files, for a progress bar's total."""
    if isinstance(paths, str | Path):
        paths = [paths]
    total = 0
    for path in expand(list(paths)):
        try:
            with path.open("rb") as f:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) + 1
        except OSError:
            continue
    return total


def forget(index: Index, library: str | None = None, doc_ids: list[str] | None = None) -> tuple[int, int]:
    """Remove a library (documents only in it are deleted, shared ones lose that library), or
    documents by id (from one library when `library` is given). Returns (deleted, relabelled)."""
    if not library and not doc_ids:
        raise IngestError("say what to forget: a library (--library NAME) or document ids")
    with index.writing():
        members = index.library_ids(library) if library else {}
        if library and not members:
            raise IngestError(f"there is no library named '{library}'")
        if doc_ids:
            known = index.stored(doc_ids)
            missing = [d for d in doc_ids if d not in known]
            if missing:
                raise IngestError(f"no document with id {missing[0]!r}")
            if library:
                outside = [d for d in doc_ids if d not in members]
                if outside:
                    raise IngestError(f"document {outside[0]!r} is not in library '{library}'")
                members = {d: members[d] for d in doc_ids}
            else:
                index.delete(doc_ids)
                return len(doc_ids), 0
        delete = [d for d, libs in members.items() if set(libs) <= {library}]
        relabel = {d: tuple(x for x in libs if x != library) for d, libs in members.items() if d not in delete}
        index.delete(delete)
        index.set_libraries(relabel)
        return len(delete), len(relabel)
