"""Ingest files into the index in batches: new documents are embedded, known ones only re-labelled."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path

import numpy as np

from .index import Index, embedding_text
from .parsers import check_library, expand, iter_path
from .text import unique
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
    abstract in two files) counts once, as the first meeting decided."""

    def __init__(self, index: Index, report: IngestReport) -> None:
        self.index = index
        self.report = report
        self.outcome: dict[str, str] = {}

    def embed_new(self, items: list[Document | Skipped]) -> Vectors:
        """Vectors for the documents of a batch that the store does not hold as they are; runs on a
        worker thread while the batch before is written, so embedding and writing overlap. What it
        reads may be one batch stale: `batch` decides from a fresh read and embeds anything missing."""
        docs = {d.doc_id: d for d in items if isinstance(d, Document)}
        stored = self.index.stored(list(docs))
        new = [d for d in docs.values() if d.doc_id not in stored or stored[d.doc_id].digest != d.digest]
        return self._embed(new)

    def _embed(self, docs: list[Document]) -> Vectors:
        if not docs:
            return {}
        vectors = self.index.embed([embedding_text(d.title, d.text) for d in docs])
        return {(d.doc_id, d.digest): v for d, v in zip(docs, vectors, strict=True)}

    def batch(self, items: list[Document | Skipped], vectors: Vectors | None = None) -> int:
        docs: dict[str, Document] = {}
        for item in items:
            if isinstance(item, Skipped):
                self.report.skipped.append(item)
                continue
            seen = docs.get(item.doc_id)
            if seen is not None:
                item = replace(item, libraries=tuple(unique(seen.libraries + item.libraries)))
            docs[item.doc_id] = item
        stored = self.index.stored(list(docs))
        to_write: list[Document] = []
        relabel: dict[str, tuple[str, ...]] = {}
        for doc_id, doc in docs.items():
            before = stored.get(doc_id)
            if before is None:
                to_write.append(doc)
                self._note(doc_id, "added")
                continue
            libs = tuple(unique(before.libraries + doc.libraries))
            if before.digest != doc.digest:
                to_write.append(replace(doc, libraries=libs))
                self._note(doc_id, "updated")
            elif set(libs) != set(before.libraries):
                relabel[doc_id] = libs
                self._note(doc_id, "updated")
            else:
                self._note(doc_id, "unchanged")
        self.index.put(to_write, self._vectors(to_write, vectors or {}))
        self.index.set_libraries(relabel)
        for d in docs.values():
            for lib in d.libraries:
                if lib not in self.report.libraries:
                    self.report.libraries.append(lib)
        return len(items)

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


def _embedded_ahead(
    run: _Run, batches: Iterator[list[Document | Skipped]]
) -> Iterator[tuple[list[Document | Skipped], Vectors]]:
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
) -> IngestReport:
    """Ingest files and folders. A file that is unusable as a whole is skipped with its reason
    (or, when it is the only file, raises IngestError); bad records inside a file are skipped
    one by one; nothing of a skipped file is written. `collections_as_libraries` makes each
    Zotero collection a library of its own."""
    if isinstance(paths, str | Path):
        paths = [paths]
    if library is not None:
        library = check_library(library, "--library")
    files = list(expand(list(paths)))
    report = IngestReport(files=len(files))
    run = _Run(index, report)
    done = 0
    with index.writing():
        for path in files:
            try:
                items = iter_path(path, library, collections_as_libraries)
                first = next(items, None)  # whole-file problems surface here, before any write
            except IngestError as e:
                if len(files) == 1:
                    raise
                report.skipped.append(Skipped(str(path), 0, str(e).removeprefix(f"{path}: ")))
                continue
            if first is None:
                continue
            for batch, vectors in _embedded_ahead(run, _batches(chain([first], items), batch_size)):
                done += run.batch(batch, vectors)
                if progress:
                    progress(done, str(path))
            if progress:
                progress(done, str(path))
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
