"""Parsers per format, pure functions: a file's text in, Documents and skipped records out."""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .text import clean, content_id, short_label
from .types import Document, IngestError, Skipped

SUPPORTED = {".txt": "seed", ".jsonl": "jsonl", ".ndjson": "jsonl", ".bib": "bibtex"}
MAX_ABSTRACT_CHARS = 50_000
MAX_FIELD_CHARS = 2_000
MAX_ID_CHARS = 256
MAX_LIBRARY_CHARS = 80
RESERVED_LIBRARIES = {"all"}
_SEED_PREFIX = "Abstract:"


@dataclass
class Parsed:
    """What one file yielded: documents in file order and the records skipped with reasons."""

    source: str
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def check_library(name: str, where: str = "") -> str:
    """A usable library name, or an IngestError saying what is wrong with it."""
    lib = clean(name)
    prefix = f"{where}: " if where else ""
    if not lib:
        raise IngestError(f"{prefix}the library name is empty")
    if len(lib) > MAX_LIBRARY_CHARS:
        raise IngestError(f"{prefix}the library name is longer than {MAX_LIBRARY_CHARS} characters")
    if lib.casefold() in RESERVED_LIBRARIES:
        raise IngestError(f"{prefix}'{lib}' is reserved (it means every library); choose another name")
    return lib


def read_text(data: bytes, source: str) -> str:
    """Decode a file's bytes as UTF-8 text, refusing binary, empty or mis-encoded files."""
    if not data.strip():
        raise IngestError(f"{source}: the file is empty")
    if b"\x00" in data[:65536]:
        raise IngestError(f"{source}: this is a binary file, not text (seed .txt, .jsonl or .bib expected)")
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise IngestError(f"{source}:{line}: the file is not UTF-8 (byte {e.start}); re-save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _label(title: str, text: str) -> str:
    return title or short_label(text)


def _too_long(text: str) -> str | None:
    if len(text) > MAX_ABSTRACT_CHARS:
        return f"the abstract is {len(text):,} characters; the limit is {MAX_ABSTRACT_CHARS:,}"
    return None


def parse_seed(text: str, source: str) -> Parsed:
    """Seed format: the first non-blank line names the owner; each 'Abstract:' line starts one."""
    out = Parsed(source)
    lines = text.split("\n")
    owner_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if owner_at is None:
        raise IngestError(f"{source}: the file is empty")
    owner_line = lines[owner_at].strip()
    if owner_line.startswith(_SEED_PREFIX):
        raise IngestError(f"{source}:{owner_at + 1}: the first line must name the library owner, not an abstract")
    library = check_library(owner_line, f"{source}:{owner_at + 1}")
    current: list[str] = []
    start = 0

    def flush() -> None:
        body = clean(" ".join(current))
        if not body:
            out.skipped.append(Skipped(source, start, "empty abstract"))
            return
        problem = _too_long(body)
        if problem:
            out.skipped.append(Skipped(source, start, problem))
            return
        out.documents.append(Document(content_id(body), body, short_label(body), (library,), source=f"{source}:{start}"))

    stray = 0
    for i in range(owner_at + 1, len(lines)):
        line = lines[i].strip()
        if line.startswith(_SEED_PREFIX):
            if start:
                flush()
            current, start = [line[len(_SEED_PREFIX) :]], i + 1
        elif line:
            if start:
                current.append(line)
            else:
                stray = stray or i + 1
    if not start:
        raise IngestError(f"{source}: no 'Abstract:' line found (seed format: owner line, then 'Abstract: ...' lines)")
    flush()
    if stray:
        out.skipped.append(Skipped(source, stray, "text before the first 'Abstract:' line was ignored"))
    return out


def _field(record: dict, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    return clean(str(value))[:MAX_FIELD_CHARS]


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
    raw = record.get("abstract")
    if not isinstance(raw, str) or not clean(raw):
        return Skipped(source, lineno, "no 'abstract' text")
    body = clean(raw)
    problem = _too_long(body)
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
    title = _field(record, "title")
    return Document(
        doc_id or content_id(body),
        body,
        _label(title, body),
        (lib,),
        title=title,
        authors=_field(record, "authors"),
        year=_field(record, "year"),
        url=_field(record, "url"),
        source=f"{source}:{lineno}",
    )


def parse_jsonl(text: str, source: str, library: str) -> Parsed:
    out = Parsed(source)
    for lineno, line in enumerate(text.split("\n"), 1):
        item = parse_jsonl_line(line, source, lineno, library)
        if isinstance(item, Document):
            out.documents.append(item)
        elif isinstance(item, Skipped):
            out.skipped.append(item)
    if not out.documents and not out.skipped:
        raise IngestError(f"{source}: no JSON records found")
    return out


_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.I)
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


def parse_bibtex(text: str, source: str, library: str) -> Parsed:
    """BibTeX as Zotero and Mendeley export it; entries without an abstract are skipped."""
    import bibtexparser
    from bibtexparser import middlewares

    out = Parsed(source)
    text = _drop_oversized_entries(text, source, out)
    # bibtexparser logs every broken block itself; the report lists them instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        lib = bibtexparser.parse_string(text, append_middleware=[middlewares.LatexDecodingMiddleware()])
    except Exception as e:  # the parser's own failure on input it cannot split into blocks
        raise IngestError(f"{source}: not readable as BibTeX ({e.__class__.__name__})") from None
    for block in lib.failed_blocks:
        out.skipped.append(Skipped(source, (block.start_line or 0) + 1, "broken BibTeX entry (unbalanced braces or quotes?)"))
    for entry in lib.entries:
        lineno = (entry.start_line or 0) + 1
        fields = {f.key.lower(): f.value for f in entry.fields}
        body = clean(str(fields.get("abstract", "")).replace("{", "").replace("}", ""))
        if not body:
            out.skipped.append(Skipped(source, lineno, f"entry '{entry.key}' has no abstract"))
            continue
        problem = _too_long(body)
        if problem:
            out.skipped.append(Skipped(source, lineno, problem))
            continue
        title = _field(fields, "title").replace("{", "").replace("}", "")
        doi = _DOI_PREFIX.sub("", _field(fields, "doi"))
        url = _field(fields, "url") or (f"https://doi.org/{doi}" if doi else "")
        doc_id = f"doi:{doi.lower()}" if doi else f"bib:{clean(entry.key)}"
        out.documents.append(
            Document(
                doc_id[:MAX_ID_CHARS],
                body,
                _label(title, body),
                (library,),
                title=title,
                authors=_field(fields, "author").replace(" and ", "; "),
                year=_field(fields, "year"),
                url=url,
                source=f"{source}:{lineno}",
            )
        )
    if not lib.entries and not out.skipped:
        raise IngestError(f"{source}: no BibTeX entries found")
    return out


def parse_bytes(data: bytes, name: str, library: str | None = None, source: str | None = None) -> Parsed:
    """Parse one file's content; `name` gives the format (by extension) and the default library."""
    source = source or name
    kind = kind_of(name, source)
    text = read_text(data, source)
    if kind == "seed":
        return parse_seed(text, source)
    lib = check_library(library or Path(name).stem, source)
    if kind == "jsonl":
        return parse_jsonl(text, source, lib)
    return parse_bibtex(text, source, lib)


def kind_of(name: str, source: str) -> str:
    kind = SUPPORTED.get(Path(name).suffix.lower())
    if kind is None:
        raise IngestError(f"{source}: unsupported file type (use seed .txt, .jsonl or .bib)")
    return kind


def expand(paths: list[str | Path]) -> Iterator[Path]:
    """Files named, and every supported file inside folders named (sorted, hidden ones left out)."""
    for p in paths:
        path = Path(p).expanduser()
        if path.is_dir():
            found = sorted(
                f
                for f in path.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            if not found:
                raise IngestError(f"{path}: no .txt, .jsonl or .bib files in this folder")
            yield from found
        elif path.is_file():
            yield path
        elif path.exists():
            raise IngestError(f"{path}: not a regular file")
        else:
            raise IngestError(f"{path}: no such file or folder")


def check_file(path: Path) -> int:
    """Read a file once in blocks, refusing it if binary, empty or not UTF-8; returns its line count.

    JSONL files can be large, so they are checked this way and then parsed line by line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = offset = 0
    seen_text = False
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                if b"\x00" in block:
                    raise IngestError(f"{path}: this is a binary file, not text (seed .txt, .jsonl or .bib expected)")
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as e:
                    bad = offset + e.start
                    with path.open("rb") as g:
                        line = g.read(bad).count(b"\n") + 1
                    raise IngestError(f"{path}:{line}: the file is not UTF-8 (byte {bad}); re-save it as UTF-8") from None
                seen_text = seen_text or bool(block.strip())
                lines += block.count(b"\n")
                offset += len(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise IngestError(f"{path}: the file ends in the middle of a UTF-8 character") from None
    except OSError as e:
        raise IngestError(f"{path}: cannot read the file ({e.strerror})") from None
    if not seen_text:
        raise IngestError(f"{path}: the file is empty")
    return lines + 1


def iter_path(path: Path, library: str | None = None) -> Iterator[Document | Skipped]:
    """Documents and skipped records of one file, in file order; raises IngestError before
    yielding anything when the file as a whole is unusable."""
    source = str(path)
    kind = kind_of(path.name, source)
    if kind != "jsonl":
        parsed = parse_path(path, library)
        yield from parsed.skipped
        yield from parsed.documents
        return
    check_file(path)
    lib = check_library(library or path.stem, source)
    found = False
    with path.open(encoding="utf-8-sig", newline=None) as f:
        for lineno, line in enumerate(f, 1):
            item = parse_jsonl_line(line, source, lineno, lib)
            if item is not None:
                found = True
                yield item
    if not found:
        raise IngestError(f"{source}: no JSON records found")


def parse_path(path: Path, library: str | None = None) -> Parsed:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path}: cannot read the file ({e.strerror})") from None
    return parse_bytes(data, path.name, library, source=str(path))
