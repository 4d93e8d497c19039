"""JSON lines: our own records ({abstract, id, title, ...}) and the arXiv metadata snapshot's, told
apart line by line, so one file can be streamed however large it is."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime

from ..text import clean, content_id
from ..types import Document, IngestError, Skipped
from .common import MAX_ID_CHARS, Parsed, check_library, doi_of, field_text, make_document, too_long, year_of


def is_arxiv(record: dict) -> bool:
    """A record of the arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json)."""
    return "authors_parsed" in record or ("versions" in record and "categories" in record and "id" in record)


def parse_jsonl_line(line: str, source: str, lineno: int, library: str) -> Document | Skipped | None:
    """One JSONL record; None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as e:
        msg = getattr(e, "msg", "too deeply nested")
        return Skipped(source, lineno, f"not valid JSON ({msg})")
    if not isinstance(record, dict):
        return Skipped(source, lineno, "not a JSON object")
    if is_arxiv(record):
        return arxiv_record(record, source, lineno, library)
    raw = record.get("abstract")
    if not isinstance(raw, str) or not clean(raw):
        return Skipped(source, lineno, "no 'abstract' text")
    body = clean(raw)
    problem = too_long(body)
    if problem:
        return Skipped(source, lineno, problem)
    rec_id = record.get("id")
    if rec_id is not None and not isinstance(rec_id, str | int):
        return Skipped(source, lineno, "'id' must be a string or a number")
    doc_id = clean(str(rec_id)) if rec_id is not None else ""
    if len(doc_id) > MAX_ID_CHARS:
        return Skipped(source, lineno, f"'id' is longer than {MAX_ID_CHARS} characters")
    lib = library
    if record.get("library") is not None:
        try:
            lib = check_library(str(record["library"]))
        except IngestError as e:
            return Skipped(source, lineno, str(e))
    title = field_text(record.get("title"))
    return Document(
        doc_id or content_id(body),
        body,
        title or _label(body),
        (lib,),
        title=title,
        authors=field_text(record.get("authors")),
        year=field_text(record.get("year")),
        url=field_text(record.get("url")),
        source=f"{source}:{lineno}",
    )


def _label(body: str) -> str:
    from ..text import short_label

    return short_label(body)


def _arxiv_year(record: dict) -> str:
    """The year of the first version (when the paper appeared), else of the last update."""
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        try:
            return str(parsedate_to_datetime(str(versions[0].get("created", ""))).year)
        except (TypeError, ValueError):
            pass
    return year_of(record.get("update_date"))


def _arxiv_authors(record: dict) -> str:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                family, given = field_text(parts[0], tex=True), field_text(parts[1] if len(parts) > 1 else "", tex=True)
                suffix = field_text(parts[2] if len(parts) > 2 else "", tex=True)
                names.append(", ".join(p for p in (family, given, suffix) if p))
        return "; ".join(n for n in names if n)
    return field_text(record.get("authors"), tex=True)


def arxiv_record(record: dict, source: str, lineno: int, library: str) -> Document | Skipped:
    """One arXiv snapshot record: TeX decoded, year from the first version, link from the id."""
    arxiv_id = field_text(record.get("id"))
    if not arxiv_id:
        return Skipped(source, lineno, "arXiv record without an 'id'")
    return make_document(
        source,
        lineno,
        library,
        abstract=record.get("abstract"),
        what=f"arXiv {arxiv_id}",
        title=record.get("title"),
        authors=_arxiv_authors(record),
        year=_arxiv_year(record),
        url=f"https://arxiv.org/abs/{arxiv_id}",
        doi=doi_of(record.get("doi")),
        source_id=f"arxiv:{arxiv_id}",
        categories=field_text(record.get("categories")),
        tex=True,
    )


def parse_jsonl(text: str, source: str, library: str) -> Parsed:
    out = Parsed(source)
    for lineno, line in enumerate(text.split("\n"), 1):
        out.add(parse_jsonl_line(line, source, lineno, library))
    if not out.documents and not out.skipped:
        raise IngestError(f"{source}: no JSON records found")
    return out
