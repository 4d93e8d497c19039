"""Speed benchmark (issue 5): every figure measured side by side with the raw engine in the same run,
so the ratios hold on a noisy machine. Prints one table per section, a target-vs-measured summary,
and writes everything (with machine info) as JSON.

    .venv/bin/python -m benchmarks.bench                       # the full run (tens of minutes on 2 cores)
    .venv/bin/python -m benchmarks.bench --quick               # small sizes, a few minutes
    .venv/bin/python -m benchmarks.bench --only ttft,tokens    # sections: ttft tokens ingest retrieval serve scaling
    .venv/bin/python -m benchmarks.bench --json OUT.json       # default benchmarks/results/bench.json

Sections
  ttft       seed questions through `Assistant.stream`, timed from the call: the sources preview (the
             first, empty `Retrieved` item), the first token, the first checked text (what the user
             sees) and the whole answer; vs the very prompts the assistant builds (`Assistant.plan`, then
             `Assistant.answerer.prompt`) run on a fresh llama_cpp.Llama (same GGUF, n_ctx, threads,
             n_batch, max_tokens, stop strings, temperature 0): its first token, first complete sentence
             and whole reply. Questions the assistant abstains on before the model, and lists and
             comparisons (written with one model call per paper), are reported apart.
  tokens     decode tokens/s: `Assistant.generator().stream(prompt)` vs a bare `Llama.generate` loop
             on a second Llama over the same prompt tokens (greedy, same stop at end-of-generation).
  ingest     SciFact abstracts/s through `Assistant.ingest` (default backend, exported model already
             cached; the one-off export is timed apart) vs bare sentence-transformers (torch) `encode`
             and the bare ONNX int8 embedder, interleaved chunk by chunk.
  retrieval  `Assistant.search(q, k=10)` latency (query embedding, Chroma, BM25, fusion, fetch) with the
             SciFact claims as queries, at the SciFact corpus and at N documents (real abstracts plus
             synthetic ones recombined from their sentences), vs exact numpy search over the same vectors.
             Synthetic documents get the normalised, sentence-weighted mean of their source abstracts'
             stored vectors (not re-embedded) unless --embed-synthetic. Stores are cached in --cache.
  serve      `assistant serve` as a child process on a free loopback port over the seeds: peak RSS of
             its process tree, time to the page answering 200, to the model loaded, to the first /ask answer.
  scaling    TTFT vs passages shown (k), retrieval latency vs library size, tokens/s vs output length.

Only public names of the `assistant` package are used: each stage is timed through the API.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from benchmarks.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
SEEDS = ROOT / "seeds"
VENV_BIN = Path(sys.executable).parent
SECTIONS = ("ttft", "tokens", "ingest", "retrieval", "serve", "scaling")
# What Answerer.stream gives a completion (base) model as stop strings (see `model_stop`).
COMPLETION_STOP = ["\n\n", "Question:", "Abstracts:"]
# The kinds Answerer.stream writes with one model call, from `Assistant.answerer.prompt(plan, gen)`;
# a list or a comparison is written with one short call per paper and has no single prompt to compare.
ONE_PROMPT = ("fact", "yesno", "explain")
LONG_PROMPT = (
    "Write a long and detailed essay, with many paragraphs, on how search engines, language models and "
    "citation tools could help a researcher read and organise a large collection of scientific papers. "
    "Cover history, methods, practical advice, risks and future directions."
)


# -- small helpers ----------------------------------------------------------------------------------
def pct(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "mean": float(np.mean(values)) if values else None,
        "min": float(min(values)) if values else None,
        "max": float(max(values)) if values else None,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt(v: Any, unit: str = "", digits: int = 2) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if unit == "ms":
            return f"{v * 1000:.{1 if v < 0.1 else 0}f} ms"
        return f"{v:.{digits}f}{(' ' + unit) if unit else ''}"
    return f"{v}{(' ' + unit) if unit else ''}"


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, r in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if limit is not None and len(out) >= limit:
                    break
    return out


def release_chroma() -> None:
    """Close the embedded Chroma stores this process opened (so their memory goes and folders can move)."""
    gc.collect()
    with contextlib.suppress(Exception):
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    gc.collect()


def machine_info() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    versions = {}
    for mod in ("llama_cpp", "onnxruntime", "chromadb", "sentence_transformers", "torch", "bm25s", "gradio"):
        with contextlib.suppress(Exception):
            versions[mod] = __import__(mod).__version__
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory": mem,
        "load_average_at_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "git_commit": commit,
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.bench", *sys.argv[1:]]),
    }


# -- the run's shared state -------------------------------------------------------------------------
class Run:
    """Options, temp dirs and the objects sections share (the seeds Assistant, the raw Llama)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.cache = Path(args.cache)
        self.cache.mkdir(parents=True, exist_ok=True)
        self.tmpdir = tempfile.TemporaryDirectory(prefix="bench-")
        self.tmp = Path(self.tmpdir.name)
        self.results: dict[str, Any] = {}
        self.seeds: Any = None  # the seeds Assistant, made on first use
        self.engine: Any = None  # the bare llama_cpp.Llama, made on first use
        self.retrieval_memo: dict[int, dict[str, Any]] = {}
        corpus_n = len(read_jsonl(EVAL / "scifact_corpus.jsonl"))
        self.base_n = min(args.scifact_docs or (500 if args.quick else corpus_n), corpus_n)
        self.synthetic_n = args.docs or (10000 if args.quick else 100000)
        default_sizes = [self.base_n, self.synthetic_n] if args.quick else [1000, self.base_n, 20000, self.synthetic_n]
        self.scaling_sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else default_sizes

    def close(self) -> None:
        self.seeds = None
        self.engine = None
        release_chroma()
        self.tmpdir.cleanup()

    # embedder cache: the ONNX export is done once, into the cache, and linked into every data dir
    @property
    def backend(self) -> str:
        from assistant.config import load_settings

        return load_settings().retrieval.embed_backend

    @property
    def store_key(self) -> str:
        """Names cached stores: vectors differ with the backend and the tokens embedded."""
        from assistant.config import load_settings

        return f"{self.backend}-len{load_settings().retrieval.embed_max_tokens}"

    def embedder_cache(self) -> Path:
        path = self.cache / f"embedder-{self.backend}"
        if self.backend == "torch":
            path.mkdir(parents=True, exist_ok=True)
            return path
        marker = path / "export.json"
        if not marker.exists():
            log(f"exporting the {self.backend} embedder once into {path}")
            seconds = time_export(path, self.backend)
            marker.write_text(json.dumps({"seconds": seconds, "date": time.strftime("%Y-%m-%d %H:%M")}))
        return path

    def data_dir(self, name: str) -> Path:
        d = self.tmp / name
        link_embedder(d, self.embedder_cache())
        return d

    def seeds_assistant(self) -> Any:
        """An Assistant over the seeds in a temp data dir, model and embedder loaded (shared by sections)."""
        if self.seeds is None:
            from assistant import Assistant

            d = self.data_dir("seeds")
            a = Assistant(data_dir=d)
            t = time.perf_counter()
            a.ingest(SEEDS)
            log(f"seeds ingested in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            a.warm()
            log(f"model and embedder loaded in {time.perf_counter() - t:.1f} s ({a.settings.model.name})")
            self.seeds = a
        return self.seeds

    def raw(self) -> Any:
        """A second, independent llama_cpp.Llama on the assistant's GGUF with the same parameters."""
        if self.engine is None:
            self.engine = RawLlama(self.seeds_assistant())
        return self.engine

    def questions(self) -> list[str]:
        rows = read_jsonl(EVAL / "seeds_questions.jsonl")
        return [r["question"] for r in rows]


def link_embedder(data_dir: Path, cache: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "embedder"
    if not target.exists():
        target.symlink_to(cache, target_is_directory=True)


def time_export(folder: Path, backend: str) -> float:
    """Export (and, for onnx-int8, quantise) the embedding model into `folder`; seconds taken,
    including importing torch and transformers, as a first ingest pays it."""
    from assistant.embed_onnx import OnnxEmbedder

    t = time.perf_counter()
    OnnxEmbedder(folder, quantized=backend == "onnx-int8")
    return time.perf_counter() - t


# -- the model side ---------------------------------------------------------------------------------
class RawLlama:
    """llama-cpp-python used directly, as a user of the engine would, on the assistant's model."""

    def __init__(self, assistant: Any) -> None:
        from llama_cpp import Llama

        gen = assistant.generator()
        if getattr(gen, "path", None) is None:
            raise RuntimeError("the bare-engine comparison needs the model in process: unset ASSISTANT_LLM_URL")
        s = assistant.settings
        self.path = str(gen.path)
        self.params = {
            "n_ctx": gen.n_ctx,
            "n_threads": s.model.n_threads,
            "n_threads_batch": s.model.n_threads,
            "n_batch": min(s.model.n_batch, gen.n_ctx),
        }
        chat_format = assistant.model_spec.chat_format
        fmt = None if chat_format in ("chat", "completion") else chat_format
        t = time.perf_counter()
        self.llm = Llama(model_path=self.path, chat_format=fmt, verbose=False, **self.params)
        self.load_seconds = time.perf_counter() - t
        self.completion = gen.completion

    def answer(self, prompt: Any, max_tokens: int, stop: list[str], first_only: bool = False) -> dict[str, Any]:
        """A chat prompt (or a completion string) run greedily: seconds to the first non-empty text,
        to the first complete sentence (cut as the assistant cuts the model's text before checking
        it), and to the end of the reply; and the reply's text."""
        from assistant.check import SentenceBuffer

        t0 = time.perf_counter()
        first = sentence = None
        pieces = []
        buffer = SentenceBuffer()
        kwargs: dict[str, Any] = {"max_tokens": max_tokens, "temperature": 0.0, "stream": True, "stop": stop}
        llm: Any = self.llm  # llama-cpp-python's stream types are looser than its annotations
        if isinstance(prompt, str):
            chunks = llm.create_completion(prompt, **kwargs)
            get = lambda c: c["choices"][0].get("text") or ""  # noqa: E731
        else:
            chunks = llm.create_chat_completion(messages=prompt, **kwargs)
            get = lambda c: c["choices"][0]["delta"].get("content") or ""  # noqa: E731
        for chunk in chunks:
            text = get(chunk)
            if not text:
                continue
            if first is None:
                first = time.perf_counter() - t0
                if first_only:
                    chunks.close()
                    break
            if sentence is None and buffer.feed(text):
                sentence = time.perf_counter() - t0
            pieces.append(text)
        total = time.perf_counter() - t0
        if sentence is None and not first_only and buffer.flush():
            sentence = total
        return {"first_token": first, "first_sentence": sentence, "total": total, "text": "".join(pieces)}

    def prompt_tokens(self, prompt: Any) -> list[int]:
        """The tokens the engine evaluates for a chat prompt (the GGUF's template) or completion
        string: BOS when the vocabulary asks for it, then the text with special tokens parsed."""
        import llama_cpp

        text = prompt if isinstance(prompt, str) else chat_text(self.llm, prompt)
        llm = self.llm
        bos = llm.token_bos()
        add_bos = bos != -1 and llama_cpp.llama_vocab_get_add_bos(llama_cpp.llama_model_get_vocab(llm.model))
        return ([bos] if add_bos else []) + llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def bare_loop(self, tokens: list[int], max_tokens: int) -> tuple[list[float], list[int]]:
        """A bare token loop: `Llama.generate`, greedy, stopping at end-of-generation or max_tokens.
        Returns the time each token arrived (from the call) and the tokens."""
        import llama_cpp

        llm = self.llm
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        out: list[int] = []
        stamps: list[float] = []
        t0 = time.perf_counter()
        for tok in llm.generate(tokens, temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0):
            if llama_cpp.llama_vocab_is_eog(vocab, tok):
                break
            out.append(tok)
            stamps.append(time.perf_counter() - t0)
            if len(out) >= max_tokens:
                break
        return stamps, out


def token_text(llm: Any, token: int) -> str:
    """A token's text in the vocabulary ('' for none), as llama-cpp-python gives its chat templates."""
    import llama_cpp

    if token == -1:
        return ""
    return llama_cpp.llama_vocab_get_text(llama_cpp.llama_model_get_vocab(llm.model), token).decode("utf-8", "replace")


def chat_text(llm: Any, messages: list[dict[str, str]]) -> str:
    """A chat as the text the GGUF's own template makes of it (as llama-cpp-python's default handler does)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return "\n".join(m["content"] for m in messages) + "\n"
    eos, bos = llm.token_eos(), llm.token_bos()
    formatter = Jinja2ChatFormatter(
        template=template, eos_token=token_text(llm, eos), bos_token=token_text(llm, bos), stop_token_ids=[eos]
    )
    return formatter(messages=cast(Any, messages)).prompt


def model_stop(gen: Any) -> list[str]:
    """The stop strings Answerer.stream gives the model: a completion (base) model is stopped before
    it runs on into a new question; a chat model stops at the end of its turn."""
    return list(COMPLETION_STOP) if gen.completion else []


def model_prompt(a: Any, question: str, k: int | None = None) -> tuple[Any, Any, int] | None:
    """(plan, prompt, passages in it): the prompt `Assistant.stream` gives the model for a question,
    through the public stages `Assistant.plan` and `Answerer.prompt`; None when there is no single
    prompt (the assistant abstains before the model, or the kind is written with several calls)."""
    plan = a.plan(question, k=k)
    if plan.abstain or plan.kind not in ONE_PROMPT:
        return None
    prompt, shown = a.answerer.prompt(plan, a.generator())
    return plan, prompt, len(shown)


def assistant_answer(a: Any, question: str, k: int | None = None) -> dict[str, Any]:
    """One question through `Assistant.stream`, timed from the call as a user sees it: the sources
    preview (the first, empty `Retrieved` item), the first token (the answer's own `first_token`,
    counted from when the stream went on after the preview), the first checked text, the final Answer."""
    from assistant import Answer
    from assistant.chat import Retrieved

    t0 = time.perf_counter()
    stream = a.stream(question, k=k)
    retrieved = next(stream)
    preview = time.perf_counter() - t0
    assert isinstance(retrieved, Retrieved), type(retrieved)
    resumed = time.perf_counter() - t0  # the answer's timings count from here
    first_text = None
    final = None
    pieces = []
    for item in stream:
        if isinstance(item, Answer):
            final = item
        elif item:
            if first_text is None:
                first_text = time.perf_counter() - t0
            pieces.append(item)
    total = time.perf_counter() - t0
    assert final is not None
    timings = dict(final.timings)
    first_token = resumed + timings["first_token"] if "first_token" in timings else None
    return {
        "question": question,
        "kind": retrieved.plan.kind,
        "passages": len(retrieved.passages),
        "preview": preview,
        "first_token": first_token,
        "first_text": first_text,
        "total": total,
        "mode": final.mode,
        "abstained": final.abstained,
        "reached_model": first_token is not None,
        "timings": timings,
        "text": "".join(pieces),
    }


# -- 1. time to first token and to the first checked text --------------------------------------------
def section_ttft(run: Run) -> dict[str, Any]:
    a = run.seeds_assistant()
    raw = run.raw()
    stop = model_stop(a.generator())
    questions = run.questions()
    if run.quick:
        questions = questions[:2] + [q for q in questions if "France" in q][:1]
    reps = run.args.reps or (1 if run.quick else 3)
    log(f"ttft: {len(questions)} questions x {reps}")

    # warm-up, not counted: the first prompt evaluates the system text from scratch on both sides
    warm = questions[0]
    assistant_answer(a, warm)
    built = model_prompt(a, warm)
    if built:
        raw.answer(built[1], a.answerer.max_tokens(built[0]), stop)

    rows = []
    for rep in range(reps):
        for i, q in enumerate(questions):
            built = model_prompt(a, q)  # outside the timing; deterministic
            row: dict[str, Any] = {"rep": rep}
            order = ["assistant", "raw"] if (rep + i) % 2 == 0 else ["raw", "assistant"]
            for side in order:
                if side == "assistant":
                    row.update(assistant_answer(a, q))
                elif built is not None:
                    plan, prompt, shown = built
                    out = raw.answer(prompt, a.answerer.max_tokens(plan), stop)
                    row.update({f"raw_{key}": v for key, v in out.items()})
                    row.update(passages_shown=shown, prompt_tokens=len(raw.prompt_tokens(prompt)))
            rows.append(row)
            log(
                f"  preview {fmt(row['preview'], 's')}  token {fmt(row['first_token'], 's')}  text "
                f"{fmt(row['first_text'], 's')}  total {fmt(row['total'], 's')}  | raw token {fmt(row.get('raw_first_token'), 's')}"
                f"  sentence {fmt(row.get('raw_first_sentence'), 's')}  total {fmt(row.get('raw_total'), 's')}  "
                f"{row['kind']}/{row['mode']}  {q[:50]}"
            )

    compared = [r for r in rows if r["reached_model"] and r.get("raw_first_token") is not None]
    several = [r for r in rows if r["reached_model"] and r.get("raw_first_token") is None]
    abst = [r for r in rows if not r["reached_model"]]

    def figures(rs: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
        return {key: summary([r[key] for r in rs if r.get(key) is not None]) for key in keys}

    stages = ("retrieval", "evidence", "prompt")
    res: dict[str, Any] = {
        "questions": len(questions),
        "reps": reps,
        "max_tokens": {"short": a.settings.answer.max_tokens, "long": a.settings.answer.max_tokens_long},
        "compared": len(compared),
        "assistant": figures(compared, ("preview", "first_token", "first_text", "total")),
        "raw": figures(compared, ("raw_first_token", "raw_first_sentence", "raw_total")),
        "before_model": {
            **{s: summary([r["timings"][s] for r in compared if s in r["timings"]]) for s in stages},
            "sum": summary([sum(r["timings"].get(s, 0.0) for s in stages) for r in compared]),
        },
        "prompt_tokens": summary([r["prompt_tokens"] for r in compared]),
        "several_calls": {"n": len(several), **figures(several, ("preview", "first_token", "first_text", "total"))},
        "abstained_before_model": {"n": len(abst), **figures(abst, ("preview", "first_text", "total"))},
        "rows": [{key: v for key, v in r.items() if key not in ("text", "raw_text")} for r in rows],
    }
    ours, bare = res["assistant"], res["raw"]
    pairs = [
        ("sources preview (the Retrieved item)", "preview", None),
        ("first token", "first_token", "raw_first_token"),
        ("first checked text | bare: first complete sentence", "first_text", "raw_first_sentence"),
        ("whole answer | bare: whole reply", "total", "raw_total"),
    ]
    res["ratio_p50"] = {ours_key: ratio(ours[ours_key]["p50"], bare[raw_key]["p50"]) for _, ours_key, raw_key in pairs if raw_key}
    table(
        f"1. Seed questions through Assistant.stream vs the bare engine on the same prompts (n={len(compared)}; "
        f"{len(several)} written with several model calls and {len(abst)} abstained before the model, reported below)",
        ["", "assistant p50", "assistant p95", "bare p50", "bare p95", "ratio p50"],
        [
            [
                name,
                fmt(ours[ours_key]["p50"], "s"),
                fmt(ours[ours_key]["p95"], "s"),
                fmt(bare[raw_key]["p50"], "s") if raw_key else "",
                fmt(bare[raw_key]["p95"], "s") if raw_key else "",
                fmt(res["ratio_p50"][ours_key], "x") if raw_key else "",
            ]
            for name, ours_key, raw_key in pairs
        ],
    )
    before, sev, ab = res["before_model"], res["several_calls"], res["abstained_before_model"]
    print(
        f"  before the model p50: retrieval {fmt(before['retrieval']['p50'], 'ms')}, evidence {fmt(before['evidence']['p50'], 'ms')}, "
        f"prompt {fmt(before['prompt']['p50'], 'ms')} (sum {fmt(before['sum']['p50'], 's')}); prompt tokens p50 "
        f"{fmt(res['prompt_tokens']['p50'], digits=0)}. The assistant stops the model once it has kept the sentences "
        "a kind needs, so its whole answer can be shorter than the bare reply."
    )
    print(
        f"  several model calls (lists, comparisons) n={sev['n']}: first token p50 {fmt(sev['first_token']['p50'], 's')}, "
        f"first text {fmt(sev['first_text']['p50'], 's')}, whole {fmt(sev['total']['p50'], 's')}; abstained before the "
        f"model n={ab['n']}: preview p50 {fmt(ab['preview']['p50'], 's')}, whole {fmt(ab['total']['p50'], 's')}"
    )
    return res


# -- 2. tokens per second ---------------------------------------------------------------------------
def decode_rate(stamps: list[float], n_tokens: int) -> float | None:
    """Tokens per second after the first (prompt evaluation excluded)."""
    if n_tokens < 2 or len(stamps) < 2 or stamps[-1] <= stamps[0]:
        return None
    return (n_tokens - 1) / (stamps[-1] - stamps[0])


def tokens_once(run: Run, prompt: str, max_tokens: int, side: str) -> dict[str, Any]:
    a = run.seeds_assistant()
    raw = run.raw()
    gen = a.generator()
    if side == "assistant":
        stamps, pieces = [], []
        t0 = time.perf_counter()
        for piece in gen.stream(prompt, max_tokens):
            stamps.append(time.perf_counter() - t0)
            pieces.append(piece)
        total = time.perf_counter() - t0
        text = "".join(pieces)
        n = gen.count(text)
        # pieces are not tokens: spread the count over the stream's span
        return {"tokens": n, "pieces": len(pieces), "first": stamps[0] if stamps else None, "total": total,
                "decode_tps": decode_rate([stamps[0], stamps[-1]], n) if stamps else None, "text": text}  # fmt: skip
    tokens = raw.prompt_tokens(prompt)
    t0 = time.perf_counter()
    stamps, out = raw.bare_loop(tokens, max_tokens)
    total = time.perf_counter() - t0
    text = raw.llm.detokenize(out).decode("utf-8", errors="ignore")
    n = gen.count(text)  # counted the same way as the assistant side
    return {"tokens": n, "generated": len(out), "first": stamps[0] if stamps else None, "total": total,
            "decode_tps": decode_rate([stamps[0], stamps[-1]], n) if stamps else None, "text": text}  # fmt: skip


def long_prompt(run: Run) -> str:
    raw = run.raw()
    messages = [{"role": "user", "content": LONG_PROMPT}]
    return LONG_PROMPT if raw.completion else chat_text(raw.llm, messages)


def tokens_compare(run: Run, max_tokens: int, reps: int) -> dict[str, Any]:
    prompt = long_prompt(run)
    tokens_once(run, prompt, 8, "assistant")  # warm both (prompt cached alike on both sides)
    tokens_once(run, prompt, 8, "raw")
    sides: dict[str, list[dict[str, Any]]] = {"assistant": [], "raw": []}
    for rep in range(reps):
        for side in ("assistant", "raw") if rep % 2 == 0 else ("raw", "assistant"):
            sides[side].append(tokens_once(run, prompt, max_tokens, side))
    res: dict[str, Any] = {"max_tokens": max_tokens, "reps": reps}
    for side, rows in sides.items():
        res[side] = {
            "decode_tps": summary([r["decode_tps"] for r in rows if r["decode_tps"]]),
            "end_to_end_tps": summary([r["tokens"] / r["total"] for r in rows if r["total"]]),
            "tokens": summary([r["tokens"] for r in rows]),
        }
    res["same_text"] = all(x["text"] == y["text"] for x, y in zip(sides["assistant"], sides["raw"], strict=True))
    res["ratio"] = ratio(res["assistant"]["decode_tps"]["p50"], res["raw"]["decode_tps"]["p50"])
    return res


def section_tokens(run: Run) -> dict[str, Any]:
    n = run.args.gen_tokens or (64 if run.quick else 128)
    reps = run.args.reps or (2 if run.quick else 5)
    log(f"tokens: {n} tokens x {reps} per side")
    res = tokens_compare(run, n, reps)
    a, r = res["assistant"], res["raw"]
    table(
        f"2. Generated tokens/s, same prompt, up to {n} tokens, greedy (n={reps} per side)",
        ["", "decode tok/s p50", "end-to-end tok/s p50", "tokens"],
        [
            ["assistant (generator().stream)", fmt(a["decode_tps"]["p50"], digits=1), fmt(a["end_to_end_tps"]["p50"], digits=1), fmt(a["tokens"]["p50"], digits=0)],
            ["bare Llama.generate loop", fmt(r["decode_tps"]["p50"], digits=1), fmt(r["end_to_end_tps"]["p50"], digits=1), fmt(r["tokens"]["p50"], digits=0)],
            ["ratio assistant / bare", fmt(res["ratio"], "x"), fmt(ratio(a["end_to_end_tps"]["p50"], r["end_to_end_tps"]["p50"]), "x"), ""],
        ],
    )  # fmt: skip
    print(f"  identical text on both sides: {res['same_text']}")
    return res


# -- 3. ingest ---------------------------------------------------------------------------------------
def section_ingest(run: Run) -> dict[str, Any]:
    from assistant import Assistant
    from assistant.embed import model_dir
    from assistant.index import embedding_text

    n = run.args.ingest_docs or (500 if run.quick else 10**9)
    records = read_jsonl(EVAL / "scifact_corpus.jsonl", n)
    n = len(records)
    chunk = 250 if run.quick else 1000
    backend = run.backend
    res: dict[str, Any] = {"docs": n, "backend": backend, "chunk": chunk}

    # the one-off export, timed in a fresh folder (a first `assistant ingest` pays it); full run only,
    # the quick run reports the time recorded when the cache was made
    if backend != "torch":
        if run.quick:
            run.embedder_cache()
            rec = json.loads((run.embedder_cache() / "export.json").read_text())
            res["export_seconds"], res["export_note"] = rec["seconds"], f"recorded when the cache was made ({rec['date']})"
        else:
            res["export_seconds"] = time_export(run.tmp / "export-probe", backend)
            res["export_note"] = "measured in this run (includes importing torch and transformers)"
            shutil.rmtree(run.tmp / "export-probe", ignore_errors=True)
    log(f"ingest: {n} SciFact abstracts in chunks of {chunk}, {backend} vs torch vs bare onnx-int8")

    files = []
    for i in range(0, n, chunk):
        f = run.tmp / f"scifact-{i}.jsonl"
        f.write_text("".join(json.dumps(r) + "\n" for r in records[i : i + chunk]), encoding="utf-8")
        files.append((f, [embedding_text(r.get("title", ""), r["abstract"]) for r in records[i : i + chunk]]))

    d = run.data_dir("ingest")
    a = Assistant(data_dir=d)
    t = time.perf_counter()
    a.index.embed(["warm up"])
    res["assistant_embedder_load"] = time.perf_counter() - t

    from sentence_transformers import SentenceTransformer

    t = time.perf_counter()
    st = SentenceTransformer(str(model_dir()), device="cpu")
    st.encode(["warm up"])
    res["torch_load"] = time.perf_counter() - t
    import torch

    res["torch_threads"] = torch.get_num_threads()

    from assistant.embed_onnx import OnnxEmbedder

    t = time.perf_counter()
    onnx = OnnxEmbedder(
        run.cache / "embedder-onnx-int8" if backend != "onnx-int8" else run.embedder_cache(),
        True,
        a.settings.model.n_threads,
        a.settings.retrieval.embed_max_tokens,
    )
    onnx.encode(["warm up"])
    res["onnx_load"] = time.perf_counter() - t

    spent = {"assistant": 0.0, "torch": 0.0, "onnx-int8": 0.0}
    cos: list[float] = []
    sides = list(spent)
    for i, (f, texts) in enumerate(files):
        vec = {}
        for side in sides[i % 3 :] + sides[: i % 3]:
            t = time.perf_counter()
            if side == "assistant":
                report = a.ingest(f, library="scifact")
                assert report.added == len(texts), report
            elif side == "torch":
                vec["torch"] = st.encode(texts, batch_size=64)
            else:
                vec["onnx"] = onnx.encode(texts, batch_size=a.settings.retrieval.embed_batch)
            spent[side] += time.perf_counter() - t
        tv = vec["torch"] / np.linalg.norm(vec["torch"], axis=1, keepdims=True)
        cos.extend(np.sum(tv * vec["onnx"], axis=1).tolist())
        log(f"  chunk {i + 1}/{len(files)}: " + ", ".join(f"{k} {(i * chunk + len(texts)) / v:.0f}/s" for k, v in spent.items()))
    res["seconds"] = spent
    res["rate"] = {k: n / v for k, v in spent.items()}
    res["ratio_vs_torch"] = res["rate"]["assistant"] / res["rate"]["torch"]
    res["onnx_int8_vs_torch_cosine"] = summary(cos)
    del st, onnx
    count = a.index.count()
    del a
    release_chroma()
    # keep the ingested store as the retrieval section's SciFact store of that size
    if count == n:
        keep = base_store_path(run, n)
        if not (keep / "built.json").exists():
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(d), str(keep))
            (keep / "built.json").write_text(
                json.dumps({"docs": n, "seconds": spent["assistant"], "how": "bench ingest section"})
            )

    r = res["rate"]
    table(
        f"3. Ingest throughput, {n} SciFact abstracts (title + abstract)",
        ["", "abstracts/s", "vs torch"],
        [
            [
                f"Assistant.ingest ({backend}, Chroma + BM25 writes)",
                fmt(r["assistant"], digits=1),
                fmt(r["assistant"] / r["torch"], "x"),
            ],
            ["bare sentence-transformers encode (torch)", fmt(r["torch"], digits=1), "1.00 x"],
            [
                "bare ONNX int8 embedder encode (same max tokens and batch)",
                fmt(r["onnx-int8"], digits=1),
                fmt(r["onnx-int8"] / r["torch"], "x"),
            ],
        ],
    )
    print(
        f"  one-off export {fmt(res.get('export_seconds'), 's')} ({res.get('export_note', 'n/a')}); embedder load "
        f"{fmt(res['assistant_embedder_load'], 's')}; torch threads {res['torch_threads']}; "
        f"int8 vs torch cosine mean {res['onnx_int8_vs_torch_cosine']['mean']:.4f} min {res['onnx_int8_vs_torch_cosine']['min']:.4f}"
    )
    return res


# -- 4. retrieval -------------------------------------------------------------------------------------
def base_store_path(run: Run, n: int) -> Path:
    return run.cache / f"scifact-{n}-{run.store_key}"


def base_store(run: Run, n: int) -> Path:
    """The first n SciFact abstracts ingested through Assistant.ingest (cached)."""
    from assistant import Assistant

    path = base_store_path(run, n)
    if (path / "built.json").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    link_embedder(path, run.embedder_cache())
    src = run.tmp / f"scifact-first-{n}.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in read_jsonl(EVAL / "scifact_corpus.jsonl", n)), encoding="utf-8")
    log(f"building the SciFact store ({n} abstracts, real ingest) in {path}")
    a = Assistant(data_dir=path)
    t = time.perf_counter()
    a.ingest(src, library="scifact")
    seconds = time.perf_counter() - t
    del a
    release_chroma()
    (path / "built.json").write_text(json.dumps({"docs": n, "seconds": seconds, "how": "Assistant.ingest"}))
    return path


def sized_store(run: Run, base_n: int, total: int) -> Path:
    """A store of `total` documents: the first min(total, base_n) SciFact abstracts with their stored
    vectors, plus synthetic abstracts recombined from their sentences (cached)."""
    if total == base_n:
        return base_store(run, base_n)
    how = "embedded" if run.args.embed_synthetic else "mean"
    path = run.cache / f"sized-{total}-from-scifact-{base_n}-{run.store_key}-{how}"
    if (path / "built.json").exists():
        return path
    from assistant import Assistant
    from assistant.text import short_label, split_sentences
    from assistant.types import Document

    base = base_store(run, base_n)
    a_base = Assistant(data_dir=base)
    src: list[tuple[str, str, list[str], np.ndarray]] = []  # id, title, sentences, vector
    for ids, page in a_base.index.vectors():
        by_id = {p.doc_id: p for p in a_base.index.get(ids)}
        for d, v in zip(ids, page, strict=True):
            if d in by_id:
                src.append((d, by_id[d].title, split_sentences(by_id[d].text), v))
    del a_base
    release_chroma()
    src.sort(key=lambda s: s[0])

    shutil.rmtree(path, ignore_errors=True)
    link_embedder(path, run.embedder_cache())
    a = Assistant(data_dir=path)
    rng = random.Random(total)
    log(f"building a {total}-document store in {path} ({how} vectors for synthetic documents)")
    t = time.perf_counter()
    with a.index.writing():
        keep = src[:total]
        for i in range(0, len(keep), 2000):  # the real abstracts, with their stored vectors
            part = keep[i : i + 2000]
            docs = [
                Document(d, " ".join(sents), short_label(" ".join(sents)), ("scifact",), title=title, source="bench")
                for d, title, sents, _ in part
            ]
            a.index.put(docs, np.stack([v for *_, v in part]))
        made = len(keep)
        usable = [s for s in src if len(s[2]) >= 2]
        while made < total:
            docs, vecs = [], []
            for _ in range(min(2000, total - made)):
                parts = rng.sample(usable, rng.choice((2, 2, 3)))
                sents, weights = [], []
                for _, _, ss, _ in parts:
                    j = rng.randrange(len(ss))
                    span = ss[j : j + rng.randint(1, 4)]
                    sents.extend(span)
                    weights.append(len(span))
                text = " ".join(sents)
                v = sum(w * p[3] for w, p in zip(weights, parts, strict=True))
                vecs.append(v / (np.linalg.norm(v) + 1e-12))
                title = f"{parts[0][1]} ({made})"
                docs.append(
                    Document(f"synth:{total}:{made}", text, short_label(text), ("synthetic",), title=title, source="bench")
                )
                made += 1
            a.index.put(docs, None if run.args.embed_synthetic else np.stack(vecs))
            if made % 10000 < 2000:
                log(f"  {made}/{total} documents, {time.perf_counter() - t:.0f} s")
    seconds = time.perf_counter() - t
    count = a.index.count()
    del a
    release_chroma()
    (path / "built.json").write_text(json.dumps({"docs": count, "seconds": seconds, "how": how}))
    return path


def retrieval_at(run: Run, path: Path, queries: list[str], k: int = 10) -> dict[str, Any]:
    """a.search latency, its parts, and exact numpy search over the same vectors, query by query."""
    from assistant import Assistant
    from assistant.index import fuse_rrf, fuse_z

    a = Assistant(data_dir=path)
    idx = a.index
    n_docs = idx.count()
    t = time.perf_counter()
    a.search(queries[0], k=k)  # the first search builds the BM25 matrix
    first = time.perf_counter() - t
    for q in queries[1:3]:
        a.search(q, k=k)

    t = time.perf_counter()
    ids: list[str] = []
    mats = []
    for got_ids, vecs in idx.vectors():
        ids.extend(got_ids)
        mats.append(vecs)
    matrix = np.concatenate(mats)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    del mats
    load_vectors = time.perf_counter() - t

    s = a.settings
    n = max(s.retrieval.candidates, k)
    times: dict[str, list[float]] = {
        k_: []
        for k_ in ("search", "sync", "embed", "chroma", "bm25", "fuse", "fetch", "numpy_exact", "numpy_matmul", "chroma_10")
    }
    recall = []
    for qi, q in enumerate(queries):
        steps = ["search", "parts", "numpy"]
        for step in steps[qi % 3 :] + steps[: qi % 3]:
            if step == "search":
                t = time.perf_counter()
                a.search(q, k=k)
                times["search"].append(time.perf_counter() - t)
            elif step == "parts":  # Index.search, step by step
                t0 = time.perf_counter()
                idx.sync()  # a search does this at most once a second
                t1 = time.perf_counter()
                v = idx.embed([q])[0]
                t2 = time.perf_counter()
                dense = idx.dense(v, n)
                t3 = time.perf_counter()
                lexical = idx.lexical.search(q, n)
                t4 = time.perf_counter()
                depth = min(n, max(len(dense), idx.lexical.scope(None)))
                if s.retrieval.fusion == "z":
                    fused = fuse_z([(dense, s.retrieval.dense_weight, None), (lexical, s.retrieval.lexical_weight, 0.0)], depth)
                else:
                    fused = fuse_rrf(
                        [(dense, s.retrieval.dense_weight), (lexical, s.retrieval.lexical_weight)], s.retrieval.rrf_k
                    )
                top = sorted(fused, key=lambda d: -fused[d])[:k]
                t5 = time.perf_counter()
                idx.get(top)
                t6 = time.perf_counter()
                for name, dt in zip(
                    ("sync", "embed", "chroma", "bm25", "fuse", "fetch"),
                    (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5),
                    strict=True,
                ):
                    times[name].append(dt)  # fmt: skip
                t = time.perf_counter()
                dense10 = idx.dense(v, k)
                times["chroma_10"].append(time.perf_counter() - t)
            else:
                t = time.perf_counter()
                v2 = idx.embed([q])[0]
                t1 = time.perf_counter()
                scores = matrix @ v2
                top_n = np.argpartition(-scores, k)[:k]
                top_n = top_n[np.argsort(-scores[top_n])]
                t2 = time.perf_counter()
                times["numpy_exact"].append(t2 - t)
                times["numpy_matmul"].append(t2 - t1)
        exact = {ids[i] for i in top_n}
        recall.append(len(exact & {d for d, _ in dense10}) / k)
    res = {
        "docs": n_docs,
        "queries": len(queries),
        "first_search": first,
        "load_vectors_for_numpy": load_vectors,
        "hnsw_recall_at_10": float(np.mean(recall)),
        **{name: summary(v) for name, v in times.items()},
    }
    built = path / "built.json"
    if built.exists():
        res["store"] = json.loads(built.read_text())
    del a, matrix
    release_chroma()
    return res


def claims(run: Run) -> list[str]:
    n = run.args.queries or (30 if run.quick else 300)
    return [r["question"] for r in read_jsonl(EVAL / "scifact_claims.jsonl", n)]


def retrieval_for(run: Run, size: int) -> dict[str, Any]:
    if size not in run.retrieval_memo:
        path = sized_store(run, run.base_n, size)
        log(f"retrieval at {size} documents")
        run.retrieval_memo[size] = retrieval_at(run, path, claims(run))
    return run.retrieval_memo[size]


def retrieval_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        rows.append(
            [
                f"{r['docs']}",
                fmt(r["search"]["p50"], "ms"),
                fmt(r["search"]["p95"], "ms"),
                fmt(r["numpy_exact"]["p50"], "ms"),
                fmt(r["numpy_exact"]["p95"], "ms"),
                fmt(r["numpy_matmul"]["p50"], "ms"),
                " ".join(f"{p} {r[p]['p50'] * 1000:.1f}" for p in ("sync", "embed", "chroma", "bm25", "fuse", "fetch")),
                f"{r['hnsw_recall_at_10']:.3f}",
            ]
        )
    return rows


RETRIEVAL_HEADER = [
    "docs",
    "search p50",
    "search p95",
    "numpy p50",
    "numpy p95",
    "matmul p50",
    "parts p50 (ms)",
    "HNSW recall@10",
]


def section_retrieval(run: Run) -> dict[str, Any]:
    sizes = [run.base_n, run.synthetic_n]
    results = [retrieval_for(run, n) for n in sizes]
    table(
        f"4. Retrieval latency, a.search(q, k=10), {results[0]['queries']} SciFact claims as queries; numpy = same "
        "embedder + exact cosine over the same vectors",
        RETRIEVAL_HEADER,
        retrieval_rows(results),
    )
    how = "re-embedded" if run.args.embed_synthetic else "the normalised sentence-weighted mean of their sources' stored vectors"
    print(
        "  first search after opening (builds the BM25 matrix): "
        + ", ".join(f"{r['docs']} docs {fmt(r['first_search'], 'ms')}" for r in results)
        + "; store build: "
        + ", ".join(f"{r['docs']} docs {fmt(r.get('store', {}).get('seconds'), 's', 0)}" for r in results)
    )
    print(
        f"  {sizes[1]} = {min(run.base_n, sizes[1])} SciFact abstracts + synthetic ones recombined from their sentences, vectors: {how}"
    )
    return {"sizes": sizes, "results": results}


# -- 5. serve -----------------------------------------------------------------------------------------
def process_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return out


def status_kb(pid: int, field: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    """Samples the summed VmRSS of a process tree every 50 ms; keeps each process's VmHWM."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.hwm: dict[int, int] = {}
        self.samples = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            pids = process_tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(status_kb(p, "VmRSS") for p in pids))
            for p in pids:
                self.hwm[p] = max(self.hwm.get(p, 0), status_kb(p, "VmHWM"))
            self.samples += 1
            self.halt.wait(0.05)

    def stop(self) -> None:
        self.halt.set()
        self.join(5)


def section_serve(run: Run) -> dict[str, Any]:
    from gradio_client import Client

    entry = shutil.which("assistant", path=str(VENV_BIN)) or "assistant"
    d = run.data_dir("serve")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False")
    subprocess.run([entry, "ingest", str(SEEDS), "--data-dir", str(d)], env=env, check=True, capture_output=True)
    questions = run.questions()
    questions = questions[:2] if run.quick else questions
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    logf = run.tmp / "serve.log"
    cmd = [entry, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(d), "-v"]
    log(f"serve: {' '.join(cmd[1:])}")
    res: dict[str, Any] = {"command": " ".join(["assistant", *cmd[1:]]), "questions": len(questions)}
    with logf.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    sampler = RssSampler(proc.pid)
    sampler.start()
    try:
        page = model = None
        deadline = t0 + 180
        while time.perf_counter() < deadline and (page is None or model is None):
            if proc.poll() is not None:
                raise RuntimeError(f"assistant serve exited with {proc.returncode}: {logf.read_text(errors='replace')[-2000:]}")
            if model is None and "model loaded" in logf.read_text(errors="replace"):
                model = time.perf_counter() - t0
            if page is None:
                try:
                    with urllib.request.urlopen(url, timeout=2) as r:  # loopback, our own child
                        if r.status == 200:
                            page = time.perf_counter() - t0
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.05)
        res["page_200"] = page
        res["model_loaded"] = model
        client = Client(url, verbose=False)
        latencies = []
        for i, q in enumerate(questions):
            t = time.perf_counter()
            client.predict(q, "All", api_name="/ask")
            latencies.append(time.perf_counter() - t)
            if i == 0:
                res["first_answer"] = time.perf_counter() - t0
        res["answer_latency"] = summary(latencies)
        time.sleep(0.3)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the session we started
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(15)
        sampler.stop()  # after the kill: a failure here must not leave the server running
    res["peak_rss_tree_mb"] = sampler.peak_kb / 1024
    res["vm_hwm_main_mb"] = sampler.hwm.get(proc.pid, 0) / 1024
    res["vm_hwm_sum_mb"] = sum(sampler.hwm.values()) / 1024
    res["processes"] = len(sampler.hwm)
    res["rss_samples"] = sampler.samples
    table(
        f"5. assistant serve over the seeds (default model; {len(questions)} /ask questions)",
        ["", "value"],
        [
            ["peak RSS, process tree (sampled every 50 ms)", fmt(res["peak_rss_tree_mb"], "MB", 0)],
            [
                f"VmHWM main process / sum over {res['processes']} processes",
                f"{res['vm_hwm_main_mb']:.0f} / {res['vm_hwm_sum_mb']:.0f} MB",
            ],
            ["start -> page answers 200", fmt(res["page_200"], "s")],
            ["start -> model loaded (log line)", fmt(res["model_loaded"], "s")],
            ["start -> first /ask answer returned", fmt(res.get("first_answer"), "s")],
            ["/ask latency p50 / p95", f"{fmt(res['answer_latency']['p50'], 's')} / {fmt(res['answer_latency']['p95'], 's')}"],
        ],
    )
    return res


# -- 6. scaling ---------------------------------------------------------------------------------------
def section_scaling(run: Run) -> dict[str, Any]:
    a = run.seeds_assistant()
    raw = run.raw()
    res: dict[str, Any] = {}

    # TTFT vs passages shown: the assistant's first token from its whole answer's timings; the bare
    # engine is stopped at its first token
    ks = (1, 4) if run.quick else (1, 2, 4, 8)
    stop = model_stop(a.generator())
    qs = [q for q in run.questions() if model_prompt(a, q) is not None][: 2 if run.quick else 8]
    log(f"scaling: TTFT vs k {ks} over {len(qs)} questions")
    rows = []
    by_k = []
    for k in ks:
        aa, rr, toks = [], [], []
        for i, q in enumerate(qs):
            built = model_prompt(a, q, k=k)
            if built is None:
                continue
            plan, prompt, _ = built
            for side in ("a", "r") if i % 2 == 0 else ("r", "a"):
                if side == "a":
                    first = assistant_answer(a, q, k=k)["first_token"]
                    if first is not None:
                        aa.append(first)
                else:
                    first = raw.answer(prompt, a.answerer.max_tokens(plan), stop, first_only=True)["first_token"]
                    if first is not None:
                        rr.append(first)
            toks.append(len(raw.prompt_tokens(prompt)))
        by_k.append(
            {"k": k, "n": len(aa), "prompt_tokens": summary(toks), "assistant_ttft": summary(aa), "raw_ttft": summary(rr)}
        )
        rows.append(
            [
                k,
                len(aa),
                fmt(pct(toks, 50), digits=0),
                fmt(pct(aa, 50), "s"),
                fmt(pct(rr, 50), "s"),
                fmt(ratio(pct(aa, 50), pct(rr, 50)), "x"),
            ]
        )
    res["ttft_vs_k"] = by_k
    table("6a. TTFT vs passages shown (k)", ["k", "n", "prompt tokens p50", "assistant TTFT p50", "raw TTFT p50", "ratio"], rows)

    # retrieval vs library size
    sizes = sorted(set(run.scaling_sizes))
    results = [retrieval_for(run, n) for n in sizes]
    res["retrieval_vs_size"] = results
    table("6b. Retrieval latency vs library size", RETRIEVAL_HEADER, retrieval_rows(results))

    # tokens/s vs output length
    lengths = (16, 64) if run.quick else (32, 64, 128, 256)
    rows = []
    res["tokens_vs_length"] = []
    for n in lengths:
        r = tokens_compare(run, n, 1 if run.quick else 2)
        res["tokens_vs_length"].append(r)
        rows.append([n, fmt(r["assistant"]["tokens"]["p50"], digits=0), fmt(r["assistant"]["decode_tps"]["p50"], digits=1), fmt(r["raw"]["decode_tps"]["p50"], digits=1), fmt(r["ratio"], "x")])  # fmt: skip
    table("6c. Decode tokens/s vs output length", ["max tokens", "generated", "assistant tok/s", "bare tok/s", "ratio"], rows)
    return res


# -- summary ----------------------------------------------------------------------------------------
def targets(run: Run) -> list[dict[str, Any]]:
    r = {name: v for name, v in run.results.items() if "error" not in v}
    out = []

    def add(name: str, target: str, measured: Any, ok: bool | None, note: str = "") -> None:
        out.append({"target": name, "goal": target, "measured": measured, "met": ok, "note": note})

    if "ttft" in r:
        t = r["ttft"]
        v = t["assistant"]["first_token"]["p50"]
        add(
            "TTFT p50, seed questions",
            "<= 1.0 s",
            fmt(v, "s"),
            v is not None and v <= 1.0,
            f"raw engine {fmt(t['raw']['raw_first_token']['p50'], 's')}; first checked text "
            f"{fmt(t['assistant']['first_text']['p50'], 's')}, sources preview {fmt(t['assistant']['preview']['p50'], 's')}",
        )
    if "tokens" in r:
        v = r["tokens"]["ratio"]
        add("tokens/s assistant / bare", ">= 0.95", fmt(v, "x"), v is not None and v >= 0.95)
    if "ingest" in r:
        v = r["ingest"]["rate"]["assistant"]
        add(
            "ingest abstracts/s",
            ">= 100 /s",
            fmt(v, "/s", 1),
            v >= 100,
            f"torch {r['ingest']['rate']['torch']:.1f}/s, {r['ingest']['docs']} docs",
        )
    if "retrieval" in r:
        big = r["retrieval"]["results"][-1]
        note = f"at {big['docs']} docs" + ("" if big["docs"] >= 100000 else " (not 100k)")
        p50, p95 = big["search"]["p50"], big["search"]["p95"]
        add("retrieval p50", "<= 30 ms at 100k", fmt(p50, "ms"), big["docs"] >= 100000 and p50 <= 0.030 if p50 else None, note)
        add("retrieval p95", "<= 60 ms at 100k", fmt(p95, "ms"), big["docs"] >= 100000 and p95 <= 0.060 if p95 else None, note)
    if "serve" in r:
        s = r["serve"]
        add("serve peak RSS", "<= 1.5 GB", fmt(s["peak_rss_tree_mb"], "MB", 0), s["peak_rss_tree_mb"] <= 1536)
        v = s.get("first_answer")
        add("ready to answer", "<= 10 s", fmt(v, "s"), v is not None and v <= 10, f"page {fmt(s['page_200'], 's')}, model {fmt(s['model_loaded'], 's')}; measured to the first /ask answer returned")  # fmt: skip
    return out


def print_targets(rows: list[dict[str, Any]], info: dict[str, Any]) -> None:
    table(
        f"Issue 5 targets ({info['cpu']}, {info['usable_cores']} cores, {info['date']}; load avg at start {info['load_average_at_start'][0]:.2f})",
        ["target", "goal", "measured", "met", "note"],
        [[t["target"], t["goal"], t["measured"], {True: "yes", False: "NO", None: "-"}[t["met"]], t["note"]] for t in rows],
    )


SECTION_FUNCS: dict[str, Callable[[Run], dict[str, Any]]] = {
    "ttft": section_ttft,
    "tokens": section_tokens,
    "ingest": section_ingest,
    "retrieval": section_retrieval,
    "serve": section_serve,
    "scaling": section_scaling,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    p.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections ({','.join(SECTIONS)})")
    p.add_argument("--json", dest="json_out", default=str(ROOT / "benchmarks" / "results" / "bench.json"), metavar="OUT")
    p.add_argument("--docs", type=int, default=None, help="documents in the large retrieval store (default 100000; quick 10000)")
    p.add_argument("--scifact-docs", type=int, default=None, help="SciFact abstracts in the base store (default all; quick 500)")
    p.add_argument("--sizes", default=None, help="library sizes for the scaling table (default 1000,SCIFACT,20000,DOCS)")
    p.add_argument("--queries", type=int, default=None, help="SciFact claims used as queries (default 300; quick 30)")
    p.add_argument("--ingest-docs", type=int, default=None, help="SciFact abstracts to ingest (default all; quick 500)")
    p.add_argument("--reps", type=int, default=None, help="repetitions for ttft and tokens")
    p.add_argument("--gen-tokens", type=int, default=None, help="tokens generated for the tokens/s figure (default 128)")
    p.add_argument("--embed-synthetic", action="store_true", help="embed synthetic documents for real (slow)")
    p.add_argument("--cache", default="/tmp/bench-cache", help="where built stores and the exported embedder are kept")
    args = p.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        p.error(f"unknown section(s) {', '.join(bad)}; choose from {', '.join(SECTIONS)}")

    run = Run(args)
    info = machine_info()
    info["quick"] = args.quick
    info["sections"] = only
    log(f"benchmark: {', '.join(only)}{' (quick)' if args.quick else ''}; cache {run.cache}")
    started = time.perf_counter()
    try:
        for name in only:
            t = time.perf_counter()
            load_before = os.getloadavg()[0]
            try:
                run.results[name] = SECTION_FUNCS[name](run)
            except Exception as e:  # one broken section should not lose the others' figures
                import traceback

                traceback.print_exc()
                run.results[name] = {"error": f"{type(e).__name__}: {e}"}
            run.results[name]["section_seconds"] = time.perf_counter() - t
            # other work on the machine skews everything (llama.cpp threads spin-wait when cores are busy)
            run.results[name]["load_average_1min"] = [load_before, os.getloadavg()[0]]
            log(f"{name} done in {time.perf_counter() - t:.0f} s")
    finally:
        run.close()
    info["load_average_at_end"] = list(os.getloadavg())
    info["seconds"] = time.perf_counter() - started
    summary_rows = targets(run)
    if summary_rows:
        print_targets(summary_rows, info)
    out = Path(args.json_out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": info, "targets": summary_rows, **run.results}, indent=2, default=str))
    print(f"\nwrote {out} ({info['seconds']:.0f} s)")
    return 1 if any("error" in v for v in run.results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
