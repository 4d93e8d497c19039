"""What every reader shares: limits, the Parsed result, library names, decoding, and one way to
turn a source record into a Document (checked, trimmed, identified) or a Skipped with its reason."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ..text import clean, content_id, short_label
from ..types import Document, IngestError, Skipped
from .quality import damage, is_placeholder, strip_markup, trim_boilerplate
from .tex import decode_tex

MAX_ABSTRACT_CHARS = 50_000
MAX_FIELD_CHARS = 2_000
MAX_ID_CHARS = 256
MAX_LIBRARY_CHARS = 80
RESERVED_LIBRARIES = {"all"}
FORMATS_HELP = "seed .txt, .jsonl (also arXiv metadata), .bib, .ris, CSL .json, PubMed .nbib/.txt or .xml, or zotero.sqlite"


@dataclass
class Parsed:
    """What one file yielded: documents in file order and the records skipped with reasons."""

    source: str
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def add(self, item: Document | Skipped | None) -> None:
        if isinstance(item, Document):
            self.documents.append(item)
        elif isinstance(item, Skipped):
            self.skipped.append(item)


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
        raise IngestError(f"{source}: this is a binary file, not text ({FORMATS_HELP} expected)")
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise IngestError(f"{source}:{line}: the file is not UTF-8 (byte {e.start}); re-save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Sub/superscripts and ℓ carry meaning in abstracts (Cu₂O, 10⁻³, (k,ℓ)-sparse), but the NFKC
# normalisation of `clean` folds them to plain characters; they are set aside while it runs.
_KEEP = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿℓ"
_HIDE = str.maketrans({c: chr(0xE000 + i) for i, c in enumerate(_KEEP)})
_SHOW = str.maketrans({chr(0xE000 + i): c for i, c in enumerate(_KEEP)})


def tidy(text: str) -> str:
    """`clean`, keeping sub- and superscripts as they are."""
    return clean(text.translate(_HIDE)).translate(_SHOW)


def too_long(text: str) -> str | None:
    if len(text) > MAX_ABSTRACT_CHARS:
        return f"the abstract is {len(text):,} characters; the limit is {MAX_ABSTRACT_CHARS:,}"
    return None


def field_text(value: object, tex: bool = False, limit: int | None = MAX_FIELD_CHARS) -> str:
    """A metadata value as one clean line (lists joined), TeX decoded where the format uses TeX,
    cut at `limit` characters (None for abstracts, whose limit is checked, not cut)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value if v is not None)
    text = str(value)
    if tex:
        text = decode_tex(text)
    return tidy(text)[:limit]


_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI_SHAPE = re.compile(r"^10\.\d{3,9}/\S+$")


def doi_of(raw: object) -> str:
    """A bare DOI from the ways exports write one ('doi:', 'https://doi.org/', 'http://dx.doi.org/'),
    or '' when what is there is not a DOI."""
    doi = _DOI_PREFIX.sub("", field_text(raw)).strip().rstrip(".")
    return doi if _DOI_SHAPE.match(doi) else ""


def year_of(raw: object) -> str:
    """The first plausible four-digit year in a date as exports write it ('2019//', 'Mar 2006', ...)."""
    m = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", field_text(raw))
    return m.group(1) if m else ""


def make_document(
    source: str,
    line: int,
    library: str | tuple[str, ...],
    *,
    abstract: object,
    what: str = "record",
    title: object = "",
    authors: str = "",
    year: str = "",
    url: str = "",
    doi: str = "",
    source_id: str = "",
    categories: str = "",
    tex: bool = False,
    own_id: bool = False,
) -> Document | Skipped:
    """A Document from one record, or why it was skipped. The id is `doi:<doi>` where there is a
    DOI (so one paper exported by two programs is one document), else the format's own id, else a
    hash of the text; with `own_id` the format's own id comes first (PubMed's `pmid:<n>`). The
    DOI is kept either way, so ingest can still tell a paper it already holds under another id. The abstract is TeX-decoded where the format carries TeX, trimmed of
    copyright and database boilerplate, and refused when it is a placeholder or visibly damaged."""
    raw = strip_markup(abstract if isinstance(abstract, str) else ("" if abstract is None else str(abstract)))
    body = tidy(decode_tex(raw) if tex else raw)
    if not body:
        return Skipped(source, line, f"{what} has no abstract")
    if is_placeholder(body):
        return Skipped(source, line, f"{what} has a placeholder instead of an abstract ('{body[:40]}')")
    body = trim_boilerplate(body)
    problem = damage(body) or too_long(body)
    if problem:
        return Skipped(source, line, f"{what}: {problem}")
    title_text = field_text(strip_markup(title) if isinstance(title, str) else title, tex=tex)
    problem = damage(title_text)
    if problem:
        return Skipped(source, line, f"{what} title: {problem}")
    own = clean(source_id)
    if own and own_id:
        doc_id = own
    elif doi:
        doc_id = f"doi:{doi.lower()}"
    else:
        doc_id = own or content_id(body)
    libraries = (library,) if isinstance(library, str) else library
    return Document(
        doc_id[:MAX_ID_CHARS],
        body,
        title_text or short_label(body),
        libraries,
        title=title_text,
        authors=clean(authors)[:MAX_FIELD_CHARS],
        year=year,
        url=url or (f"https://doi.org/{doi}" if doi else ""),
        source=f"{source}:{line}" if line else source,
        categories=categories,
        doi=doi.lower()[:MAX_FIELD_CHARS],
    )


def line_starts(text: str, pattern: re.Pattern[str]) -> list[int]:
    """1-based line numbers where `pattern` matches, so records can be reported by line."""
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]
