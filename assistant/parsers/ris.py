"""RIS (EndNote, Zotero, Mendeley, Scopus, Web of Science, Lens.org, Ovid, Rayyan), read with rispy.

Each record (`TY  -` to `ER  -`) is handed to rispy on its own, so one malformed record is
skipped with its line number instead of failing the file, and text between records (Ovid's
"1." counters and link lines) is ignored. Untagged lines continue the tag before them."""

from __future__ import annotations

import re

from ..types import IngestError, Skipped
from .common import Parsed, doi_of, field_text, make_document, year_of

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*)|\s*)$")
_TY = re.compile(r"^TY  -", re.M)
_ER = re.compile(r"^ER  -\s*$")


def looks_like_ris(text: str) -> bool:
    """A text whose first tagged line is a `TY  - ` record start."""
    for line in text.split("\n", 400)[:400]:
        if line.strip():
            m = _TAG.match(line.rstrip())
            if m:
                return m.group(1) == "TY"
    return False


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of each record, continuation lines kept with their tag."""
    records: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for i, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if line.startswith("TY  -"):
            current = [line]
            records.append((i, current))
        elif current is None:
            continue
        elif _ER.match(line):
            current.append("ER  - ")
            current = None
        elif _TAG.match(line):
            current.append(line)
        elif line.strip():
            # An untagged line continues the previous field (EndNote's keywords, N1 notes, AB).
            current[-1] = f"{current[-1]}\n{line.strip()}"
    return records


def _first(entry: dict, *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value)
    return ""


def _record(entry: dict, source: str, line: int, library: str) -> object:
    authors = entry.get("authors") or entry.get("first_authors") or []
    urls = entry.get("urls") or []
    doi = doi_of(_first(entry, "doi"))
    rec_id = _first(entry, "id")
    return make_document(
        source,
        line,
        library,
        abstract=_first(entry, "abstract", "notes_abstract"),
        what=f"record {rec_id}" if rec_id else "record",
        title=_first(entry, "primary_title", "title"),
        authors="; ".join(field_text(a) for a in authors if a),
        year=year_of(_first(entry, "year", "publication_year", "date")),
        url=next((u for u in urls if isinstance(u, str) and u.startswith("http")), ""),
        doi=doi,
        source_id=f"ris:{rec_id}" if rec_id else "",
    )


def parse_ris(text: str, source: str, library: str) -> Parsed:
    """Every RIS record with an abstract (AB, or N2 as Ovid and EndNote write it) becomes a document."""
    import rispy

    out = Parsed(source)
    records = _records(text)
    if not records:
        raise IngestError(f"{source}: no RIS records found (a record starts with a 'TY  - ' line)")
    for line, lines in records:
        if lines[-1] != "ER  - ":
            out.skipped.append(Skipped(source, line, "RIS record without its closing 'ER  - ' line"))
            continue
        try:
            entries = rispy.loads("\n".join(lines), skip_unknown_tags=True)
        except Exception as e:  # rispy raises plain IOError/ValueError on what it cannot read
            out.skipped.append(Skipped(source, line, f"unreadable RIS record ({e})"))
            continue
        for entry in entries:
            out.add(_record(entry, source, line, library))  # type: ignore[arg-type]
    return out
