"""CSL JSON, a list of items as Zotero, Better BibTeX and citation tools export it.

Items are decoded one at a time with the standard library's raw_decode, so each skipped item
can be reported with its line number; a file that is not JSON at all is refused as a whole."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..types import IngestError, Skipped
from .common import Parsed, doi_of, field_text, make_document, year_of

_WS = re.compile(r"[ \t\n\r]*")
_MARKUP = re.compile(r"</?(?:i|b|sup|sub|sc|span)(?:\s[^>]*)?>")


def _items(text: str, source: str) -> Iterator[tuple[int, object]]:
    """(line, item) for each element of the top-level JSON array."""
    decoder = json.JSONDecoder()
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] != "[":
        raise IngestError(f"{source}: not CSL JSON (expected a list of items starting with '[')")
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] == "]":
        return
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise IngestError(f"{source}:{e.lineno}: not valid JSON ({e.msg})") from None
        yield text.count("\n", 0, pos) + 1, item
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        elif text[pos : pos + 1] == "]":
            return
        else:
            line = text.count("\n", 0, pos) + 1
            raise IngestError(f"{source}:{line}: not valid JSON (expected ',' or ']' between items)")


def _names(people: object) -> str:
    if not isinstance(people, list):
        return ""
    names = []
    for p in people:
        if isinstance(p, dict):
            literal = field_text(p.get("literal"))
            family, given = field_text(p.get("family")), field_text(p.get("given"))
            names.append(literal or ", ".join(x for x in (family, given) if x))
    return "; ".join(n for n in names if n)


def _year(issued: object) -> str:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return year_of(parts[0][0])
        return year_of(issued.get("raw") or issued.get("literal"))
    return year_of(issued)


def _plain(value: object, limit: int | None = None) -> str:
    """CSL rich text without its HTML-like markup (<i>, <b>, <sup>, nocase spans)."""
    return _MARKUP.sub("", field_text(value, limit=limit))


def parse_csl_json(text: str, source: str, library: str) -> Parsed:
    out = Parsed(source)
    found = False
    for line, item in _items(text, source):
        found = True
        if not isinstance(item, dict):
            out.skipped.append(Skipped(source, line, "CSL item is not a JSON object"))
            continue
        key = field_text(item.get("citation-key") or item.get("citationKey"))
        own = field_text(item.get("id"))
        # Better BibTeX's citation key is the same id its BibTeX export gives, so both meet as one.
        source_id = f"bib:{key}" if key else (f"csl:{own}" if own else "")
        out.add(
            make_document(
                source,
                line,
                library,
                abstract=_plain(item.get("abstract")),
                what=f"item '{key or own}'" if key or own else "item",
                title=_plain(item.get("title"), limit=2000),
                authors=_names(item.get("author")) or _names(item.get("editor")),
                year=_year(item.get("issued")),
                url=field_text(item.get("URL")),
                doi=doi_of(item.get("DOI")),
                source_id=source_id,
            )
        )
    if not found:
        raise IngestError(f"{source}: the CSL JSON list is empty")
    return out
