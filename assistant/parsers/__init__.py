"""Readers, one per format, pure functions: a file's text in, Documents and skipped records out.

seed.py (the seed .txt), jsonl.py (JSON lines, arXiv metadata), bibtex.py, ris.py, csljson.py,
pubmed.py (MEDLINE and PubMed XML), zotero.py (zotero.sqlite); files.py picks the reader for a
file and holds the file-level entry points; common.py, quality.py and tex.py are shared."""

from .bibtex import parse_bibtex
from .common import (
    FORMATS_HELP,
    MAX_ABSTRACT_CHARS,
    MAX_FIELD_CHARS,
    MAX_ID_CHARS,
    MAX_LIBRARY_CHARS,
    Parsed,
    check_library,
    read_text,
)
from .csljson import parse_csl_json
from .files import (
    SUPPORTED,
    check_file,
    destination,
    expand,
    iter_path,
    kind_of,
    kind_of_path,
    needs_library,
    parse_bytes,
    parse_path,
)
from .jsonl import parse_jsonl, parse_jsonl_line
from .pubmed import parse_medline, parse_pubmed_xml
from .ris import parse_ris
from .seed import parse_seed
from .zotero import parse_zotero

__all__ = [
    "FORMATS_HELP",
    "MAX_ABSTRACT_CHARS",
    "MAX_FIELD_CHARS",
    "MAX_ID_CHARS",
    "MAX_LIBRARY_CHARS",
    "SUPPORTED",
    "Parsed",
    "check_file",
    "check_library",
    "destination",
    "expand",
    "iter_path",
    "kind_of",
    "kind_of_path",
    "needs_library",
    "parse_bibtex",
    "parse_bytes",
    "parse_csl_json",
    "parse_jsonl",
    "parse_jsonl_line",
    "parse_medline",
    "parse_path",
    "parse_pubmed_xml",
    "parse_ris",
    "parse_seed",
    "parse_zotero",
    "read_text",
]
