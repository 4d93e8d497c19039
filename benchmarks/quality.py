"""Answer quality on every question set, per half (dev / held-out), through the public API.

    python -m benchmarks.quality --split dev            # the half to tune on
    python -m benchmarks.quality --split heldout        # the half to report, not to tune on
    python -m benchmarks.quality --model qwen2.5-coder-1.5b-q4 --sets seeds_synthesis

Each set is scored as `assistant eval` scores it (assistant.evaluate.run_eval); the corpora are
ingested once into throwaway data dirs. Prints one row per set and kind, and writes every row to
benchmarks/results/quality-<model>-<split>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant import Assistant
from assistant.evaluate import load_questions, run_eval, seed_gold_map, split

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
DATA = ROOT / "benchmarks" / "data"
SEEDS = ROOT / "seeds"
SCIFACT_LIBRARY = DATA / "scifact_library.jsonl"

# name -> (question file, corpus it is asked of)
SETS: dict[str, tuple[Path, Path]] = {
    "seeds_questions": (SHARED / "seeds_questions.jsonl", SEEDS),
    "seeds_synthesis": (SHARED / "seeds_synthesis.jsonl", SEEDS),
    "seeds_extra": (DATA / "seeds_extra_questions.jsonl", SEEDS),
    "seeds_more": (DATA / "seeds_more_questions.jsonl", SEEDS),
    "scifact_library": (DATA / "scifact_library_questions.jsonl", SCIFACT_LIBRARY),
}


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="dev")
    parser.add_argument("--model", default=None, help="catalog model (default: the settings' default)")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    parser.add_argument("--out", default=None, help="JSON output (default: benchmarks/results/quality-<model>-<split>.json)")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.set)
    results: dict[str, Any] = {}
    assistants: dict[Path, Assistant] = {}
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        for name in args.sets:
            questions_file, corpus = SETS[name]
            if corpus not in assistants:
                a = Assistant(data_dir=Path(tmp) / corpus.name, model=args.model, **overrides)
                a.ingest(corpus)
                assistants[corpus] = a
            a = assistants[corpus]
            questions = split(load_questions(questions_file), args.split)
            t0 = time.perf_counter()
            result = run_eval(a, questions, seed_gold_map([SEEDS]))
            result["seconds"] = time.perf_counter() - t0
            results[name] = result
            _print(name, result)
    model = args.model or next(iter(assistants.values())).settings.model.name
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"quality-{model}-{args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"split": args.split, "model": model, "overrides": overrides, "sets": results}, indent=1))
    print(f"rows: {out}")
    return 0


def _print(name: str, result: dict[str, Any]) -> None:
    a, t = result.get("answers", {}), result.get("timing", {})
    print(
        f"{name:<16} n={result['questions']:<3} accuracy {_fmt(a.get('accuracy'))} own words {_fmt(a.get('own_words'))} "
        f"abstention {_fmt(a.get('abstention'))} false abstention {_fmt(a.get('false_abstention'))} "
        f"citation precision {_fmt(a.get('citation_precision'))} first text p50 {_fmt(t.get('ttft_p50'))} s "
        f"total p50 {_fmt(t.get('total_p50'))} s ({result['seconds']:.0f} s)",
        flush=True,
    )
    for kind, figures in result.get("by_kind", {}).items():
        print(f"    {kind:<8} answerable {figures['answerable']:<6} unanswerable {figures['unanswerable']}")
    for row in result["rows"]:
        if not row["correct"]:
            ans = row["answer"] or {}
            text = (ans.get("text") or "").replace("\n", " ")[:160]
            print(f"    x {row['id']} [{row['kind']}] {row['question'][:70]} -> {ans.get('mode')}: {text} ({ans.get('reason', '')[:60]})")


if __name__ == "__main__":
    raise SystemExit(main())
