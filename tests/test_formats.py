"""Real exports of every format (tests/fixtures/formats, sources in SOURCES.md): exact counts of
what is added and what is skipped with which reason, format sniffing, Zotero's own database built
from its published schema, and re-ingesting that changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from assistant.parsers import expand, iter_path, kind_of_path, parse_bytes, parse_path, parse_zotero
from assistant.types import Document, IngestError, Skipped

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"


def split(path: Path, **kw: object) -> tuple[list[Document], list[Skipped]]:
    items = list(iter_path(path, "Lib", **kw))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


def reasons(skipped: list[Skipped]) -> Counter[str]:
    """Skip reasons by kind (the record's own name left out)."""
    out: Counter[str] = Counter()
    for s in skipped:
        r = s.reason
        for kind in ("has no abstract", "placeholder", "mis-encoded", "U+FFFD", "Zotero trash"):
            if kind in r:
                out[kind] += 1
                break
        else:
            out[r] += 1
    return out


# (file, format, records read as documents, skip reasons by kind, distinct documents stored)
EXPECTED = [
    ("ovid_psycinfo.ris", "ris", 1, {}, 1),
    ("rayyan_endnote.txt", "ris", 2, {"has no abstract": 2}, 2),
    ("scopus_asreview.ris", "ris", 2, {}, 2),
    ("lens_citesource.ris", "ris", 3, {}, 3),
    ("pubmed_biopython.txt", "medline", 2, {}, 2),
    ("pubmed_asreview.xml", "pubmed-xml", 2, {"has no abstract": 1}, 2),
    ("arxiv_snapshot.json", "jsonl", 3, {}, 3),
    ("zotero_csl.json", "csl-json", 1, {}, 1),
    ("better_csl_bbt.json", "csl-json", 0, {"has no abstract": 7}, 0),
    ("crossref_bbt.bib", "bibtex", 0, {"has no abstract": 2}, 0),
    ("mendeley_rm.bib", "bibtex", 6, {"has no abstract": 1}, 4),  # two entries repeat another's abstract
    ("mendeley_webpage.bib", "bibtex", 0, {"has no abstract": 1}, 0),  # `@web_page{,` read as an entry, not broken
    ("quirks_handmade.bib", "bibtex", 6, {"has no abstract": 1, "placeholder": 2, "mis-encoded": 1, "U+FFFD": 1}, 6),
]


@pytest.mark.parametrize(("name", "kind", "n_docs", "skips", "_"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_real_export_gives_exact_counts(name: str, kind: str, n_docs: int, skips: dict[str, int], _: int) -> None:
    path = FIXTURES / name
    assert kind_of_path(path) == kind
    docs, skipped = split(path)
    assert len(docs) == n_docs
    assert reasons(skipped) == Counter(skips)
    assert all(d.libraries == ("Lib",) and d.text and d.source.startswith(str(path)) for d in docs)


def test_ris_from_ovid_keeps_n2_and_trims_the_psycinfo_notice() -> None:
    (doc,), _ = split(FIXTURES / "ovid_psycinfo.ris")
    assert doc.doc_id == "doi:10.1002/cpp.2398" and doc.year == "2019"
    assert doc.title.startswith("The influence of self-criticism")
    assert doc.authors.startswith("Trindade, Ines A; Irons, Chris")
    assert doc.text.endswith("refer high self-critical patients to psychological care.")
    assert "PsycINFO" not in doc.text


def test_pubmed_records_get_pubmed_links_and_keep_section_labels() -> None:
    docs, _ = split(FIXTURES / "pubmed_biopython.txt")
    assert [d.url for d in docs] == ["https://pubmed.ncbi.nlm.nih.gov/16403221/", "https://pubmed.ncbi.nlm.nih.gov/16377612/"]
    assert docs[1].title == "GenomeDiagram: a python package for the visualization of large-scale genomic data."
    assert docs[0].authors == "Casbon, James A; Crooks, Gavin E; Saqi, Mansoor A S" and docs[1].year == "2006"
    xml, skipped = split(FIXTURES / "pubmed_asreview.xml")
    assert skipped[0].reason == "PMID 31690499 has no abstract"
    structured = next(d for d in xml if d.url.endswith("/25371100/"))
    assert structured.text.startswith("OBJECTIVES: To consider") and "METHODS: A 63-year-old" in structured.text
    assert structured.year == "2016" and structured.doc_id == "pmid:25371100"  # the DOI is kept beside the id
    assert structured.doi == "10.1179/2151090314y.0000000035"
    assert [d.doc_id for d in docs] == ["pmid:16403221", "pmid:16377612"]


def test_arxiv_records_get_year_link_authors_categories_and_unicode() -> None:
    docs, _ = split(FIXTURES / "arxiv_snapshot.json")
    first, second, old = docs
    assert first.authors.startswith("Balázs, C.; Berger, E. L.") and first.year == "2007"
    assert second.doc_id == "arxiv:0704.0002" and second.url == "https://arxiv.org/abs/0704.0002"
    assert second.categories == "math.CO cs.CG" and "(k,ℓ)-pebble game" in second.text and "$" not in second.text
    assert old.year == "1996" and old.url == "https://arxiv.org/abs/hep-th/9608091"


def test_csl_json_from_zotero_and_better_bibtex() -> None:
    (doc,), _ = split(FIXTURES / "zotero_csl.json")
    assert doc.doc_id == "doi:10.1214/09-ba422" and doc.year == "2009"
    assert doc.authors == "Dupré, Maurice J.; Tipler, Frank J." and "five axioms" in doc.text
    _, skipped = split(FIXTURES / "better_csl_bbt.json")
    assert [s.line for s in skipped] == [2, 3, 4, 5, 6, 7, 8]


def test_bibtex_quirks_of_mendeley_and_jabref() -> None:
    docs, skipped = split(FIXTURES / "quirks_handmade.bib")
    by_title = {d.title: d for d in docs}
    tex = by_title["Cu₂O thin films from École polytechnique"]
    assert tex.text == "We grow Cu₂O films and measure a gap of 2.1 eV at 10⁻³ Pa." and tex.authors == "Balázs, C.; Doe, J."
    assert tex.doc_id.startswith("h")  # no key, no DOI: known by its text
    assert by_title["A second entry without a key"].doc_id == "doi:10.5555/empty.key"
    assert by_title["An underscore entry type"].doc_id == "bib:Smith2020"
    assert by_title["Inherits its book"].year == "2019"
    first, second = by_title["First of two with one key"], by_title["Second of two with one key"]
    assert first.doc_id == "bib:dup2020" and second.doc_id.startswith("h")
    assert {s.line for s in skipped if "placeholder" in s.reason} == {38, 44}


def test_mendeley_reference_manager_export_with_empty_and_repeated_keys() -> None:
    docs, skipped = split(FIXTURES / "mendeley_rm.bib")
    assert [s.line for s in skipped] == [23] and skipped[0].reason == "entry without a key has no abstract"
    nlx, meng, sun, vilbert, nlx_again, sun_again = docs
    assert nlx.doc_id == nlx_again.doc_id and nlx.doc_id.startswith("h")  # `@report{,` twice: known by its text
    assert vilbert.doc_id.startswith("h") and vilbert.doc_id != nlx.doc_id
    assert sun.doc_id == "bib:Sun2021" and sun_again.doc_id.startswith("h") and sun_again.text == sun.text
    assert meng.authors.startswith("Yuxian Meng; Shuhe Wang") and meng.year == "2020"
    assert "we release {OpenViDial}, a large-scale" in meng.text  # Mendeley's \{...\} is a literal brace in TeX
    assert "15× faster" in nlx.text


def test_scopus_ris_keeps_the_abstract_and_trims_the_copyright() -> None:
    docs, skipped = split(FIXTURES / "scopus_asreview.ris")
    assert not skipped and [d.doc_id for d in docs] == ["doi:10.1016/j.mehy.2019.109324", "doi:10.1016/j.yebeh.2019.106490"]
    uno, clegg = docs
    assert uno.text.endswith("a low-FODMAP diet is recommended to relieve and prevent IBD-IBS symptoms.")  # "© 2019" trimmed
    assert clegg.text.endswith("for individuals with seizure disorders and future research are discussed.")
    assert clegg.authors == "Clegg, S.; Sirois, F.; Reuber, M." and clegg.year == "2019"
    assert "Export Date" not in uno.text and "References" not in uno.text


def test_lens_ris_loses_its_markup_but_not_its_section_labels() -> None:
    docs, skipped = split(FIXTURES / "lens_citesource.ris")
    assert not skipped
    preprint, bmc, springer = docs
    assert all("<" not in d.text and ">" not in d.text for d in docs)
    assert preprint.text.startswith("Background and aims: Both the Problem Gambling Severity Index")
    assert preprint.url == "https://lens.org/001-257-578-706-377" and preprint.year == "2021"
    assert bmc.text.startswith("BACKGROUND: Gambling has traditionally been conceptualised")
    assert " METHODS: A qualitatively led online panel survey" in bmc.text and "The Author(s)" not in bmc.text
    assert springer.text.startswith("Purpose of Review: Legacy gambling harm refers")
    assert "Recent Findings: Legacy harms to individuals" in springer.text and "Abstract" not in springer.text


def test_markup_is_stripped_only_where_it_is_markup() -> None:
    from assistant.parsers.quality import strip_markup

    assert strip_markup("p < 0.05 and <5 mm, a<b and c>d, R&amp;D") == "p < 0.05 and <5 mm, a<b and c>d, R&amp;D"
    assert strip_markup("<jats:p>H<jats:sub>2</jats:sub>O at 10<sup>-3</sup> Pa &amp; <i>in vivo</i></jats:p>").strip() == (
        "H₂O at 10⁻³ Pa & in vivo"
    )


def test_txt_is_sniffed_and_unknown_types_name_the_formats(tmp_path: Path) -> None:
    seed = tmp_path / "mine.txt"
    seed.write_text("Alex\nAbstract: One.\n")
    assert kind_of_path(seed) == "seed"
    with pytest.raises(IngestError, match=r"unsupported file type '\.pdf' \(use seed \.txt, .*\.ris.*zotero\.sqlite\)"):
        parse_bytes(b"%PDF-1.4", "paper.pdf")
    with pytest.raises(IngestError, match=r"unsupported file type '\.docx'"):
        list(iter_path(tmp_path / "x.docx"))


def test_a_broken_record_never_stops_the_rest_of_its_file() -> None:
    text = (
        (FIXTURES / "rayyan_endnote.txt")
        .read_text()
        .replace("ER  -\n\nTY  - JOUR\nAB  - The article discusses", "TY  - JOUR\nAB  - The article discusses", 1)
    )
    parsed = parse_bytes(text.encode(), "broken.ris", "Lib")
    assert len(parsed.documents) == 2
    assert any("without its closing 'ER  - '" in s.reason for s in parsed.skipped)


# -- Zotero's own database -----------------------------------------------------------------------
ABSTRACT_A = "Retrieval-augmented generation grounds answers in retrieved passages of a local library."
ABSTRACT_B = "Citation checking keeps only sentences whose cited abstract supports them."


def make_zotero(folder: Path) -> Path:
    """A zotero.sqlite built from Zotero's published schema, with items inserted as Zotero does."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "zotero.sqlite"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / "zotero_schema.sql").read_text())
    con.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1)")
    values: dict[str, int] = {}

    def item(item_id: int, key: str, type_id: int, **fields: str) -> None:
        con.execute("INSERT INTO items (itemID, itemTypeID, libraryID, key) VALUES (?, ?, 1, ?)", (item_id, type_id, key))
        ids = {"url": 1, "date": 14, "DOI": 26, "abstractNote": 90, "title": 110}
        for name, value in fields.items():
            if value not in values:
                values[value] = len(values) + 1
                con.execute("INSERT INTO itemDataValues VALUES (?, ?)", (values[value], value))
            con.execute("INSERT INTO itemData VALUES (?, ?, ?)", (item_id, ids[name], values[value]))

    item(1, "AAAA1111", 4, title="Local RAG", abstractNote=ABSTRACT_A, date="2023-05-00 May 2023", DOI="10.5555/RAG.1")
    item(
        2, "BBBB2222", 4, title="Checked citations", abstractNote=ABSTRACT_B, date="2024-00-00 2024", url="https://example.org/b"
    )
    item(3, "CCCC3333", 4, title="Trashed paper", abstractNote="This item was moved to the trash.")
    item(4, "DDDD4444", 2, title="A book without an abstract")
    item(5, "EEEE5555", 4, title="Placeholder", abstractNote="No abstract available")
    con.execute("INSERT INTO deletedItems (itemID) VALUES (3)")
    con.execute("INSERT INTO creators VALUES (1, 'Ada', 'Lovelace', 0)")
    con.execute("INSERT INTO itemCreators VALUES (1, 1, 1, 0)")
    con.execute(
        "INSERT INTO collections (collectionID, collectionName, libraryID, key) VALUES (1, 'Reading group', 1, 'COLL0001')"
    )
    con.execute("INSERT INTO collectionItems VALUES (1, 2, 0)")
    con.commit()
    con.close()
    return db


def test_zotero_items_with_abstracts_trash_left_out_never_written(tmp_path: Path) -> None:
    db = make_zotero(tmp_path / "Zotero")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert list(expand([tmp_path / "Zotero"])) == [db]  # the profile folder means its database
    parsed = parse_zotero(db)
    assert [d.doc_id for d in parsed.documents] == ["doi:10.5555/rag.1", "zotero:BBBB2222"]
    a, b = parsed.documents
    assert (a.title, a.authors, a.year, a.url) == ("Local RAG", "Lovelace, Ada", "2023", "https://doi.org/10.5555/RAG.1")
    assert a.libraries == ("Zotero",) and b.year == "2024" and b.url == "https://example.org/b"
    assert reasons(parsed.skipped) == Counter({"Zotero trash": 1, "placeholder": 1})
    grouped = parse_path(db, "Mine", collections_as_libraries=True)
    assert [d.libraries for d in grouped.documents] == [("Mine",), ("Reading group",)]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not any(p.name.endswith(("-wal", "-journal")) for p in db.parent.iterdir())


# -- through the real assistant ------------------------------------------------------------------
@pytest.mark.slow
def test_every_fixture_ingests_and_reingesting_changes_nothing(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "exports"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("*.sql", "*.md"))
    report = fresh.ingest(folder, library="Mine")
    assert report.files == len(EXPECTED)
    assert report.added == sum(e[4] for e in EXPECTED) == fresh.index.count()
    assert len(report.skipped) == sum(sum(e[3].values()) for e in EXPECTED)
    again = fresh.ingest(folder, library="Mine")
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, report.added, 0)
    hits = fresh.search("prompt diphoton production at the Tevatron", k=1)
    assert hits[0].doc_id == "doi:10.1103/physrevd.76.013009"


@pytest.mark.slow
def test_zotero_through_the_assistant_picks_up_changes(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = make_zotero(tmp_path / "Zotero")
    first = fresh.ingest(tmp_path / "Zotero", collections_as_libraries=True)
    assert (first.added, len(first.skipped)) == (2, 2)
    assert fresh.libraries() == {"Zotero": 1, "Reading group": 1}
    con = sqlite3.connect(db)
    con.execute("INSERT INTO itemDataValues VALUES (99, ?)", (ABSTRACT_B + " Revised.",))
    con.execute("UPDATE itemData SET valueID = 99 WHERE itemID = 2 AND fieldID = 90")
    con.commit()
    con.close()
    second = fresh.ingest(db, collections_as_libraries=True)
    assert (second.added, second.updated, second.unchanged, second.removed) == (0, 1, 1, 0)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO collections (collectionID, collectionName, libraryID, key) VALUES (2, 'Archive', 1, 'COLL0002')")
    con.execute("UPDATE collectionItems SET collectionID = 2 WHERE itemID = 2")  # moved to another collection
    con.commit()
    moved = fresh.ingest(db, collections_as_libraries=True)
    assert (moved.added, moved.updated, moved.unchanged, moved.removed) == (0, 1, 1, 0)
    assert fresh.libraries() == {"Archive": 1, "Zotero": 1}
    con.execute("INSERT INTO deletedItems (itemID) VALUES (2)")  # moved to the trash
    con.commit()
    trashed = fresh.ingest(db, collections_as_libraries=True)
    assert (trashed.added, trashed.updated, trashed.unchanged, trashed.removed) == (0, 0, 1, 1)
    assert fresh.libraries() == {"Zotero": 1} and fresh.index.count() == 1
    assert all("Citation checking" not in h.text for h in fresh.search("citation checking cited abstract supports", k=2))
    for table in ("itemData", "itemCreators", "items"):  # deleted for good, rows as Zotero's cascade removes them
        con.execute(f"DELETE FROM {table} WHERE itemID = 1")
    con.commit()
    con.close()
    emptied = fresh.ingest(db, collections_as_libraries=True)
    assert (emptied.added, emptied.unchanged, emptied.removed) == (0, 0, 1)
    assert fresh.index.count() == 0 and fresh.libraries() == {}


@pytest.mark.slow
def test_cli_counts_skip_reasons_and_lists_them_with_verbose(tmp_path: Path) -> None:
    from .test_cli import run

    data = tmp_path / "d"
    r = run("ingest", str(FIXTURES / "rayyan_endnote.txt"), "--library", "Reviews", data_dir=data)
    assert r.returncode == 0, r.stderr
    assert "2 added" in r.stdout and "2 skipped: has no abstract" in r.stdout
    r = run("ingest", str(FIXTURES / "rayyan_endnote.txt"), "--library", "Reviews", "--verbose", data_dir=data)
    assert "2 unchanged" in r.stdout
    assert f"skipped {FIXTURES / 'rayyan_endnote.txt'}:28: record 2 has no abstract" in r.stdout


@pytest.mark.slow
def test_web_upload_takes_every_format_and_shows_skip_reasons(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.web import WebApp

    app = WebApp(fresh)
    files = [str(FIXTURES / n) for n in ("rayyan_endnote.txt", "pubmed_asreview.xml", "arxiv_snapshot.json")]
    files.append(str(make_zotero(tmp_path / "Zotero")))
    html, _ = app.upload(files, "")
    assert "Name the library" in html  # RIS, PubMed, arXiv and Zotero records need one
    html, _ = app.upload(files, "Uploads")
    assert "9 added" in html and "5 skipped" in html
    assert "rayyan_endnote.txt, line 28" in html and "record 2 has no abstract" in html
    assert "PMID 31690499 has no abstract" in html and "in the Zotero trash" in html
    assert "upload-" not in html


# -- one abstract from two programs; sources kept in step -----------------------------------------
def ris_of(doc: Document, doi: str = "", text: str = "") -> str:
    """A RIS record of a parsed document, as a reference manager would export the same paper."""
    lines = ["TY  - JOUR", f"TI  - {doc.title}", f"AB  - {text or doc.text}", *([f"DO  - {doi}"] if doi else []), "ER  - "]
    return "\n".join(lines) + "\n\n"


@pytest.mark.slow
def test_one_abstract_from_pubmed_and_ris_is_one_document(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    medline = FIXTURES / "pubmed_biopython.txt"
    (scop, diagram), _ = split(medline)
    ris = tmp_path / "export.ris"
    # the first with the same text and no DOI, the second with its DOI and a copyright line PubMed lacks
    ris.write_text(ris_of(scop) + ris_of(diagram, "10.1093/bioinformatics/btk021", diagram.text + " Copyright 2005."))
    first = fresh.ingest(medline, library="PubMed")
    assert (first.added, fresh.index.count()) == (2, 2)
    second = fresh.ingest(ris, library="Zotero")
    assert (second.added, second.updated, second.unchanged) == (0, 2, 0)  # both join the PubMed documents
    assert fresh.index.count() == 2 and fresh.libraries() == {"PubMed": 2, "Zotero": 2}
    hit = fresh.search("SCOP ASTRAL python interface", k=1)[0]
    assert hit.doc_id == "pmid:16403221" and set(hit.libraries) == {"PubMed", "Zotero"}
    again = fresh.ingest(ris, library="Zotero")
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 2, 0)
    ris.write_text(ris_of(diagram, "10.1093/bioinformatics/btk021"))  # the SCOP paper deleted from the reference manager
    third = fresh.ingest(ris, library="Zotero")
    assert (third.added, third.updated, third.unchanged, third.removed) == (0, 0, 1, 1)
    assert fresh.libraries() == {"PubMed": 2, "Zotero": 1}  # it stays where PubMed put it


@pytest.mark.slow
def test_reingesting_a_file_removes_what_it_no_longer_holds(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "reviews.txt"
    text = (FIXTURES / "rayyan_endnote.txt").read_text()
    path.write_text(text)
    assert fresh.ingest(path, library="Reviews").added == 2
    assert fresh.ingest(path, library="Pharmacy").updated == 2  # the same file into another library is another source
    start = text.index("TY  - JOUR\nAB  - The article discusses")
    path.write_text(text[:start] + text[text.index("ER  -\n", start) + len("ER  -\n\n") :])  # record ID 8 deleted
    again = fresh.ingest(path, library="Reviews")
    assert (again.added, again.updated, again.unchanged, again.removed, len(again.skipped)) == (0, 0, 1, 1, 2)
    assert fresh.libraries() == {"Pharmacy": 2, "Reviews": 1}
    query = "antiepileptics for seizure prophylaxis after traumatic brain injury"
    assert all("antiepileptics" not in h.text for h in fresh.search(query, k=2, library="Reviews"))
    assert "antiepileptics" in fresh.search(query, k=1, library="Pharmacy")[0].text
    last = fresh.ingest(path, library="Pharmacy")
    assert (last.unchanged, last.removed, fresh.index.count()) == (1, 1, 1)  # in no library now: deleted
    assert all("antiepileptics" not in h.text for h in fresh.search(query, k=2))
    assert fresh.ingest(path, library="Pharmacy").removed == 0


@pytest.mark.slow
def test_a_shared_seed_abstract_leaves_only_the_file_that_dropped_it(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import SEEDS

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    assert fresh.ingest(seeds).added == 18
    twice = [fresh.ingest(seeds) for _ in range(2)]
    assert [(r.added, r.updated, r.unchanged, r.removed) for r in twice] == [(0, 0, 18, 0)] * 2
    alex = seeds / "alex.txt"
    lines = alex.read_text().split("\n")
    alex.write_text("\n".join(line for line in lines if not line.startswith("Abstract:The o1 model series")))
    report = fresh.ingest(seeds)
    # the o1 card is still unchanged in Tony's file, and removed from Alex's library
    assert (report.added, report.updated, report.unchanged, report.removed) == (0, 0, 18, 1)
    assert fresh.libraries() == {"Alex": 8, "Tony": 10} and fresh.index.count() == 18
    o1 = fresh.search("o1 model series large-scale reinforcement learning chain of thought safety", k=1)[0]
    assert o1.libraries == ("Tony",)
