"""Parsers: the seed format, JSONL and BibTeX, and every kind of bad input, without a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.parsers import check_library, expand, iter_path, parse_bytes, parse_path
from assistant.text import clauses, content_id, greek_folded, short_label, split_sentences, words
from assistant.types import Document, IngestError, Skipped

from .conftest import SEEDS


def docs_of(data: bytes | str, name: str, library: str | None = None) -> tuple[list[Document], list[Skipped]]:
    raw = data.encode() if isinstance(data, str) else data
    parsed = parse_bytes(raw, name, library)
    return parsed.documents, parsed.skipped


# -- the seed format -------------------------------------------------------------------------------
def test_seed_files_give_18_documents_with_both_owners_on_the_shared_one() -> None:
    by_id: dict[str, set[str]] = {}
    for path in expand([SEEDS]):
        for d in parse_path(path).documents:
            by_id.setdefault(d.doc_id, set()).update(d.libraries)
    assert len(by_id) == 18
    shared = [libs for libs in by_id.values() if len(libs) == 2]
    assert shared == [{"Alex", "Tony"}]


def test_seed_tolerates_bom_crlf_blank_lines_spaces_and_continuations() -> None:
    text = "\ufeff\r\n  Alex  \r\n\r\nAbstract: First one.\r\ncontinues here.\r\n\r\n  Abstract:Second one. \r\n"
    docs, skipped = docs_of(text, "x.txt")
    assert [d.text for d in docs] == ["First one. continues here.", "Second one."]
    assert all(d.libraries == ("Alex",) for d in docs)
    assert not skipped


def test_seed_identity_ignores_whitespace_and_case() -> None:
    assert content_id("Some  abstract.\n") == content_id("some abstract.")
    assert content_id("Some abstract.") != content_id("Another abstract.")


def test_seed_without_abstract_lines_is_refused() -> None:
    with pytest.raises(IngestError, match="no 'Abstract:' line"):
        docs_of("Alex\njust text\n", "x.txt")


def test_seed_whose_first_line_is_an_abstract_names_the_line() -> None:
    with pytest.raises(IngestError, match=r"x\.txt:1: the first line must name"):
        docs_of("Abstract: no owner\n", "x.txt")


def test_seed_empty_abstract_is_skipped_with_its_line() -> None:
    docs, skipped = docs_of("Alex\nAbstract:\nAbstract: Real one.\n", "x.txt")
    assert len(docs) == 1
    assert skipped[0].line == 2 and "empty" in skipped[0].reason


# -- whole-file problems ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n\n ", "a.jsonl", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "a.txt", "binary"),
        (b"Alex\nAbstract: caf\xe9\n", "a.txt", r"a\.txt:2: the file is not UTF-8"),
        (b"hello", "a.pdf", "unsupported file type"),
    ],
)
def test_bad_files_get_a_clear_message(data: bytes, name: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse_bytes(data, name)


def test_streamed_jsonl_check_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "lib.jsonl"
    path.write_bytes(b'{"abstract": "fine"}\n{"abstract": "caf\xe9"}\n')
    with pytest.raises(IngestError, match=r"lib\.jsonl:2: the file is not UTF-8"):
        list(iter_path(path))


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        list(expand([tmp_path / "nope.txt"]))
    with pytest.raises(IngestError, match=r"no files to read in this folder"):
        list(expand([tmp_path]))


def test_folder_means_every_supported_file_hidden_ones_left_out(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A\nAbstract: x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_text('{"abstract": "y"}')
    (tmp_path / "notes.md").write_text("ignored")
    (tmp_path / ".hidden.txt").write_text("A\nAbstract: z")
    assert [p.name for p in expand([tmp_path])] == ["a.txt", "b.jsonl"]


# -- JSONL -----------------------------------------------------------------------------------------
def test_jsonl_keeps_ids_and_fields_and_skips_bad_lines_by_number() -> None:
    lines = [
        json.dumps({"id": "scifact:1", "title": "A title", "abstract": "Text one.", "year": 2020, "authors": ["A", "B"]}),
        "{broken json",
        json.dumps({"id": "x2", "title": "No abstract"}),
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"abstract": "Text two.", "library": "Tony", "url": "https://example.org/2"}),
        json.dumps({"id": {"nested": 1}, "abstract": "Bad id."}),
    ]
    docs, skipped = docs_of("\n".join(lines), "mine.jsonl")
    assert [d.doc_id for d in docs] == ["scifact:1", content_id("Text two.")]
    first, second = docs
    assert (first.title, first.label, first.year, first.authors, first.libraries) == (
        "A title",
        "A title",
        "2020",
        "A, B",
        ("mine",),
    )
    assert second.libraries == ("Tony",) and second.url == "https://example.org/2"
    assert second.label == "Text two."  # no title: a label from the abstract
    assert [(s.line, s.reason.split(" ")[0]) for s in skipped] == [(2, "not"), (3, "no"), (5, "not"), (7, "'id'")]


def test_jsonl_library_option_and_reserved_name() -> None:
    docs, _ = docs_of('{"abstract": "x"}', "file.jsonl", library="Alex")
    assert docs[0].libraries == ("Alex",)
    with pytest.raises(IngestError, match="reserved"):
        docs_of('{"abstract": "x"}', "file.jsonl", library="All")
    _, skipped = docs_of('{"abstract": "x", "library": "all"}', "file.jsonl")
    assert "reserved" in skipped[0].reason


def test_jsonl_with_only_bad_records_reports_them_all() -> None:
    docs, skipped = docs_of("{bad\n{worse\n", "f.jsonl")
    assert not docs and [s.line for s in skipped] == [1, 2]


# -- BibTeX ----------------------------------------------------------------------------------------
BIB = r"""
@article{smith2020,
  title = {A {Great} Study of \emph{Things}},
  author = {Smith, Jane and Doe, John},
  year = {2020},
  doi = {10.1000/XYZ.1},
  abstract = {We show that things work. It is 50\% better.}
}

@inproceedings{noabs2021,
  title = {Without an abstract},
  year = 2021
}

@article{broken,
  title = {Broken {braces,
  abstract = {never closed}

@misc{web2022,
  title = "Quoted",
  abstract = "Plain quoted abstract.",
  url = {https://example.org/paper}
}
"""


def test_bibtex_fields_skips_and_broken_entries() -> None:
    docs, skipped = docs_of(BIB, "zotero.bib")
    assert [d.doc_id for d in docs] == ["doi:10.1000/xyz.1", "bib:web2022"]
    d = docs[0]
    assert d.title == "A Great Study of Things"
    assert d.text == "We show that things work. It is 50% better."
    assert d.authors == "Smith, Jane; Doe, John" and d.year == "2020"
    assert d.url == "https://doi.org/10.1000/XYZ.1" and d.libraries == ("zotero",)
    assert docs[1].url == "https://example.org/paper"
    reasons = {s.line: s.reason for s in skipped}
    assert "no abstract" in reasons[10]
    assert "broken BibTeX entry" in reasons[15]


def test_bibtex_without_entries_is_refused() -> None:
    with pytest.raises(IngestError, match="no BibTeX entries"):
        docs_of("just some words\n", "x.bib")


# -- small text helpers ----------------------------------------------------------------------------
def test_labels_are_short_and_never_empty() -> None:
    long = "This abstract has a rather long first sentence that goes on and on about many things. Second."
    label = short_label(long)
    assert 10 < len(label) <= 73 and label.endswith("…")
    assert short_label("   ") == "(untitled abstract)"


def test_sentences_respect_abbreviations_and_decimals() -> None:
    text = "We reach 67.6% on MedQA, e.g. with prompts. Results hold (Fig. 2). Et al. is fine. Done!"
    assert split_sentences(text) == [
        "We reach 67.6% on MedQA, e.g. with prompts.",
        "Results hold (Fig. 2).",
        "Et al. is fine.",
        "Done!",
    ]


def test_a_sentence_divides_into_its_phrases() -> None:
    sentence = "Models are built from modular blocks that are easily extensible, and experiment configurations are centralized."
    assert clauses(sentence) == [
        "Models are built from modular blocks",
        "are easily extensible",
        "experiment configurations are centralized.",
    ]
    assert clauses("GPT-4o (an omni model) is fast.") == ["an omni model"]
    assert clauses("Fast, cheap and good.") == ["Fast, cheap and good."]  # no phrase of three words: the sentence


def test_words_keep_hyphenated_names_whole_and_split() -> None:
    assert words("Flan-MoE-32B beats U-PaLM; 67.6 GPT-4o") == [
        "flanmoe32b",
        "flan",
        "moe",
        "32b",
        "beats",
        "upalm",
        "u",
        "palm",
        "67.6",
        "gpt4o",
        "gpt",
        "4o",
    ]


def test_greek_letters_in_names_read_alike_however_written() -> None:
    assert greek_folded("NF-κB") == greek_folded("NF-kappaB") == greek_folded("NF-kB") == "nf-kb"
    assert greek_folded("TNF-α and IL-1beta") == "tnf-a and il-1b"
    assert greek_folded("an alphabet of betaine") == "an alphabet of betaine"  # longer words stay


def test_library_names() -> None:
    assert check_library("  Alex ") == "Alex"
    for bad in ("", "   ", "x" * 200, "ALL"):
        with pytest.raises(IngestError):
            check_library(bad)
