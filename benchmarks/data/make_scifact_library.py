"""Rebuild scifact_library.jsonl from the shared SciFact corpus (standard library only).

    python3 benchmarks/data/make_scifact_library.py [corpus.jsonl] > benchmarks/data/scifact_library.jsonl

36 records are drawn with random.Random(2026).sample(corpus, 36) (corpus in file order).
RELATIVES lists, for the first 10 sampled records whose topic has relatives in the corpus,
the extra same-topic abstracts that were found by keyword search over titles and abstracts
and picked by reading them. Records are written in sampled order, each anchor followed by its
relatives; LIBRARY gives each record's library (topical clusters kept together, two split).
"""
import json
import random
import sys

CORPUS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/eval/scifact_corpus.jsonl"

# anchor (sampled) -> relatives (search terms in the comment)
RELATIVES = {
    "scifact:5144381": ["scifact:21868715", "scifact:12691537", "scifact:6422576"],   # "26S proteasome"
    "scifact:16364639": ["scifact:18421962", "scifact:5253987", "scifact:67787658"],  # "ceRNA|miRNA sponge", "glioblastoma + microRNA"
    "scifact:29399239": ["scifact:9878167", "scifact:17967608", "scifact:36089763"],  # "neutrophil extracellular trap"
    "scifact:30786800": ["scifact:33740844", "scifact:49429882"],                     # "lipid-based nutrient", "supplement + pregnancy / birth weight"
    "scifact:4427060": ["scifact:5922085", "scifact:2844490", "scifact:7735859"],     # "Crohn"
    "scifact:10698739": ["scifact:15836115", "scifact:37608303", "scifact:56528795"], # "OPA1|HtrA2"
    "scifact:44562904": ["scifact:7852582", "scifact:32084655"],                      # "lung cancer + delay/diagnosis/waiting"
    "scifact:76463821": ["scifact:73323408", "scifact:30983338", "scifact:8842332"],  # "preconception", "diabetes + congenital malformation", "pregestational/type 1 diabetes pregnancy"
    "scifact:37328025": ["scifact:39637840", "scifact:6710699", "scifact:25838286"],  # "Werner syndrome|WRN|Bloom syndrome|BLM helicase"
    "scifact:23393712": ["scifact:13992047", "scifact:14149065", "scifact:323030"],   # "cadherin" (scifact:3720107, also sampled, belongs here too)
}

ANA_CLUSTERS = ["scifact:5144381", "scifact:29399239", "scifact:4427060", "scifact:44562904"]
BEN_CLUSTERS = ["scifact:16364639", "scifact:30786800", "scifact:10698739", "scifact:76463821"]
SPLIT = {  # clusters split across both libraries
    "scifact:37328025": "Ana", "scifact:39637840": "Ana", "scifact:6710699": "Ana", "scifact:25838286": "Ben",
    "scifact:23393712": "Ana", "scifact:13992047": "Ana", "scifact:3720107": "Ben", "scifact:14149065": "Ben",
    "scifact:323030": "Ben",
}


def main():
    with open(CORPUS, encoding="utf-8") as f:
        corpus = [json.loads(x) for x in f if x.strip()]
    by_id = {r["id"]: r for r in corpus}
    sample = random.Random(2026).sample(corpus, 36)
    lib = dict(SPLIT)
    for a in ANA_CLUSTERS:
        for i in [a] + RELATIVES[a]:
            lib[i] = "Ana"
    for a in BEN_CLUSTERS:
        for i in [a] + RELATIVES[a]:
            lib[i] = "Ben"
    # the remaining sampled records (singletons) alternate, starting with Ben
    turn = 0
    for r in sample:
        if r["id"] not in lib:
            lib[r["id"]] = ("Ben", "Ana")[turn % 2]
            turn += 1
    order = []
    for r in sample:
        if r["id"] not in order:
            order.append(r["id"])
        for rel in RELATIVES.get(r["id"], []):
            if rel not in order:
                order.append(rel)
    for i in order:
        r = by_id[i]
        print(json.dumps({"id": i, "abstract": r["abstract"], "library": lib[i], "paper_title": r["title"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
