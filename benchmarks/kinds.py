"""How often the kind read from a question's form (assistant.kinds.kind_of) is the kind its writer
labelled it with, per half (dev / held-out), over every question set of benchmarks.quality.

    python -m benchmarks.kinds --split dev
    python -m benchmarks.kinds --split heldout --show      # also list the questions read wrongly

No model and no store: the reading is from the question's words alone. The labels of 'explain' and
'fact' overlap ('What license is Lingvo released under?' was labelled explain; it asks for a name),
so the figure that matters is for the kinds that change how an answer is made: a list (every
qualifying paper, a line each), a comparison (each side retrieved and cited) and yes/no. It is
reported as recall (labelled X, read as X) and precision (read as X, labelled X) for each kind,
and as agreement with 'fact' and 'explain' counted as one.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.evaluate import load_questions, split
from assistant.kinds import kind_of

from .quality import SETS

KINDS = ("fact", "explain", "list", "compare", "yesno")
ROOT = Path(__file__).resolve().parents[1]


def _merged(kind: str) -> str:
    return "fact/explain" if kind in ("fact", "explain") else kind


def read_all(which: str, sets: list[str]) -> list[dict[str, Any]]:
    """One row per question: its set, id, labelled kind, the kind read, and the question."""
    rows = []
    for name in sets:
        questions_file, _ = SETS[name]
        for q in split(load_questions(questions_file), which):
            rows.append({"set": name, "id": q["id"], "label": q.get("kind", "fact"), "read": kind_of(q["question"]), "question": q["question"]})
    return rows


def scores(rows: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = Counter((r["label"], r["read"]) for r in rows)
    out: dict[str, Any] = {
        "questions": len(rows),
        "agreement": sum(r["label"] == r["read"] for r in rows) / max(1, len(rows)),
        "agreement_fact_explain_as_one": sum(_merged(r["label"]) == _merged(r["read"]) for r in rows) / max(1, len(rows)),
    }
    for kind in KINDS:
        labelled = sum(n for (lab, _), n in pairs.items() if lab == kind)
        read = sum(n for (_, got), n in pairs.items() if got == kind)
        both = pairs[(kind, kind)]
        out[kind] = {
            "labelled": labelled,
            "recall": both / labelled if labelled else None,
            "precision": both / read if read else None,
        }
    out["confusion"] = {f"{lab}->{got}": n for (lab, got), n in sorted(pairs.items()) if lab != got}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="dev")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--show", action="store_true", help="list the questions read as a kind other than their label")
    parser.add_argument("--out", default=None, help="JSON output (default: benchmarks/results/kinds-<split>.json)")
    args = parser.parse_args(argv)
    rows = read_all(args.split, args.sets)
    result = scores(rows)
    print(f"{args.split}: {result['questions']} questions; kind agreement {result['agreement']:.2f}, "
          f"with fact and explain as one {result['agreement_fact_explain_as_one']:.2f}")
    for kind in KINDS:
        k = result[kind]
        fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
        print(f"  {kind:8} labelled {k['labelled']:4}  recall {fmt(k['recall'])}  precision {fmt(k['precision'])}")
    print("  read otherwise: " + ", ".join(f"{k} {v}" for k, v in result["confusion"].items()))
    if args.show:
        for r in rows:
            if _merged(r["label"]) != _merged(r["read"]):
                print(f"    {r['id']:10} {r['label']:8} -> {r['read']:8} {r['question']}")
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"kinds-{args.split}.json"
    out.write_text(json.dumps({"split": args.split, "sets": args.sets, **result, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
