"""The evaluation: retrieval and answer metrics for a question set, through the same path users get."""

from __future__ import annotations

import hashlib
import json
import math
import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .parsers import expand, parse_path
from .types import Answer, AssistantError

_YES_NO = re.compile(r"^\W*(yes|no|maybe)\b", re.I)


# -- metric functions (pure, unit-tested) -----------------------------------------------------------
def ndcg_at(flags: list[bool], n_gold: int, k: int = 10) -> float:
    """Binary-relevance nDCG@k of a ranking given as hit flags."""
    dcg = sum(1 / math.log2(i + 2) for i, f in enumerate(flags[:k]) if f)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(n_gold, k)))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], gold: set[str], k: int) -> float:
    return len(gold & set(ranked[:k])) / len(gold) if gold else 0.0


def reciprocal_rank(ranked: list[str], gold: set[str]) -> float:
    return next((1 / (i + 1) for i, d in enumerate(ranked) if d in gold), 0.0)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def contains_answer(text: str, answers: list[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in answers)


def decision(text: str) -> str | None:
    """yes / no / maybe from an answer that opens with one of them."""
    m = _YES_NO.match(text)
    return m.group(1).lower() if m else None


# -- resolving gold ids ----------------------------------------------------------------------------
def seed_gold_map(seed_paths: Iterable[Path]) -> dict[str, str]:
    """'Tony#9' -> document id of the 9th abstract in the seed file owned by Tony."""
    out: dict[str, str] = {}
    for path in expand(list(seed_paths)):
        if path.suffix.lower() != ".txt":
            continue
        docs = parse_path(path).documents
        for n, d in enumerate(docs, 1):
            out[f"{d.libraries[0]}#{n}"] = d.doc_id
    return out


# -- the run ---------------------------------------------------------------------------------------
@dataclass
class Row:
    id: str
    question: str
    gold: list[str]
    ranked: list[str] = field(default_factory=list)
    answer: dict[str, Any] | None = None
    correct: bool | None = None
    kind: str = "fact"
    ttft: float = 0.0
    total: float = 0.0


def load_questions(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                q = json.loads(line)
            except json.JSONDecodeError as e:
                raise AssistantError(f"{path}:{lineno}: not valid JSON ({e.msg})") from None
            if not isinstance(q, dict) or "question" not in q:
                raise AssistantError(f"{path}:{lineno}: a question needs a 'question' field")
            rows.append(q)
    return rows


def half(question_id: str) -> str:
    """'dev' or 'heldout': a fixed split of every question set by a hash of the question's id.
    Tune on dev; report both (README)."""
    return "dev" if int(hashlib.sha256(question_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "heldout"


def split(questions: list[dict[str, Any]], which: str) -> list[dict[str, Any]]:
    """The questions of one half ('dev', 'heldout'), or all of them ('all')."""
    if which == "all":
        return questions
    return [q for i, q in enumerate(questions) if half(str(q.get("id", i))) == which]


def kind_of_question(q: dict[str, Any]) -> str:
    """How a question is scored: its `kind`, else yes/no when its answers are decisions, else fact."""
    answers = {str(a).lower() for a in q.get("answers", [])}
    return str(q.get("kind") or ("yesno" if answers and answers <= {"yes", "no", "maybe"} else "fact"))


def _answerable(q: dict[str, Any]) -> bool:
    return bool(q.get("answerable", True))


def _has_answers(q: dict[str, Any]) -> bool:
    return bool(q.get("answers")) or bool(q.get("must")) or not _answerable(q)


def run_eval(
    assistant: Any,
    questions: list[dict[str, Any]],
    gold_map: dict[str, str],
    library: str | None = None,
    retrieval_only: bool = False,
    k: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    k_answer = k or assistant.settings.answer.k
    rows: list[Row] = []
    for q in questions:
        gold = [gold_map.get(g, g) for g in q.get("gold_ids", [])]
        row = Row(str(q.get("id", len(rows))), q["question"], gold, kind=kind_of_question(q))
        scope = q.get("library") or library
        row.ranked = [p.doc_id for p in assistant.search(q["question"], k=max(10, k_answer), library=scope)]
        if not retrieval_only and _has_answers(q):
            _answer(assistant, q, row, k_answer, scope)
        rows.append(row)
        if progress:
            progress(len(rows))
    return summarise(rows, questions)


def _answer(assistant: Any, q: dict[str, Any], row: Row, k: int, library: str | None) -> None:
    t0 = time.perf_counter()
    final: Answer | None = None
    for item in assistant.stream(q["question"], k=k, library=library):
        if isinstance(item, Answer):
            final = item
        elif not row.ttft and item.strip():
            row.ttft = time.perf_counter() - t0
    assert final is not None
    row.total = time.perf_counter() - t0
    row.ttft = row.ttft or row.total
    row.answer = final.to_dict()
    row.correct = score(q, final, row.gold, row.kind)


def score(q: dict[str, Any], answer: Answer, gold: list[str], kind: str) -> bool:
    """Right or wrong, by the question's kind: an unanswerable one must be abstained; a fact's
    answer holds an accepted string; a yes/no answer opens with the right decision; an explain,
    list or compare answer holds one term of every `must` group and cites `min_cited` gold abstracts."""
    if not _answerable(q):
        return answer.abstained
    if answer.abstained:
        return False
    answers = [str(a) for a in q.get("answers", [])]
    if kind == "yesno" or (answers and {a.lower() for a in answers} <= {"yes", "no", "maybe"}):
        return decision(answer.text) in {a.lower() for a in answers}
    if kind in ("explain", "list", "compare") and "must" in q:
        text = answer.text.lower()
        terms_ok = all(any(str(t).lower() in text for t in group) for group in q.get("must", []))
        hits = {c.doc_id for c in answer.citations} & set(gold)
        return terms_ok and len(hits) >= int(q.get("min_cited", 1))
    return contains_answer(answer.text, answers)


def summarise(rows: list[Row], questions: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": len(rows)}
    with_gold = [r for r in rows if r.gold]
    if with_gold:
        out["retrieval"] = {
            "ndcg@10": statistics.fmean(ndcg_at([d in set(r.gold) for d in r.ranked], len(r.gold)) for r in with_gold),
            "recall@1": statistics.fmean(recall_at(r.ranked, set(r.gold), 1) for r in with_gold),
            "recall@4": statistics.fmean(recall_at(r.ranked, set(r.gold), 4) for r in with_gold),
            "recall@10": statistics.fmean(recall_at(r.ranked, set(r.gold), 10) for r in with_gold),
            "mrr": statistics.fmean(reciprocal_rank(r.ranked, set(r.gold)) for r in with_gold),
        }
    answered = [(r, q) for r, q in zip(rows, questions, strict=True) if r.answer is not None]
    if answered:
        yes = [r for r, q in answered if _answerable(q)]
        no = [r for r, q in answered if not _answerable(q)]
        cited = [(c["doc_id"], r) for r in yes for c in r.answer["citations"]]  # type: ignore[index]
        recall = [
            len({c["doc_id"] for c in r.answer["citations"]} & set(r.gold)) / len(set(r.gold))  # type: ignore[index]
            for r in yes
            if r.gold
        ]
        own = [r for r in yes if r.correct and r.answer["mode"] == "generated"]  # type: ignore[index]
        out["answers"] = {
            "accuracy": statistics.fmean(bool(r.correct) for r in yes) if yes else None,
            "own_words": len(own) / len(yes) if yes else None,
            "abstention": statistics.fmean(bool(r.correct) for r in no) if no else None,
            "false_abstention": statistics.fmean(r.answer["abstained"] for r in yes) if yes else None,  # type: ignore[index]
            "citation_precision": statistics.fmean(d in set(r.gold) for d, r in cited) if cited else None,
            "citation_recall": statistics.fmean(recall) if recall else None,
            "modes": {m: sum(r.answer["mode"] == m for r, _ in answered) for m in ("generated", "extractive", "abstained")},  # type: ignore[index]
        }
        kinds = sorted({r.kind for r, _ in answered})
        if len(kinds) > 1:
            out["by_kind"] = {
                k: {
                    "answerable": f"{sum(bool(r.correct) for r, q in answered if r.kind == k and _answerable(q))}"
                    f"/{sum(1 for r, q in answered if r.kind == k and _answerable(q))}",
                    "unanswerable": f"{sum(bool(r.correct) for r, q in answered if r.kind == k and not _answerable(q))}"
                    f"/{sum(1 for r, q in answered if r.kind == k and not _answerable(q))}",
                }
                for k in kinds
            }
        timed = [r for r, _ in answered]
        out["timing"] = {
            "ttft_p50": percentile([r.ttft for r in timed], 50),
            "ttft_p95": percentile([r.ttft for r in timed], 95),
            "total_p50": percentile([r.total for r in timed], 50),
            "total_p95": percentile([r.total for r in timed], 95),
        }
    out["rows"] = [
        {
            "id": r.id,
            "kind": r.kind,
            "question": r.question,
            "gold": r.gold,
            "ranked": r.ranked[:10],
            "correct": r.correct,
            "ttft": round(r.ttft, 3),
            "total": round(r.total, 3),
            "answer": r.answer,
        }
        for r in rows
    ]
    return out


def format_table(result: dict[str, Any]) -> str:
    lines = [f"questions: {result['questions']}"]

    def fmt(v: Any) -> str:
        return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    for section in ("retrieval", "answers", "by_kind", "timing"):
        if section in result:
            lines.append(f"{section}:")
            for key, value in result[section].items():
                lines.append(f"  {key:<20} {fmt(value)}")
    return "\n".join(lines)
