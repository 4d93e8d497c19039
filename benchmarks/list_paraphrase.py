"""The list paraphrase thresholds (tuning.LIST_PARAPHRASE, LIST_CLAUSE), read from the plans alone (no model run).

    python -m benchmarks.list_paraphrase            # both halves, thresholds 0.45 .. 0.70

For every list question of the seed and SciFact-library sets, the candidates the planner looks at
are found as it finds them; where the topic's words name no candidate (the lexical test finds
none), a candidate qualifies when one of its sentences has a cosine of at least the threshold with
the topic. Sixteenth round: a candidate among the first LIST_CLAUSE_CANDIDATES also qualifies when
a phrase of one of its sentences (text.clauses) has a cosine of at least LIST_CLAUSE with the topic
(the sentence threshold held at LIST_PARAPHRASE). A list question counts as right here when an
answerable one admits at least `min_cited` of its gold papers, and an unanswerable one admits none.
The thresholds are chosen on the dev half (the highest answerable count that abstains every
unanswerable list the words abstain); the held-out half is printed beside it, not used.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from assistant import Assistant, tuning
from assistant.evaluate import load_questions, seed_gold_map, split
from assistant.kinds import read_question
from assistant.plan import _full, about, closest
from assistant.text import clauses

from .quality import SETS

THRESHOLDS = (0.45, 0.5, 0.55, 0.6)
CLAUSE_THRESHOLDS = (0.55, 0.6, 0.65, 0.7)


def rows(corpus: Path, names: list[str]) -> list[dict[str, Any]]:
    """Per list question: half, answerable, gold papers admitted by the words, and per candidate
    (gold or not, its closest sentence's cosine) when the words admit none."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        a = Assistant(data_dir=Path(tmp))
        a.ingest(corpus)
        gold_map = seed_gold_map([corpus]) if corpus.is_dir() else {}
        planner = a.planner
        for name in names:
            questions = load_questions(SETS[name][0])
            for half in ("dev", "heldout"):
                for q in split(questions, half):
                    if q.get("kind") != "list":
                        continue
                    query = read_question(q["question"], list(a.libraries()))
                    cands = planner._search(query.topic, tuning.LIST_CANDIDATES, query.library)
                    gold = {gold_map.get(g, g) for g in q.get("gold_ids", [])}
                    words = [p for p in cands if about(query.topic, _full(p), query.introduces)]
                    close = [] if words else [c for c, _ in closest(query.topic, cands, planner._embed)]
                    head = [] if words else cands[: tuning.LIST_CLAUSE_CANDIDATES]
                    phrase = [c for c, _ in closest(query.topic, head, planner._embed, clauses)] if head else []
                    phrase += [0.0] * (len(close) - len(phrase))
                    out.append(
                        {
                            "id": q["id"],
                            "half": half,
                            "answerable": q.get("answerable", True),
                            "need": min(q.get("min_cited", 1), len(gold)) if gold else 1,
                            "words": [p.doc_id in gold for p in words],
                            "dense": [(p.doc_id in gold, c, f) for p, c, f in zip(cands, close, phrase, strict=True)] if close else [],
                        }
                    )
    return out


def score(qs: list[dict[str, Any]], threshold: float | None, clause: float | None = None) -> dict[str, str]:
    right = abstained = unans = 0
    for q in qs:
        admitted = q["words"] or [
            g for g, c, f in q["dense"] if threshold is not None and (c >= threshold or (clause is not None and f >= clause))
        ]
        if q["answerable"]:
            right += bool(admitted) and sum(admitted) >= q["need"]
            abstained += not admitted
        else:
            unans += not admitted
    n_ans = sum(q["answerable"] for q in qs)
    return {
        "answerable right": f"{right}/{n_ans}",
        "answerable abstained": f"{abstained}/{n_ans}",
        "unanswerable abstained": f"{unans}/{len(qs) - n_ans}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    seeds = [n for n, (_, corpus) in SETS.items() if corpus.is_dir()]
    scifact = [n for n, (_, corpus) in SETS.items() if not corpus.is_dir()]
    qs = rows(SETS[seeds[0]][1], seeds) + rows(SETS[scifact[0]][1], scifact)
    for half in ("dev", "heldout"):
        part = [q for q in qs if q["half"] == half]
        print(json.dumps({"half": half, "questions": len(part), "words only": score(part, None)}))
        for t in THRESHOLDS:
            print(json.dumps({"half": half, "threshold": t, **score(part, t)}))
        for c in CLAUSE_THRESHOLDS:
            print(json.dumps({"half": half, "threshold": tuning.LIST_PARAPHRASE, "clause": c, **score(part, tuning.LIST_PARAPHRASE, c)}))


if __name__ == "__main__":
    main()
