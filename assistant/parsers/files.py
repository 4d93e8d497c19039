"""Which reader a file needs (by extension, or by content where the extension is ambiguous), and
the file-level entry points: expand folders, check a file, parse it whole or stream it."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from ..types import Document, IngestError, Skipped
from .bibtex import parse_bibtex
from .common import FORMATS_HELP, Parsed, check_library, read_text
from .csljson import parse_csl_json
from .jsonl import parse_jsonl, parse_jsonl_line
from .pubmed import looks_like_medline, parse_medline, parse_pubmed_xml
from .ris import looks_like_ris, parse_ris
from .seed import parse_seed
from .zotero import DEFAULT_LIBRARY, is_zotero_db, parse_zotero

# Extensions with one meaning; .txt and .json are sniffed from their content.
BY_EXTENSION = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".bib": "bibtex",
    ".ris": "ris",
    ".nbib": "medline",
    ".medline": "medline",
    ".xml": "pubmed-xml",
}
SUPPORTED = {".txt": "seed", ".json": "json", **BY_EXTENSION, ".sqlite": "zotero"}
# Formats whose records carry no library of their own: they go to --library or the file's name.
NEEDS_LIBRARY = {"jsonl", "bibtex", "ris", "medline", "pubmed-xml", "csl-json", "zotero"}


def sniff(name: str, head: str) -> str:
    """The format of a file from its name and the start of its text."""
    suffix = Path(name).suffix.lower()
    if suffix in BY_EXTENSION:
        return BY_EXTENSION[suffix]
    if suffix == ".txt":
        if looks_like_medline(head):
            return "medline"
        if looks_like_ris(head):
            return "ris"
        return "seed"
    if suffix == ".json":
        # A list is CSL JSON; objects one per line are JSON lines (the arXiv snapshot is .json).
        return "csl-json" if head.lstrip("\ufeff \t\r\n").startswith("[") else "jsonl"
    if Path(name).name.lower() == "zotero.sqlite":
        return "zotero"
    raise IngestError(f"{name}: unsupported file type '{suffix or Path(name).name}' (use {FORMATS_HELP})")


def kind_of(name: str, source: str, head: str = "") -> str:
    try:
        return sniff(name, head)
    except IngestError:
        suffix = Path(name).suffix.lower() or Path(name).name
        raise IngestError(f"{source}: unsupported file type '{suffix}' (use {FORMATS_HELP})") from None


def _head(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return codecs.decode(f.read(16384), "utf-8-sig", errors="replace")
    except OSError as e:
        raise IngestError(f"{path}: cannot read the file ({e.strerror})") from None


def kind_of_path(path: Path) -> str:
    """The format of a file on disk (reading its start when the extension is ambiguous)."""
    if is_zotero_db(path):
        return "zotero"
    suffix = path.suffix.lower()
    head = _head(path) if suffix in (".txt", ".json") else ""
    return kind_of(path.name, str(path), head)


def parse_text(kind: str, text: str, source: str, library: str) -> Parsed:
    readers = {
        "jsonl": parse_jsonl,
        "bibtex": parse_bibtex,
        "ris": parse_ris,
        "medline": parse_medline,
        "pubmed-xml": parse_pubmed_xml,
        "csl-json": parse_csl_json,
    }
    return readers[kind](text, source, library)


def parse_bytes(data: bytes, name: str, library: str | None = None, source: str | None = None) -> Parsed:
    """Parse one file's content; `name` gives the format (by extension or content) and the default library."""
    source = source or name
    if Path(name).suffix.lower() == ".sqlite" and not is_zotero_db(Path(name)):
        raise IngestError(f"{source}: unsupported file type '.sqlite' (only Zotero's zotero.sqlite is read)")
    if is_zotero_db(Path(name)):
        raise IngestError(f"{source}: a Zotero database is read from its file, not from bytes")
    kind = kind_of(name, source, data[:16384].decode("utf-8", errors="replace"))
    text = read_text(data, source)
    if kind == "seed":
        return parse_seed(text, source)
    lib = check_library(library or Path(name).stem, source)
    return parse_text(kind, text, source, lib)


def expand(paths: list[str | Path]) -> Iterator[Path]:
    """Files named, and every supported file inside folders named (sorted, hidden ones left out).
    A Zotero data folder (one holding zotero.sqlite) means its database only, not its storage."""
    for p in paths:
        path = Path(p).expanduser()
        if path.is_dir():
            if (path / "zotero.sqlite").is_file():
                yield path / "zotero.sqlite"
                continue
            found = sorted(
                f
                for f in path.rglob("*")
                if f.is_file()
                and ((f.suffix.lower() in SUPPORTED and f.suffix.lower() != ".sqlite") or is_zotero_db(f))
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            if not found:
                raise IngestError(f"{path}: no files to read in this folder ({FORMATS_HELP})")
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
                    raise IngestError(f"{path}: this is a binary file, not text ({FORMATS_HELP} expected)")
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


def iter_path(path: Path, library: str | None = None, collections_as_libraries: bool = False) -> Iterator[Document | Skipped]:
    """Documents and skipped records of one file, in file order; raises IngestError before
    yielding anything when the file as a whole is unusable."""
    source = str(path)
    kind = kind_of_path(path)
    if kind == "zotero":
        parsed = parse_zotero(path, library, collections_as_libraries)
        yield from parsed.skipped
        yield from parsed.documents
        return
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


def parse_path(path: Path, library: str | None = None, collections_as_libraries: bool = False) -> Parsed:
    if is_zotero_db(path):
        return parse_zotero(path, library, collections_as_libraries)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path}: cannot read the file ({e.strerror})") from None
    return parse_bytes(data, path.name, library, source=str(path))


def needs_library(path: Path) -> bool:
    """Whether the file's records need a library name from outside (all but the seed format)."""
    try:
        return kind_of_path(path) in NEEDS_LIBRARY
    except IngestError:
        return False


def destination(path: Path, library: str | None = None, collections_as_libraries: bool = False) -> str:
    """Where a file's records go, as a key: the library named or implied (the file's name, or
    "Zotero"), or a marker for a file that names its own libraries (the seed format's owner line,
    Zotero collections). Ingest keys a source by its path and this, so the same file ingested into
    two libraries is two sources. Library names hold no control characters, so markers cannot clash."""
    kind = kind_of_path(path)
    if kind == "seed":
        return "\x1eowner"
    default = check_library(library or (DEFAULT_LIBRARY if kind == "zotero" else path.stem), str(path))
    return f"\x1ecollections\x1e{default}" if kind == "zotero" and collections_as_libraries else default
