"""Calibrating and checking the evidence gate (abstain before the model runs), without the model.

    python -m benchmarks.abstention --split dev        # fit: strength threshold on PubMedQA dev
    python -m benchmarks.abstention --split heldout    # report the same threshold on held-out

PubMedQA with the gold abstracts of half its questions removed (a fixed, seeded half) gives 500
questions of which about 250 the library cannot answer. For each question of the chosen split the
public `Assistant.plan` is asked; the strength of its evidence is compared with every threshold,
and the rules that abstain without a threshold (a name no abstract uses, an unused focus word, a
count nobody gives) are counted apart. The seed question sets (fact, explain and yes/no kinds) are
shown beside it, so a threshold that suits PubMedQA but not a personal library is seen at once.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from assistant import Assistant
from assistant.evaluate import kind_of_question, load_questions, split
from assistant.plan import strength

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
DATA = ROOT / "benchmarks" / "data"
SEED_SETS = [
    SHARED / "seeds_questions.jsonl",
    SHARED / "seeds_synthesis.jsonl",
    DATA / "seeds_extra_questions.jsonl",
    DATA / "seeds_more_questions.jsonl",
]
THRESHOLDS = [round(0.30 + 0.025 * i, 3) for i in range(17)]


def _gate(a: Assistant, question: str, library: str | None = None) -> tuple[float, str]:
    """(strength, reason a rule abstained for, or '')."""
    plan = a.plan(question, library=library)
    value = strength(plan.evidence)
    rule = plan.reason if plan.abstain and not plan.reason.startswith("weak evidence") else ""
    return value, rule


def pubmedqa(tmp: Path, which: str, seed: int = 7) -> list[tuple[bool, float, str]]:
    questions = load_questions(SHARED / "pubmedqa_questions.jsonl")
    removed = {q["gold_ids"][0] for q in random.Random(seed).sample(questions, len(questions) // 2)}
    corpus = tmp / "pubmedqa_half.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for line in (SHARED / "pubmedqa_corpus.jsonl").open(encoding="utf-8"):
            if json.loads(line)["id"] not in removed:
                out.write(line)
    a = Assistant(data_dir=tmp / "pubmedqa")
    a.ingest(corpus)
    rows = []
    for q in split(questions, which):
        value, rule = _gate(a, q["question"])
        rows.append((q["gold_ids"][0] not in removed, value, rule))
    return rows


def seeds(tmp: Path, which: str) -> list[tuple[bool, float, str, str]]:
    a = Assistant(data_dir=tmp / "seeds")
    a.ingest(ROOT / "seeds")
    rows = []
    for path in SEED_SETS:
        for q in split(load_questions(path), which):
            if kind_of_question(q) in ("fact", "explain", "yesno"):
                value, rule = _gate(a, q["question"], q.get("library"))
                rows.append((bool(q.get("answerable", True)), value, rule, q["question"]))
    return rows


def table(name: str, rows: list[Any]) -> dict[float, tuple[float, float]]:
    """Per threshold: (share of answerable abstained, share of unanswerable abstained)."""
    ans = [r for r in rows if r[0]]
    un = [r for r in rows if not r[0]]
    ruled_a = sum(bool(r[2]) for r in ans)
    ruled_u = sum(bool(r[2]) for r in un)
    print(f"{name}: {len(ans)} answerable, {len(un)} unanswerable; rules alone abstain on {ruled_a} / {ruled_u}")
    out = {}
    for t in THRESHOLDS:
        fa = sum(bool(r[2]) or r[1] < t for r in ans) / max(1, len(ans))
        tu = sum(bool(r[2]) or r[1] < t for r in un) / max(1, len(un))
        out[t] = (fa, tu)
        print(f"  threshold {t:.3f}: answerable abstained {fa:.3f}, unanswerable abstained {tu:.3f}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="abstention-") as tmp:
        pm = pubmedqa(Path(tmp), args.split)
        sd = seeds(Path(tmp), args.split)
    table(f"PubMedQA ({args.split}), half of the gold abstracts removed", pm)
    table(f"seed questions ({args.split}): fact, explain, yes/no", sd)
    print("seed questions abstained by the gate:")
    for answerable, value, rule, question in sd:
        print(f"  {'answerable  ' if answerable else 'unanswerable'} {value:.2f} {rule[:50]:<50} {question[:70]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
