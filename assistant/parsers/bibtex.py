"""BibTeX as Zotero, Mendeley and JabRef export it, read with bibtexparser v2.

bibtexparser keeps @string/@preamble/@comment apart and resolves @string macros itself. Added
here: `crossref` inheritance (a child entry takes the fields it lacks from its parent), entries
with an empty key (Mendeley writes `@article{,`) and repeated keys identified by DOI or text rather
than by a key they do not have or share, and TeX decoded to Unicode with our own decoder."""

from __future__ import annotations

import logging
import re

from ..types import IngestError, Skipped
from .common import MAX_ABSTRACT_CHARS, Parsed, doi_of, field_text, make_document, year_of

_ENTRY_START = re.compile(r"^[ \t]*@", re.M)
MAX_BIBTEX_ENTRY_CHARS = 4 * MAX_ABSTRACT_CHARS


def _drop_oversized_entries(text: str, source: str, out: Parsed) -> str:
    """Blank out entries far larger than any real one (the BibTeX parser takes minutes on a
    multi-megabyte field), keeping line numbers; each is reported as skipped."""
    if len(text) <= MAX_BIBTEX_ENTRY_CHARS:
        return text
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    bounds = list(zip([0, *starts], [*starts, len(text)], strict=True))
    parts = []
    for a, b in bounds:
        chunk = text[a:b]
        if len(chunk) > MAX_BIBTEX_ENTRY_CHARS:
            line = text.count("\n", 0, a) + 1
            what = "entry" if chunk.lstrip().startswith("@") else "text"
            out.skipped.append(
                Skipped(source, line, f"{what} of {len(chunk):,} characters; the limit is {MAX_BIBTEX_ENTRY_CHARS:,}")
            )
            chunk = "\n" * chunk.count("\n")
        parts.append(chunk)
    return "".join(parts)


def _unwrap(value: str) -> str:
    """A raw field value without its enclosing braces or quotes (bibtexparser strips them for
    entries it accepts, but not for the repeated-key entries it sets aside)."""
    v = value.strip()
    if len(v) >= 2 and ((v[0] == "{" and v[-1] == "}") or (v[0] == '"' and v[-1] == '"')):
        return v[1:-1]
    return v


def _fields(entry: object, raw: bool = False) -> dict[str, str]:
    return {f.key.lower(): _unwrap(str(f.value)) if raw else str(f.value) for f in entry.fields}  # type: ignore[attr-defined]


def _with_crossref(fields: dict[str, str], by_key: dict[str, dict[str, str]]) -> dict[str, str]:
    parent = by_key.get(fields.get("crossref", "").strip().lower())
    if not parent:
        return fields
    inherited = {k: v for k, v in parent.items() if k not in fields and k not in ("crossref", "abstract")}
    # BibTeX's rule: a parent's title is the child's booktitle, not its title.
    if "title" in parent and "booktitle" not in fields:
        inherited["booktitle"] = parent["title"]
    inherited.pop("title", None)
    return {**fields, **inherited}


def _authors(raw: str) -> str:
    return "; ".join(p.strip() for p in re.split(r"\s+and\s+", raw) if p.strip())


def parse_bibtex(text: str, source: str, library: str) -> Parsed:
    """BibTeX entries with an abstract become documents; the rest are skipped with the reason."""
    import bibtexparser

    out = Parsed(source)
    text = _drop_oversized_entries(text, source, out)
    # bibtexparser logs every broken block itself; the report lists them instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        lib = bibtexparser.parse_string(text)
    except Exception as e:  # the parser's own failure on input it cannot split into blocks
        raise IngestError(f"{source}: not readable as BibTeX ({e.__class__.__name__})") from None
    entries: list[tuple[object, bool]] = [(e, False) for e in lib.entries]
    for block in lib.failed_blocks:
        duplicate = getattr(block, "ignore_error_block", None) if type(block).__name__ == "DuplicateBlockKeyBlock" else None
        if duplicate is not None and hasattr(duplicate, "fields"):
            entries.append((duplicate, True))
        else:
            out.skipped.append(Skipped(source, (block.start_line or 0) + 1, "broken BibTeX entry (unbalanced braces or quotes?)"))
    by_key = {e.key.strip().lower(): _fields(e) for e in lib.entries if e.key.strip()}
    entries.sort(key=lambda pair: pair[0].start_line or 0)  # type: ignore[attr-defined]
    by_key.pop("", None)
    for entry, repeated in entries:
        lineno = (entry.start_line or 0) + 1  # type: ignore[attr-defined]
        key = entry.key.strip()  # type: ignore[attr-defined]
        fields = _with_crossref(_fields(entry, raw=repeated), by_key)
        doi = doi_of(fields.get("doi", ""))
        # An empty or repeated key identifies nothing: such entries are known by DOI or text.
        own_id = f"bib:{key}" if key and not repeated else ""
        what = f"entry '{key}'" if key else "entry without a key"
        out.add(
            make_document(
                source,
                lineno,
                library,
                abstract=fields.get("abstract", ""),
                what=what,
                title=fields.get("title", ""),
                authors=_authors(field_text(fields.get("author", ""), tex=True)),
                year=year_of(fields.get("year") or fields.get("date", "")),
                url=field_text(fields.get("url", "")),
                doi=doi,
                source_id=own_id,
                tex=True,
            )
        )
    if not entries and not out.skipped:
        raise IngestError(f"{source}: no BibTeX entries found")
    return out
