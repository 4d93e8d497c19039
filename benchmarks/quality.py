"""Answer quality on every question set, per half (dev / held-out), through the public API.

    python -m benchmarks.quality --split dev            # the half to tune on
    python -m benchmarks.quality --split heldout        # the half to report, not to tune on
    python -m benchmarks.quality --model qwen2.5-coder-1.5b-q4 --sets seeds_synthesis
    python -m benchmarks.quality --split dev --kinds compare   # one kind of question only

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
    "seeds_elc": (DATA / "seeds_elc_questions.jsonl", SEEDS),
    "seeds_elc2": (DATA / "seeds_elc2_questions.jsonl", SEEDS),
    "seeds_elc3": (DATA / "seeds_elc3_questions.jsonl", SEEDS),
    "seeds_elc4": (DATA / "seeds_elc4_questions.jsonl", SEEDS),
    "seeds_facts2": (DATA / "seeds_facts2_questions.jsonl", SEEDS),
    "seeds_elc5": (DATA / "seeds_elc5_questions.jsonl", SEEDS),
    "seeds_elc6": (DATA / "seeds_elc6_questions.jsonl", SEEDS),
    "seeds_elc7": (DATA / "seeds_elc7_questions.jsonl", SEEDS),
    "seeds_elc8": (DATA / "seeds_elc8_questions.jsonl", SEEDS),
    "seeds_facts3": (DATA / "seeds_facts3_questions.jsonl", SEEDS),
    "seeds_phrasing": (DATA / "seeds_phrasing_questions.jsonl", SEEDS),
    "seeds_phrasing2": (DATA / "seeds_phrasing2_questions.jsonl", SEEDS),
    "seeds_lists": (DATA / "seeds_lists_questions.jsonl", SEEDS),
    "scifact_library": (DATA / "scifact_library_questions.jsonl", SCIFACT_LIBRARY),
    "scifact_lists": (DATA / "scifact_lists_questions.jsonl", SCIFACT_LIBRARY),
    "seeds_yesno": (DATA / "seeds_yesno_questions.jsonl", SEEDS),
    "scifact_yesno": (DATA / "scifact_yesno_questions.jsonl", SCIFACT_LIBRARY),
}


# The figures the README reports, each over questions of several sets: (name, sets, kinds).
GROUPS = [
    ("seed facts", ("seeds_questions", "seeds_extra", "seeds_more"), ("fact",)),
    ("seed facts, sixth round fresh set (sf2)", ("seeds_facts2",), ("fact",)),
    ("seed facts, eighth round fresh set (sf3)", ("seeds_facts3",), ("fact",)),
    ("seed explain/list/compare", ("seeds_synthesis", "seeds_more"), ("explain", "list", "compare")),
    ("seed explain/list/compare, new sets (sel, se2)", ("seeds_elc", "seeds_elc2"), ("explain", "list", "compare")),
    ("seed explain/list/compare, fourth round set (se3)", ("seeds_elc3",), ("explain", "list", "compare")),
    ("seed explain/list/compare, sixth round fresh set (se4)", ("seeds_elc4",), ("explain", "list", "compare")),
    ("seed explain/list/compare, seventh round fresh set (se5)", ("seeds_elc5",), ("explain", "list", "compare")),
    ("seed explain/list/compare, eighth round fresh set (se6)", ("seeds_elc6",), ("explain", "list", "compare")),
    ("seed explain/list/compare, tenth round fresh set (se7)", ("seeds_elc7",), ("explain", "list", "compare")),
    ("seed explain/list/compare, twenty-first round fresh set (se8)", ("seeds_elc8",), ("explain", "list", "compare")),
    (
        "seed questions of every kind in varied phrasing, ninth round fresh set (sph)",
        ("seeds_phrasing",),
        ("fact", "explain", "list", "compare", "yesno"),
    ),
    (
        "seed questions of every kind as five kinds of user type them, ninth round second fresh set (sp2)",
        ("seeds_phrasing2",),
        ("fact", "explain", "list", "compare", "yesno"),
    ),
    ("lists with described topics (sls on the seeds, sfls on the SciFact library)", ("seeds_lists", "scifact_lists"), ("list",)),
    ("SciFact-library facts", ("scifact_library",), ("fact",)),
    ("SciFact-library explain/list/compare", ("scifact_library",), ("explain", "list", "compare")),
    ("yes/no (seeds, SciFact library)", ("seeds_more", "scifact_library"), ("yesno",)),
    (
        "yes/no, eleventh round fresh sets (syn on the seeds, sfyn on the SciFact library)",
        ("seeds_yesno", "scifact_yesno"),
        ("yesno",),
    ),
]


def summary(results: dict[str, Any], questions: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The README's figures per group: accuracy and own words on answerable questions, unanswerable
    ones abstained, answerable ones abstained, citation precision, first text and whole answer p50."""
    out = []
    for name, sets, kinds in GROUPS:
        rows = [r for s in sets if s in results for r in results[s]["rows"] if r["kind"] in kinds and r["answer"]]
        if not rows:
            continue
        ans = [r for r in rows if questions[r["id"]].get("answerable", True)]
        un = [r for r in rows if not questions[r["id"]].get("answerable", True)]
        cited = [(c["doc_id"], r) for r in ans for c in r["answer"]["citations"]]
        first = sorted(r["ttft"] for r in rows)
        total = sorted(r["total"] for r in rows if r["kind"] == "explain") or sorted(r["total"] for r in rows)
        out.append(
            {
                "group": name,
                "answerable": len(ans),
                "accuracy": sum(bool(r["correct"]) for r in ans) / max(1, len(ans)),
                "own_words": sum(bool(r["correct"]) and r["answer"]["mode"] == "generated" for r in ans) / max(1, len(ans)),
                "unanswerable_abstained": f"{sum(bool(r['correct']) for r in un)}/{len(un)}",
                "answerable_abstained": f"{sum(r['answer']['abstained'] for r in ans)}/{len(ans)}",
                "citation_precision": sum(d in set(r["gold"]) for d, r in cited) / len(cited) if cited else None,
                "first_text_p50": first[len(first) // 2],
                "total_p50": total[len(total) // 2],
            }
        )
    return out


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="dev")
    parser.add_argument("--model", default=None, help="catalog model (default: the settings' default)")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument(
        "--kinds", nargs="*", default=None, help="only questions of these kinds (fact, explain, list, compare, yesno)"
    )
    parser.add_argument("--ids", nargs="*", default=None, help="only these question ids (the ones a change touches)")
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
            if args.kinds:
                questions = [q for q in questions if q.get("kind", "fact") in args.kinds]
            if args.ids is not None:
                questions = [q for q in questions if str(q.get("id")) in args.ids]
            if not questions:
                continue
            t0 = time.perf_counter()
            result = run_eval(a, questions, seed_gold_map([SEEDS]))
            result["seconds"] = time.perf_counter() - t0
            results[name] = result
            _print(name, result, failures=args.split == "dev")
    questions = {str(q.get("id")): q for name in args.sets for q in load_questions(SETS[name][0])}
    groups = summary(results, questions)
    print(
        f"\n{'group':<38} {'n':>3} {'accuracy':>8} {'own':>5} {'unans. abst.':>12} {'ans. abst.':>10} {'cit.prec':>8} {'first p50':>9} {'total p50':>9}"
    )
    for g in groups:
        print(
            f"{g['group']:<38} {g['answerable']:>3} {g['accuracy']:>8.2f} {g['own_words']:>5.2f} {g['unanswerable_abstained']:>12} "
            f"{g['answerable_abstained']:>10} {_fmt(g['citation_precision']):>8} {g['first_text_p50']:>8.2f}s {g['total_p50']:>8.2f}s"
        )
    model = args.model or next(iter(assistants.values())).settings.model.name
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"quality-{model}-{args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"split": args.split, "model": model, "overrides": overrides, "summary": groups, "sets": results}, indent=1)
    )
    print(f"rows: {out}")
    return 0


def _print(name: str, result: dict[str, Any], failures: bool = True) -> None:
    """One set's figures; its failed questions only for the dev half (held-out questions are not read)."""
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
    for row in result["rows"] if failures else []:
        if not row["correct"]:
            ans = row["answer"] or {}
            text = (ans.get("text") or "").replace("\n", " ")[:160]
            print(
                f"    x {row['id']} [{row['kind']}] {row['question'][:70]} -> {ans.get('mode')}: {text} ({ans.get('reason', '')[:60]})"
            )


if __name__ == "__main__":
    raise SystemExit(main())
