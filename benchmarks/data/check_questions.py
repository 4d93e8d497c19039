"""Check the hand-written question sets in this folder (standard library only).

    python3 benchmarks/data/check_questions.py

Checks, for scifact_library.jsonl, scifact_library_questions.jsonl, seeds_more_questions.jsonl,
seeds_elc_questions.jsonl and seeds_elc2_questions.jsonl:
- the library records: fields id / abstract / library / paper_title, no `title`, unique ids,
  and (when the shared corpus is present) the same abstract as the corpus record;
- every question: required fields, known `kind`, unique id, answerable true/false;
  answerable: non-empty gold_ids that exist (seed `LIBRARY#N` resolved from ../../seeds/*.txt,
  corpus ids from scifact_library.jsonl); fact -> non-empty `answers`, each occurring in at least
  one gold abstract (case-insensitive, whitespace-normalised); yesno -> answers ["yes"] or ["no"];
  explain / list / compare -> `must` groups, each with a string occurring in some gold abstract,
  and 1 <= min_cited <= number of gold ids; `library` (optional) must exist and hold every gold id;
  unanswerable: gold_ids [] and no answers / must;
- no question text repeats one in the existing seed question files (for seeds_elc_questions.jsonl
  also none in seeds_more_questions.jsonl; for seeds_elc2_questions.jsonl none in
  seeds_more_questions.jsonl or seeds_elc_questions.jsonl; each later seed set, up to
  seeds_elc6_questions.jsonl, seeds_facts3_questions.jsonl, seeds_phrasing_questions.jsonl,
  seeds_phrasing2_questions.jsonl, seeds_elc7_questions.jsonl, seeds_yesno_questions.jsonl and seeds_elc8_questions.jsonl, none in any seed set written before it, see SEED_SETS), nor another
  question of the same file.
Exits non-zero and lists the problems when anything fails.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEEDS = REPO / "seeds"
CORPUS = Path("/work/shared/eval/scifact_corpus.jsonl")
EXISTING = [Path("/work/shared/eval/seeds_questions.jsonl"), Path("/work/shared/eval/seeds_synthesis.jsonl"),
            HERE / "seeds_extra_questions.jsonl"]
KINDS = {"fact", "explain", "list", "compare", "yesno"}
SYNTH = {"explain", "list", "compare"}

problems: list[str] = []


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def load_jsonl(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            problems.append(f"{path.name}:{n}: not JSON ({e})")
    return out


def seed_docs() -> dict[str, tuple[str, str]]:
    """'Alex#3' -> (library, normalised text), as evalkit numbers them."""
    out = {}
    for f in sorted(SEEDS.glob("*.txt")):
        lines = [x for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
        owner, n = lines[0].strip(), 0
        for line in lines[1:]:
            if line.startswith("Abstract:"):
                n += 1
                out[f"{owner}#{n}"] = (owner, norm(line[len("Abstract:"):]))
    return out


def scifact_docs(path: Path) -> dict[str, tuple[str, str]]:
    recs = load_jsonl(path)
    corpus = {}
    if CORPUS.exists():
        corpus = {r["id"]: r for r in load_jsonl(CORPUS)}
    out = {}
    for r in recs:
        where = f"{path.name}: {r.get('id')}"
        if set(r) != {"id", "abstract", "library", "paper_title"}:
            problems.append(f"{where}: fields should be id, abstract, library, paper_title (got {sorted(r)})")
        if r.get("id") in out:
            problems.append(f"{where}: duplicate id")
        if not str(r.get("abstract", "")).strip() or not str(r.get("library", "")).strip():
            problems.append(f"{where}: empty abstract or library")
        if corpus:
            c = corpus.get(r.get("id"))
            if c is None:
                problems.append(f"{where}: not in the SciFact corpus")
            elif c["abstract"] != r.get("abstract") or c["title"] != r.get("paper_title"):
                problems.append(f"{where}: abstract / title differ from the corpus record")
        out[r["id"]] = (r.get("library", ""), norm(r.get("abstract", "")))
    return out


def check(path: Path, docs: dict[str, tuple[str, str]], existing: set[str]) -> list[dict]:
    qs = load_jsonl(path)
    libraries = {lib for lib, _ in docs.values()}
    text_to_ids: dict[str, set[str]] = {}
    for i, (_, t) in docs.items():
        text_to_ids.setdefault(t, set()).add(i)
    seen = set()
    seen_texts: set[str] = set()
    for q in qs:
        qid = q.get("id")
        where = f"{path.name}: {qid}"
        for key in ("id", "kind", "question", "gold_ids", "answerable"):
            if key not in q:
                problems.append(f"{where}: missing {key}")
        extra = set(q) - {"id", "kind", "question", "gold_ids", "answerable", "answers", "must", "min_cited", "library"}
        if extra:
            problems.append(f"{where}: unexpected fields {sorted(extra)}")
        if qid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(qid)
        qtext = norm(q["question"]) if isinstance(q.get("question"), str) else ""
        if qtext and qtext in seen_texts:
            problems.append(f"{where}: question text repeats another question of this file")
        seen_texts.add(qtext)
        kind = q.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}: unknown kind {kind!r}")
        if not isinstance(q.get("question"), str) or not q.get("question", "").strip():
            problems.append(f"{where}: empty question")
        elif norm(q["question"]) in existing:
            problems.append(f"{where}: question duplicates an existing seed question")
        if not isinstance(q.get("answerable"), bool):
            problems.append(f"{where}: answerable must be true or false")
        gold = q.get("gold_ids", [])
        if not isinstance(gold, list):
            problems.append(f"{where}: gold_ids must be a list")
            gold = []
        lib = q.get("library")
        if lib is not None and lib not in libraries:
            problems.append(f"{where}: unknown library {lib!r}")
        if not q.get("answerable"):
            if gold or q.get("answers") or q.get("must"):
                problems.append(f"{where}: unanswerable questions take gold_ids [] and no answers/must")
            continue
        if not gold:
            problems.append(f"{where}: answerable question without gold_ids")
        if len(set(gold)) != len(gold):
            problems.append(f"{where}: repeated gold id")
        texts = []
        for g in gold:
            if g not in docs:
                problems.append(f"{where}: gold id {g} does not exist")
                continue
            _glib, text = docs[g]
            texts.append(text)
            # a gold abstract must be in the question's library (an identical copy there counts)
            if lib is not None and not any(docs[i][0] == lib for i in text_to_ids[text]):
                problems.append(f"{where}: gold {g} is not in library {lib}")
        if kind in ("fact", "yesno"):
            answers = q.get("answers")
            if not isinstance(answers, list) or not answers or not all(isinstance(a, str) and a.strip() for a in answers):
                problems.append(f"{where}: {kind} needs a non-empty answers list")
                continue
            if "must" in q or "min_cited" in q:
                problems.append(f"{where}: {kind} takes answers, not must/min_cited")
            if kind == "yesno":
                if answers not in (["yes"], ["no"]):
                    problems.append(f"{where}: yesno answers must be [\"yes\"] or [\"no\"]")
                continue
            for a in answers:
                if not any(norm(a) in t for t in texts):
                    problems.append(f"{where}: answer {a!r} is not in any gold abstract")
        elif kind in SYNTH:
            must = q.get("must")
            if "answers" in q:
                problems.append(f"{where}: {kind} takes must/min_cited, not answers")
            if not isinstance(must, list) or not must or not all(
                    isinstance(g, list) and g and all(isinstance(s, str) and s.strip() for s in g) for g in must):
                problems.append(f"{where}: must should be a non-empty list of non-empty lists of strings")
                continue
            for group in must:
                if not any(norm(s) in t for s in group for t in texts):
                    problems.append(f"{where}: no string of must group {group} is in a gold abstract")
            mc = q.get("min_cited")
            if not isinstance(mc, int) or not 1 <= mc <= len(gold):
                problems.append(f"{where}: min_cited must be an int between 1 and the number of gold ids")
            elif kind == "compare" and len(gold) >= 2 and mc != 2:
                problems.append(f"{where}: compare questions should have min_cited 2")
    return qs


def summary(name: str, qs: list[dict]) -> None:
    c = Counter((q.get("kind"), q.get("answerable")) for q in qs)
    kinds = sorted({k for k, _ in c})
    parts = [f"{k}: {c[(k, True)]}+{c[(k, False)]}u" for k in kinds]
    ans = sum(1 for q in qs if q.get("answerable"))
    print(f"{name}: {len(qs)} questions ({ans} answerable, {len(qs) - ans} not); " + ", ".join(parts))


# the seed question sets in the order they were written
SEED_SETS = (
    "seeds_more_questions.jsonl",
    "seeds_elc_questions.jsonl",
    "seeds_elc2_questions.jsonl",
    "seeds_elc3_questions.jsonl",
    "seeds_lists_questions.jsonl",
    "seeds_elc4_questions.jsonl",
    "seeds_facts2_questions.jsonl",
    "seeds_elc5_questions.jsonl",
    "seeds_elc6_questions.jsonl",
    "seeds_facts3_questions.jsonl",
    "seeds_phrasing_questions.jsonl",
    "seeds_phrasing2_questions.jsonl",
    "seeds_elc7_questions.jsonl",
    "seeds_yesno_questions.jsonl",
    "seeds_elc8_questions.jsonl",
)


def main() -> int:
    existing = set()
    for p in EXISTING:
        if p.exists():
            existing |= {norm(q["question"]) for q in load_jsonl(p)}
    seeds = seed_docs()
    sf = scifact_docs(HERE / "scifact_library.jsonl")
    libs = Counter(lib for lib, _ in sf.values())
    print(f"scifact_library.jsonl: {len(sf)} abstracts ({', '.join(f'{k} {v}' for k, v in sorted(libs.items()))})")
    summary("scifact_library_questions.jsonl", check(HERE / "scifact_library_questions.jsonl", sf, existing))
    existing_sfls = existing | {norm(q["question"]) for q in load_jsonl(HERE / "scifact_library_questions.jsonl")}
    summary("scifact_lists_questions.jsonl", check(HERE / "scifact_lists_questions.jsonl", sf, existing_sfls))
    existing_sfyn = existing_sfls | {norm(q["question"]) for q in load_jsonl(HERE / "scifact_lists_questions.jsonl")}
    summary("scifact_yesno_questions.jsonl", check(HERE / "scifact_yesno_questions.jsonl", sf, existing_sfyn))
    # each seed set is checked against the shared sets and every seed set written before it
    seen = set(existing)
    for name in SEED_SETS:
        qs = check(HERE / name, seeds, seen)
        summary(name, qs)
        seen |= {norm(q["question"]) for q in qs if isinstance(q.get("question"), str)}
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
