"""The real store: Chroma in a temp dir, the shipped embedding model, the BM25 index beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant, IngestError
from assistant.index import Index
from assistant.text import terms

from .conftest import SEEDS


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_seed_ingest_is_idempotent_and_shares_the_o1_card(seeded_copy: Assistant) -> None:
    a = seeded_copy
    assert a.index.count() == 18
    for _ in range(2):
        again = a.ingest(SEEDS)
        assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 18, 0)
    assert a.libraries() == {"Alex": 9, "Tony": 10}
    top = a.search("o1 model series large-scale reinforcement learning chain of thought safety", k=1)
    assert set(top[0].libraries) == {"Alex", "Tony"}


def test_owner_files_one_at_a_time_merge_libraries(fresh: Assistant) -> None:
    first = fresh.ingest(SEEDS / "alex.txt")
    second = fresh.ingest(SEEDS / "tony.txt")
    assert (first.added, second.added, second.updated) == (9, 9, 1)  # the o1 card gains Tony
    assert fresh.index.count() == 18


def test_changed_record_is_updated_in_place(fresh: Assistant, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mine.jsonl",
        [
            {"id": "p1", "title": "Old title", "abstract": "Quokkas are small marsupials living on Rottnest Island."},
            {"id": "p2", "abstract": "Axolotls regenerate limbs after injury."},
        ],
    )
    assert fresh.ingest(path).added == 2
    write_jsonl(
        path,
        [
            {"id": "p1", "title": "New title", "abstract": "Quokkas are small wallabies living on Rottnest Island."},
            {"id": "p2", "abstract": "Axolotls regenerate limbs after injury."},
        ],
    )
    report = fresh.ingest(path)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert fresh.index.count() == 2
    hit = fresh.search("wallabies", k=1)[0]
    assert (hit.doc_id, hit.title) == ("p1", "New title")
    assert hit.lexical > 0  # the lexical index saw the new text too
    assert fresh.search("marsupials", k=2)[0].lexical == 0


def test_forget_a_library_keeps_shared_documents(seeded_copy: Assistant) -> None:
    a = seeded_copy
    deleted, kept = a.forget(library="Alex")
    assert (deleted, kept) == (8, 1)
    assert a.libraries() == {"Tony": 10}
    assert all("Alex" not in p.libraries for p in a.search("graph neural networks heterophily", k=10))
    assert not a.index.lexical.search("heterophily", 5)  # gone from the lexical index as well
    assert not [d for d, _ in a.index.dense(a.index.embed(["heterophily"])[0], 20) if d not in a.index.lexical]


def test_forget_a_document_and_unknown_names(seeded_copy: Assistant) -> None:
    a = seeded_copy
    bloom = a.search("BLOOM 176B open-access multilingual", k=1)[0]
    assert a.forget(doc_ids=[bloom.doc_id]) == (1, 0)
    assert a.index.count() == 17 and bloom.doc_id not in a.index.lexical
    with pytest.raises(IngestError, match="no document"):
        a.forget(doc_ids=[bloom.doc_id])
    with pytest.raises(IngestError, match="no library"):
        a.forget(library="Nobody")


def test_library_filter(seeded: Assistant) -> None:
    for lib in ("Alex", "Tony"):
        hits = seeded.search("language models", k=8, library=lib)
        assert hits and all(lib in p.libraries for p in hits)
    assert len(seeded.search("language models", k=30, library="All")) == 18


@pytest.mark.parametrize(("term", "needle"), [("UniMax", "UniMax"), ("MedQA", "MedQA"), ("ACM", "ACM"), ("Lingvo", "Lingvo")])
def test_exact_terms_are_found_first(seeded: Assistant, term: str, needle: str) -> None:
    top = seeded.search(term, k=1)[0]
    assert needle in top.text
    assert top.lexical > 0


def test_every_form_of_a_word_is_one_term() -> None:
    # British and American spellings, and the -er form beside the -ing one ('denoiser', 'denoising')
    assert terms("denoising") == terms("denoiser") == terms("denoisers")
    assert terms("optimised") == terms("optimized") and terms("behaviour") == terms("behavior")
    assert terms("analyser") == terms("analyzing")
    # a possessive is the word itself: no stray 's' the abstract must hold
    assert terms("Smart Compose's serving") == terms("Smart Compose’s serving") == terms("Smart Compose serving")


def test_passages_carry_scores_best_first(seeded: Assistant) -> None:
    hits = seeded.search("speech recognition on long utterances", k=4)
    assert [p.score for p in hits] == sorted((p.score for p in hits), reverse=True)
    assert "RNN-T" in hits[0].text and hits[0].dense > 0.3


def test_collection_is_named_after_the_embedding_model(seeded: Assistant) -> None:
    name = seeded.index._col.name
    assert name.startswith("abstracts-all-MiniLM-L6-v2")
    # a different embedder (or quantisation of it) never shares a collection
    assert name == f"abstracts-{seeded.index.embedder_name}"
    assert ("-int8" in seeded.index.embedder_name) == (seeded.settings.retrieval.embed_backend == "onnx-int8")


def test_lexical_index_is_rebuilt_after_a_crash_between_writes(seeded_copy: Assistant) -> None:
    a = seeded_copy
    a.index._set_revision("dirty-simulated-crash")  # as left by a process killed mid-ingest
    a.index.lexical.path.unlink()
    reopened = Index(a.settings)
    assert len(reopened.lexical) == 18
    assert reopened.lexical.revision == "dirty-simulated-crash"
    assert reopened.search("UniMax", k=1)[0].lexical > 0


def test_bad_file_among_good_ones_is_skipped_whole(fresh: Assistant, tmp_path: Path) -> None:
    (tmp_path / "good.jsonl").write_text('{"abstract": "Tardigrades survive in space."}\n')
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    report = fresh.ingest(tmp_path)
    assert report.added == 1 and report.files == 2
    assert "binary" in report.skipped[0].reason
    with pytest.raises(IngestError, match="binary"):
        fresh.ingest(tmp_path / "bad.txt")
    assert fresh.index.count() == 1
