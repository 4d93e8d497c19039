"""PubMed exports: the MEDLINE tagged format (.nbib, or .txt from "Save > PubMed format") and
PubMed XML (PubmedArticleSet, read with defusedxml so an entity bomb cannot exhaust memory).

The MEDLINE reader is hand-written: it is a few lines of tag/continuation parsing, and the one
maintained reader (Biopython's Bio.Medline) would bring a large scientific package for it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..types import IngestError, Skipped
from .common import Parsed, doi_of, field_text, make_document, year_of

_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})- ?(.*)$")
_PMID_START = re.compile(r"^PMID- ", re.M)


def looks_like_medline(text: str) -> bool:
    """A PubMed export: its first non-blank line starts a record with `PMID- `."""
    first = next((line for line in text.split("\n", 50)[:50] if line.strip()), "")
    return first.startswith("PMID-")


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def _medline_records(text: str) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """(line, {tag: [values]}) per record; six-space lines continue the value before them."""
    fields: dict[str, list[str]] = {}
    start = 0
    last = ""
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith("PMID-"):
            if fields:
                yield start, fields
            fields, start, last = {}, i, ""
        if not start or not line.strip():
            continue
        if line.startswith("      ") and last:
            fields[last][-1] += " " + line.strip()
            continue
        m = _MEDLINE_TAG.match(line)
        if m:
            last = m.group(1).strip()
            fields.setdefault(last, []).append(m.group(2).strip())
    if fields:
        yield start, fields


def _medline_doi(fields: dict[str, list[str]]) -> str:
    for value in fields.get("LID", []) + fields.get("AID", []):
        if value.endswith("[doi]"):
            return doi_of(value.removesuffix("[doi]"))
    return ""


def _title(raw: str) -> str:
    """A title without the brackets MEDLINE puts round a title translated into English."""
    title = field_text(raw)
    if title.startswith("[") and title.rstrip(".").endswith("]"):
        title = title.rstrip(".")[1:-1]
    return title


def parse_medline(text: str, source: str, library: str) -> Parsed:
    out = Parsed(source)
    found = False
    for line, fields in _medline_records(text):
        found = True
        pmid = (fields.get("PMID") or [""])[0].strip()
        if not pmid.isdigit():
            out.skipped.append(Skipped(source, line, "PubMed record without a numeric PMID"))
            continue
        authors = fields.get("FAU") or fields.get("AU") or []
        out.add(
            make_document(
                source,
                line,
                library,
                abstract=" ".join(fields.get("AB", [])),
                what=f"PMID {pmid}",
                title=_title(" ".join(fields.get("TI", []) or fields.get("BTI", []))),
                authors="; ".join(authors),
                year=year_of((fields.get("DP") or [""])[0]),
                url=pubmed_url(pmid),
                doi=_medline_doi(fields),
                source_id=f"pmid:{pmid}",
                own_id=True,
            )
        )
    if not found:
        raise IngestError(f"{source}: no PubMed records found (a record starts with a 'PMID- ' line)")
    return out


def _text(node: object) -> str:
    return "".join(node.itertext()) if node is not None else ""  # type: ignore[attr-defined]


def _xml_abstract(article: object) -> str:
    """The abstract with each section's label kept ("METHODS: ..."), as PubMed shows it."""
    parts = []
    for section in article.findall("./MedlineCitation/Article/Abstract/AbstractText"):  # type: ignore[attr-defined]
        body = field_text(_text(section), limit=None)
        label = section.get("Label")
        parts.append(f"{label}: {body}" if label and body else body)
    return " ".join(p for p in parts if p)


def _xml_authors(article: object) -> str:
    names = []
    for author in article.findall("./MedlineCitation/Article/AuthorList/Author"):  # type: ignore[attr-defined]
        collective = field_text(_text(author.find("CollectiveName")))
        last, fore = field_text(_text(author.find("LastName"))), field_text(_text(author.find("ForeName")))
        names.append(collective or ", ".join(p for p in (last, fore) if p))
    return "; ".join(n for n in names if n)


def _xml_year(article: object) -> str:
    date = article.find("./MedlineCitation/Article/Journal/JournalIssue/PubDate")  # type: ignore[attr-defined]
    return year_of(_text(date)) if date is not None else ""


def _xml_doi(article: object) -> str:
    for node in article.iterfind(".//ArticleIdList/ArticleId[@IdType='doi']"):  # type: ignore[attr-defined]
        return doi_of(_text(node))
    for node in article.iterfind(".//ELocationID[@EIdType='doi']"):  # type: ignore[attr-defined]
        return doi_of(_text(node))
    return ""


def parse_pubmed_xml(text: str, source: str, library: str) -> Parsed:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    out = Parsed(source)
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException) as e:
        raise IngestError(f"{source}: not readable as XML ({e})") from None
    if root.tag != "PubmedArticleSet":
        raise IngestError(f"{source}: an XML file but not PubMed XML (expected <PubmedArticleSet>, found <{root.tag}>)")
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<PubmedArticle[\s>]", text)]
    for n, article in enumerate(root.findall("PubmedArticle")):
        line = lines[n] if n < len(lines) else 0
        pmid = field_text(_text(article.find("./MedlineCitation/PMID")))
        if not pmid.isdigit():
            out.skipped.append(Skipped(source, line, "PubMed article without a numeric PMID"))
            continue
        out.add(
            make_document(
                source,
                line,
                library,
                abstract=_xml_abstract(article),
                what=f"PMID {pmid}",
                title=_title(_text(article.find("./MedlineCitation/Article/ArticleTitle"))),
                authors=_xml_authors(article),
                year=_xml_year(article),
                url=pubmed_url(pmid),
                doi=_xml_doi(article),
                source_id=f"pmid:{pmid}",
                own_id=True,
            )
        )
    if not out.documents and not out.skipped:
        raise IngestError(f"{source}: no <PubmedArticle> records found")
    return out
