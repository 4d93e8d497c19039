"""Load test of the web app: N concurrent conversations ask questions through the /ask API of a
running `assistant serve` (gradio_client), for a bounded time, on loopback only.

Checks: no request fails, and no answer cites anything its own question did not retrieve (each
citation [n] must be the n-th passage that a separate search for that question returns), which is
what answers crossing between concurrent conversations would break. Reports requests served,
latency p50/p95 and the time requests waited in Gradio's queue.

    python -m benchmarks.load                      # starts its own stack: chroma run + assistant serve
    python -m benchmarks.load --model-server       # ... plus a llama_cpp.server the web app uses
    python -m benchmarks.load --url http://127.0.0.1:7860 --chroma-url http://127.0.0.1:8000
                                                   # an app already running on that Chroma server

Exit status 0 when there were no errors and no leaks, 1 otherwise."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT.parent / "shared" / "eval" / "seeds_questions.jsonl"
FALLBACK_QUESTIONS = [
    "How many parameters does BLOOM have?",
    "What accuracy did Flan-PaLM achieve on MedQA?",
    "How many languages does the refreshed mC4 corpus cover?",
    "What is UniMax?",
    "What is the capital of France?",
]
_RUNNING = ("PROCESSING", "ITERATING", "PROGRESS")


@dataclass
class Request:
    conversation: int
    question: str
    latency: float
    queue_wait: float | None
    error: str = ""
    leak: str = ""
    mode: str = ""
    abstained: bool = False
    cited: list[str] = field(default_factory=list)


def load_questions(path: Path | None) -> list[str]:
    path = path or QUESTIONS
    if not path.exists():
        return list(FALLBACK_QUESTIONS)
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load-test {url}: loopback addresses only")


def leak_problem(answer: dict[str, Any], retrieved: list[str]) -> str:
    """What is wrong with an answer's citations given what its question retrieves ('' if nothing)."""
    citations = answer.get("citations") or []
    if answer.get("abstained") and citations:
        return "an abstention with citations"
    for c in citations:
        n, doc = c.get("number"), c.get("doc_id")
        if not isinstance(n, int) or not 1 <= n <= len(retrieved):
            return f"citation [{n}] is outside the {len(retrieved)} passages retrieved"
        if retrieved[n - 1] != doc:
            return f"citation [{n}] is {doc!r}, but this question's passage {n} is {retrieved[n - 1]!r}"
    return ""


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    i = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[i]


def ask(client: Any, question: str, library: str) -> tuple[dict[str, Any], float | None]:
    """One /ask call; returns the answer and how long it waited in the queue (None if unseen)."""
    t0 = time.perf_counter()
    job = client.submit(question, library, api_name="/ask")
    started: float | None = None
    while not job.done():
        if started is None and job.status().code.name in _RUNNING:
            started = time.perf_counter()
        time.sleep(0.01)
    out = job.result()
    return (json.loads(out) if isinstance(out, str) else out), (started - t0 if started is not None else None)


def warm(url: str, question: str, library: str) -> None:
    """One request before the clock starts: the app loads its embedder and model on first use."""
    from gradio_client import Client

    ask(Client(url, verbose=False, analytics_enabled=False, download_files=False), question, library)


def conversation(
    url: str,
    index: int,
    questions: list[str],
    references: dict[str, list[str]] | None,
    deadline: float,
    budget: list[int],
    lock: threading.Lock,
    results: list[Request],
    library: str,
) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    turn = 0
    while time.monotonic() < deadline:
        with lock:
            if budget[0] == 0:
                return
            budget[0] -= 1
        question = questions[(index * 3 + turn) % len(questions)]  # each conversation its own order
        turn += 1
        t0 = time.perf_counter()
        try:
            answer, waited = ask(client, question, library)
        except Exception as e:
            with lock:
                results.append(Request(index, question, time.perf_counter() - t0, None, error=f"{type(e).__name__}: {e}"))
            continue
        latency = time.perf_counter() - t0
        leak = leak_problem(answer, references[question]) if references is not None else ""
        with lock:
            results.append(
                Request(
                    index,
                    question,
                    latency,
                    waited,
                    leak=leak,
                    mode=str(answer.get("mode", "")),
                    abstained=bool(answer.get("abstained")),
                    cited=[str(c.get("doc_id")) for c in answer.get("citations") or []],
                )
            )


def run_load(
    url: str,
    questions: list[str],
    references: dict[str, list[str]] | None,
    concurrency: int = 8,
    duration: float = 120.0,
    max_requests: int | None = None,
    library: str = "All",
) -> dict[str, Any]:
    """Drive the app with `concurrency` conversations until `duration` seconds or `max_requests`."""
    check_loopback(url)
    warm(url, questions[0], library)
    results: list[Request] = []
    lock = threading.Lock()
    budget = [max_requests if max_requests is not None else -1]
    t0 = time.monotonic()
    deadline = t0 + duration
    threads = [
        threading.Thread(
            target=conversation,
            args=(url, i, questions, references, deadline, budget, lock, results, library),
            name=f"conversation-{i}",
        )
        for i in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    ok = [r for r in results if not r.error]
    latencies = [r.latency for r in ok]
    waits = [r.queue_wait for r in ok if r.queue_wait is not None]
    modes: dict[str, int] = {}
    for r in ok:
        modes[r.mode] = modes.get(r.mode, 0) + 1
    return {
        "url": url,
        "concurrency": concurrency,
        "seconds": round(wall, 1),
        "requests": len(results),
        "served": len(ok),
        "errors": [f"{r.question!r}: {r.error}" for r in results if r.error],
        "leaks": [f"{r.question!r}: {r.leak}" for r in ok if r.leak],
        "leak_check": references is not None,
        "per_minute": round(len(ok) / wall * 60, 1) if wall else 0.0,
        "latency_p50": percentile(latencies, 50),
        "latency_p95": percentile(latencies, 95),
        "latency_max": max(latencies, default=None),
        "queue_wait_p50": percentile(waits, 50),
        "queue_wait_p95": percentile(waits, 95),
        "modes": modes,
        "rows": [asdict(r) for r in results],
    }


def references_for(assistant: Any, questions: list[str]) -> dict[str, list[str]]:
    """What each question retrieves, from a separate Assistant over the same store."""
    return {q: [p.doc_id for p in assistant.search(q, k=assistant.settings.answer.k)] for q in dict.fromkeys(questions)}


@contextlib.contextmanager
def stack(
    workdir: Path, corpus: list[Path], questions: list[str], model_server: bool = False, log: Any = print
) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """Chroma server (+ llama_cpp.server) + `assistant serve`, all on loopback; yields the app's
    URL and what each question retrieves."""
    from assistant import Assistant

    from .servers import ChromaServer, ModelServer, WebServer, smollm2_path

    servers: list[Any] = []
    try:
        chroma = ChromaServer(workdir / "store", log=workdir / "chroma.log").start()
        servers.append(chroma)
        llm_url = None
        if model_server:
            llm = ModelServer(smollm2_path(workdir / "driver"), log=workdir / "llama.log").start()
            servers.append(llm)
            llm_url = llm.url
        log(f"chroma {chroma.url}" + (f", model server {llm_url}" if llm_url else ""))
        driver = Assistant(data_dir=workdir / "driver", chroma_url=chroma.url)
        log(driver.ingest(list[str | Path](corpus)).summary())
        refs = references_for(driver, questions)
        web = WebServer(workdir / "web", chroma_url=chroma.url, llm_url=llm_url, log=workdir / "web.log").start()
        servers.append(web)
        log(f"web app {web.url} (log {workdir / 'web.log'})")
        yield web.url, refs
    finally:
        for s in reversed(servers):
            s.stop()


def format_report(r: dict[str, Any]) -> str:
    def s(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}s"

    lines = [
        f"{r['served']} of {r['requests']} requests served in {r['seconds']}s by {r['concurrency']} concurrent conversations "
        f"({r['per_minute']}/min)",
        f"latency p50 {s(r['latency_p50'])}  p95 {s(r['latency_p95'])}  max {s(r['latency_max'])}",
        f"queue wait p50 {s(r['queue_wait_p50'])}  p95 {s(r['queue_wait_p95'])}",
        "answers: " + ", ".join(f"{k} {v}" for k, v in sorted(r["modes"].items())),
        f"errors: {len(r['errors'])}" + "".join(f"\n  {e}" for e in r["errors"][:10]),
        (f"leaks: {len(r['leaks'])}" if r["leak_check"] else "leaks: not checked (no --chroma-url to search)")
        + "".join(f"\n  {x}" for x in r["leaks"][:10]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running `assistant serve` (default: start a throwaway stack)")
    p.add_argument("--chroma-url", help="with --url: the Chroma server the app uses, to check citations against")
    p.add_argument("--duration", type=float, default=120.0, help="seconds to keep asking (default 120)")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent conversations (default 8)")
    p.add_argument("--requests", type=int, default=None, help="stop after this many requests in all")
    p.add_argument("--questions", type=Path, default=None, help=f"JSONL with a 'question' per line (default {QUESTIONS})")
    p.add_argument("--corpus", type=Path, action="append", default=[], help="files to ingest into the stack (default seeds/)")
    p.add_argument("--model-server", action="store_true", help="the stack's web app uses a llama_cpp.server")
    p.add_argument("--library", default="All")
    p.add_argument("--json", type=Path, help="write the figures and every request here")
    args = p.parse_args(argv)

    def report(result: dict[str, Any]) -> int:
        print(format_report(result))
        if args.json:
            args.json.write_text(json.dumps(result, indent=1))
        return 0 if result["served"] and not result["errors"] and not result["leaks"] else 1

    if args.url:
        questions = load_questions(args.questions)
        refs = None
        if args.chroma_url:
            from assistant import Assistant

            with tempfile.TemporaryDirectory(prefix="load-driver-") as tmp:
                refs = references_for(Assistant(data_dir=tmp, chroma_url=args.chroma_url), questions)
        return report(run_load(args.url, questions, refs, args.concurrency, args.duration, args.requests, args.library))
    questions = load_questions(args.questions)
    with (
        tempfile.TemporaryDirectory(prefix="load-stack-") as tmp,
        stack(
            Path(tmp), args.corpus or [ROOT / "seeds"], questions, args.model_server, log=lambda m: print(m, file=sys.stderr)
        ) as (url, refs),
    ):
        return report(run_load(url, questions, refs, args.concurrency, args.duration, args.requests, args.library))


if __name__ == "__main__":
    sys.exit(main())
