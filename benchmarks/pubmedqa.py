"""PubMedQA yes/no/maybe accuracy of the default pipeline's decision, per half, in minutes.

    python -m benchmarks.pubmedqa --split dev
    python -m benchmarks.pubmedqa --split heldout

A yes/no answer opens with the decision the system reads from the top abstract's closing findings
(`Plan.decision`); the model only words the support after it, and a model that finds no words falls
back to a quote, so the decision shown is the plan's. This scores that decision through the public
`Assistant.plan` for every question of the half: an abstention counts as wrong. The whole answer
path (`assistant eval ../shared/eval/pubmedqa_questions.jsonl --corpus ../shared/eval/pubmedqa_corpus.jsonl
--split dev`) gives the same decisions but takes hours on 2 cores: PubMedQA abstracts are long,
every answer is a 1,500-token prompt, and every cited abstract is untitled, so the model also
writes its label.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from assistant import Assistant
from assistant.evaluate import load_questions, split

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    ap.add_argument("--questions", type=Path, default=SHARED / "pubmedqa_questions.jsonl")
    ap.add_argument("--corpus", type=Path, default=SHARED / "pubmedqa_corpus.jsonl")
    args = ap.parse_args()
    questions = split(load_questions(args.questions), args.split)
    with tempfile.TemporaryDirectory() as tmp:
        a = Assistant(data_dir=Path(tmp))
        a.ingest(args.corpus)
        right, abstained, said, gold = 0, 0, Counter[str](), Counter[str]()
        for q in questions:
            plan = a.plan(q["question"])
            answer = "abstained" if plan.abstain else (plan.decision or "").lower()
            abstained += plan.abstain
            said[answer] += 1
            gold[q["answers"][0]] += 1
            right += answer in {x.lower() for x in q["answers"]}
    n = len(questions)
    always_yes = gold["yes"] / n
    print(
        json.dumps(
            {
                "split": args.split,
                "questions": n,
                "accuracy": round(right / n, 3),
                "always_yes": round(always_yes, 3),
                "abstained": abstained,
                "decisions": dict(said),
                "gold": dict(gold),
            }
        )
    )


if __name__ == "__main__":
    main()
