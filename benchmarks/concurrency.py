"""Searches beside writes, through the public Assistant API: searcher threads search while a writer
ingests and forgets a set of abstracts in a loop. Counts the searches that failed, the results that
were not in the store while the search ran, and the search latency with and without the writes.

    .venv/bin/python -m benchmarks.concurrency                     # 60 s of writes, 2 searchers
    .venv/bin/python -m benchmarks.concurrency --other          # the writer is another instance
    .venv/bin/python -m benchmarks.concurrency --duration 30 --json OUT.json

tests/test_concurrency.py runs the same loop (`stress`) and asserts no error and no stale result.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np

from assistant import Assistant

ROOT = Path(__file__).resolve().parents[1]
SCIFACT = ROOT / "tests" / "data" / "eval" / "scifact_corpus_800.jsonl"
CHURN = "Churn"


@dataclass
class StressResult:
    """What the searchers saw while the writer ran. `stale` lists results of churned documents
    returned by a search that ran entirely while they were forgotten (or not yet ingested)."""

    searches: int = 0
    cycles: int = 0
    churn_hits: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    returned: set[str] = field(default_factory=set)

    def summary(self) -> dict[str, Any]:
        ms = np.asarray(self.latencies) * 1000 if self.latencies else np.zeros(1)
        return {
            "searches": self.searches,
            "write_cycles": self.cycles,
            "errors": len(self.errors),
            "stale_results": len(self.stale),
            "foreign_results": len(self.foreign),
            "churn_hits": self.churn_hits,
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "max_ms": round(float(ms.max()), 1),
            "first_errors": self.errors[:3],
        }


def read_records(path: Path = SCIFACT, n: int | None = None) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows[:n] if n else rows


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


class _Presence:
    """When the churned documents were in the store: from the start of each ingest to the end of
    the forget after it. A search may return them only if it overlapped such a span."""

    def __init__(self) -> None:
        self._spans: list[list[float]] = []
        self._lock = threading.Lock()

    def ingesting(self) -> None:
        with self._lock:
            self._spans.append([time.monotonic(), float("inf")])

    def forgotten(self) -> None:
        with self._lock:
            self._spans[-1][1] = time.monotonic()

    def overlaps(self, start: float, end: float) -> bool:
        with self._lock:
            return any(s <= end and e >= start for s, e in self._spans)


@dataclass(frozen=True, kw_only=True)
class Setup:
    """A data dir holding `base` SciFact abstracts, and a file of `churn` others to ingest and forget."""

    assistant: Assistant
    churn: Path
    churn_ids: set[str]
    known_ids: set[str]
    queries: list[str]


def setup(folder: Path, base: int = 500, churn: int = 50) -> Setup:
    rows = read_records(n=base + churn)
    base_rows, churn_rows = rows[:base], rows[base:]
    a = Assistant(data_dir=folder / "data")
    a.ingest(write_jsonl(folder / "base.jsonl", base_rows), library="Base")
    churn_path = write_jsonl(folder / "churn.jsonl", churn_rows)
    # Titles of churned and base abstracts, interleaved: each churned one is found while present.
    queries = [r["title"] for pair in zip(churn_rows, base_rows, strict=False) for r in pair]
    return Setup(
        assistant=a, churn=churn_path, churn_ids={r["id"] for r in churn_rows}, known_ids={r["id"] for r in rows}, queries=queries
    )


def stress(s: Setup, writer: Assistant | None, duration: float, threads: int = 2, k: int = 5) -> StressResult:
    """`threads` threads call s.assistant.search round the queries while `writer` (None: nobody)
    ingests the churn file into the library Churn and forgets that library, again and again, for
    `duration` seconds."""
    result = StressResult()
    presence = _Presence()
    stop = threading.Event()
    lock = threading.Lock()

    def write(writer: Assistant) -> None:
        try:
            while not stop.is_set():
                presence.ingesting()
                writer.ingest(s.churn, library=CHURN)
                writer.forget(library=CHURN)
                presence.forgotten()
                with lock:
                    result.cycles += 1
        except Exception:
            with lock:
                result.errors.append("writer: " + traceback.format_exc())
            stop.set()

    def search(offset: int) -> None:
        for i in itertools.count(offset, threads):
            if stop.is_set():
                return
            q = s.queries[i % len(s.queries)]
            start = time.monotonic()
            try:
                hits = s.assistant.search(q, k=k)
            except Exception:
                with lock:
                    result.searches += 1
                    result.errors.append(f"search {q!r}: " + traceback.format_exc())
                continue
            end = time.monotonic()
            with lock:
                result.searches += 1
                result.latencies.append(end - start)
                for p in hits:
                    result.returned.add(p.doc_id)
                    if p.doc_id in s.churn_ids:
                        result.churn_hits += 1
                        if not presence.overlaps(start, end):
                            result.stale.append(f"{p.doc_id} for {q!r}")
                    elif p.doc_id not in s.known_ids or not p.text:
                        result.foreign.append(f"{p.doc_id} for {q!r}")

    workers = [threading.Thread(target=search, args=(i,), name=f"searcher-{i}") for i in range(threads)]
    if writer is not None:
        workers.append(threading.Thread(target=write, args=(writer,), name="writer"))
    for w in workers:
        w.start()
    stop.wait(duration)
    stop.set()
    for w in workers:
        w.join()
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=60.0, help="seconds of writes (default 60)")
    p.add_argument("--quiet", type=float, default=15.0, help="seconds of searches without writes first (default 15)")
    p.add_argument("--threads", type=int, default=2, help="searcher threads (default 2)")
    p.add_argument("--base", type=int, default=500, help="abstracts that stay in the store (default 500)")
    p.add_argument("--other", action="store_true", help="write through a second Assistant on the same store")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="assistant-concurrency-") as tmp:
        s = setup(Path(tmp), base=args.base)
        s.assistant.search("warm up", k=1)
        calm = stress(s, None, args.quiet, args.threads).summary()
        print(f"no writes:     {calm['searches']} searches, p50 {calm['p50_ms']} ms, p95 {calm['p95_ms']} ms")
        writer = Assistant(data_dir=s.assistant.settings.data_dir) if args.other else s.assistant
        busy = stress(s, writer, args.duration, args.threads)
        out = busy.summary()
        print(
            f"beside writes: {out['searches']} searches, p50 {out['p50_ms']} ms, p95 {out['p95_ms']} ms, "
            f"max {out['max_ms']} ms; {out['write_cycles']} ingest+forget cycles; {out['errors']} errors, "
            f"{out['stale_results']} stale and {out['foreign_results']} unknown results"
        )
        for e in out["first_errors"]:
            print(e)
    if args.json:
        args.json.write_text(json.dumps({"quiet": calm, "writes": out}, indent=1))


if __name__ == "__main__":
    main()
