"""How well an abstract's sentences are ranked for a question, read from the plans alone (no model run).

    python -m benchmarks.sentence_rank --split dev
    python -m benchmarks.sentence_rank --split heldout

An explanation is completed, and a failed answer falls back, with the best-ranked sentence of the
abstract it cites; a fact's fallback quote comes from the best sentence of all retrieved abstracts.
For every answerable explain and fact question of the seed and SciFact-library sets whose gold
abstract is retrieved, this scores the share of the question's required strings (`must` groups;
a fact's accepted answers as one group) that are not already in the question and that

- the top-ranked sentence of the gold abstract holds ("top-1 in its abstract"),
- the best sentence of all retrieved abstracts holds ("best overall").
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from assistant import Assistant
from assistant.evaluate import load_questions, seed_gold_map, split

from .quality import SEEDS, SETS


def _share(text: str, need: list[list[str]]) -> float:
    low = text.lower()
    return sum(any(x.lower() in low for x in group) for group in need) / len(need)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    args = ap.parse_args()
    gold_map = seed_gold_map([SEEDS])
    scores: dict[str, list[tuple[float, float]]] = {"explain": [], "fact": []}
    assistants: dict[Path, Assistant] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for questions_file, corpus in SETS.values():
            if corpus not in assistants:
                assistants[corpus] = Assistant(data_dir=Path(tmp) / corpus.name)
                assistants[corpus].ingest(corpus)
            a = assistants[corpus]
            for q in split(load_questions(questions_file), args.split):
                kind = q.get("kind", "fact")
                if kind not in scores or not q.get("answerable", True):
                    continue
                groups: list[list[str]] = q.get("must") or ([list(q["answers"])] if q.get("answers") else [])
                need = [g for g in groups if not any(x.lower() in q["question"].lower() for x in g)]
                plan = a.plan(q["question"])
                if not need or plan.abstain or plan.query.kind not in ("explain", "fact"):
                    continue
                gold = {gold_map.get(g, g) for g in q.get("gold_ids", [])}
                at = next((i for i, p in enumerate(plan.passages) if p.doc_id in gold), None)
                if at is None or not plan.evidence.sentences[at]:
                    continue
                best = plan.evidence.best()
                top = plan.evidence.sentences[at][0].text
                scores[kind].append((_share(top, need), _share(best.text if best else "", need)))
    out: dict[str, Any] = {"split": args.split}
    for kind, rows in scores.items():
        n = max(1, len(rows))
        out[kind] = {
            "questions": len(rows),
            "top-1 in its abstract": round(sum(r[0] for r in rows) / n, 3),
            "best overall": round(sum(r[1] for r in rows) / n, 3),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
