"""The seed format: the first non-blank line names the owner; each 'Abstract:' line starts one."""

from __future__ import annotations

from ..text import clean, content_id, short_label
from ..types import Document, IngestError, Skipped
from .common import Parsed, check_library, too_long

PREFIX = "Abstract:"


def parse_seed(text: str, source: str) -> Parsed:
    """Seed format: the first non-blank line names the owner; each 'Abstract:' line starts one."""
    out = Parsed(source)
    lines = text.split("\n")
    owner_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if owner_at is None:
        raise IngestError(f"{source}: the file is empty")
    owner_line = lines[owner_at].strip()
    if owner_line.startswith(PREFIX):
        raise IngestError(f"{source}:{owner_at + 1}: the first line must name the library owner, not an abstract")
    library = check_library(owner_line, f"{source}:{owner_at + 1}")
    current: list[str] = []
    start = 0

    def flush() -> None:
        body = clean(" ".join(current))
        if not body:
            out.skipped.append(Skipped(source, start, "empty abstract"))
            return
        problem = too_long(body)
        if problem:
            out.skipped.append(Skipped(source, start, problem))
            return
        out.documents.append(Document(content_id(body), body, short_label(body), (library,), source=f"{source}:{start}"))

    stray = 0
    for i in range(owner_at + 1, len(lines)):
        line = lines[i].strip()
        if line.startswith(PREFIX):
            if start:
                flush()
            current, start = [line[len(PREFIX) :]], i + 1
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
