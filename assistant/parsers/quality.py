"""Checks on abstract text that real exports need: placeholders instead of abstracts, copyright and
database boilerplate at the end, and text damaged before it reached us (U+FFFD, mojibake)."""

from __future__ import annotations

import re

# What reference managers and databases write where there is no abstract (JabRef, PubMed,
# Springer, Web of Science). Compared after lower-casing and dropping brackets and punctuation.
_PLACEHOLDERS = {
    "not available",
    "no abstract",
    "no abstract available",
    "abstract not available",
    "abstract unavailable",
    "abstract available",
    "without abstract",
    "no abstract provided",
    "no abstract is available for this article",
    "n a",
    "na",
    "none",
    "abstract",
    "null",
}
_NON_WORD = re.compile(r"[^\w]+")


def is_placeholder(text: str) -> bool:
    """Text that stands where an abstract would be but says there is none."""
    if len(text) > 80:
        return False
    key = _NON_WORD.sub(" ", text.casefold()).strip()
    return key in _PLACEHOLDERS


# Boilerplate that databases append to the abstract: PsycINFO's database record notice and
# publishers' copyright lines ("© 2019 Elsevier Ltd", "Copyright © 2018 ... All rights reserved.").
# Only a final sentence is trimmed, and only when it is short and carries a year, so a sentence
# that merely mentions copyright stays.
_PSYCINFO = re.compile(r"\s*\(\s*Psyc\s*INFO Database Record[^()]*(?:\([^()]*\)[^()]*)*\)\s*$", re.I)
_COPYRIGHT = re.compile(
    r"(?:^|(?<=[.!?)\]])\s+)(?:Copyright\s*)?(?:©|\(c\)|Copyright\b)\s*(?:\(c\)\s*)?(?:\d{4})\b[^©]{0,200}$",
    re.I,
)


def trim_boilerplate(text: str) -> str:
    """The abstract without a trailing database record notice or copyright line."""
    out = _PSYCINFO.sub("", text)
    m = _COPYRIGHT.search(out)
    if m and m.start() > 0:
        out = out[: m.start()]
    return out.strip()


def damage(text: str) -> str | None:
    """Why the text looks damaged before export, or None: U+FFFD marks bytes that were already lost,
    and mojibake ('Ã©' for 'é') marks UTF-8 read as Latin-1 somewhere upstream."""
    if "\ufffd" in text:
        n = text.count("\ufffd")
        return f"the text contains {n} U+FFFD replacement character{'s' if n != 1 else ''} (characters lost before export)"
    from ftfy.badness import is_bad  # ftfy's detector is conservative: ordinary accents and quotes pass

    if is_bad(text):
        sample = next((m.group(0) for m in _MOJIBAKE_SAMPLE.finditer(text)), "")
        shown = f" such as '{sample}'" if sample else ""
        return f"the text looks mis-encoded{shown} (UTF-8 read as another encoding); re-export it as UTF-8"
    return None


_MOJIBAKE_SAMPLE = re.compile(r"[ÃÂâ][\x80-\xbf\u0152-\u0178\u02c6-\u203a\u20ac\u2122]+\w*")


# Markup some databases leave in abstracts: Lens.org and Crossref-fed exports carry JATS
# (<jats:sec><jats:title>Methods</jats:title><jats:p>...), PubMed-fed ones PubMed XML's own
# <AbstractText Label="METHODS">, and some HTML (<p>, <i>, <sub>). Only these known tags are
# touched, so "p < 0.05" or "<5 mm" stays as written.
_ATTRS = r"(?:\s+[\w:-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?"
_INLINE = r"i|b|em|strong|u|sc|scp|span|jats:italic|jats:bold|jats:sc|jats:underline|jats:monospace|mml:[a-z]+"
_BLOCK = r"p|br|div|sec|jats:p|jats:sec|jats:list|jats:list-item|jats:abstract|abstract|AbstractText"
_TAG = re.compile(rf"</?(?:{_INLINE}|{_BLOCK}|sub|sup|jats:sub|jats:sup|title|jats:title|CopyrightInformation){_ATTRS}>", re.I)
_COPYRIGHT_INFO = re.compile(r"<CopyrightInformation>.*?</CopyrightInformation>", re.I | re.S)
_TITLE = re.compile(r"<(?:jats:)?title>(.*?)</(?:jats:)?title>", re.I | re.S)
_LABEL = re.compile(r"<AbstractText\b[^<>]*?\bLabel\s*=\s*\"([^\"]*)\"[^<>]*>", re.I)
_SUBSUP = re.compile(r"<(?:jats:)?(sub|sup)>([^<]{1,12})</(?:jats:)?\1>", re.I)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE}){_ATTRS}>", re.I)
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")


def strip_markup(text: str) -> str:
    """Text without the JATS/HTML/PubMed-XML tags of a database's abstract: section titles and
    labels kept as "Methods: ...", a leading "Abstract" title and copyright elements dropped,
    sub- and superscripts of digits kept as ₂ and ³, entities decoded. Text without such tags is
    returned as it is."""
    if not _TAG.search(text):
        return text
    import html

    out = _COPYRIGHT_INFO.sub(" ", text)

    def title(m: re.Match[str]) -> str:
        name = re.sub(r"\s+", " ", _TAG.sub("", m.group(1))).strip().rstrip(":")
        return " " if not name or name.casefold() == "abstract" else f" {name}: "

    out = _TITLE.sub(title, out)
    out = _LABEL.sub(lambda m: f" {m.group(1).strip()}: " if m.group(1).strip() else " ", out)

    def subsup(m: re.Match[str]) -> str:
        body = m.group(2)
        table = _SUB if m.group(1).lower() == "sub" else _SUP
        mapped = body.translate(table)
        return mapped if all(c != o or not c.isalnum() for c, o in zip(mapped, body, strict=True)) else body

    out = _SUBSUP.sub(subsup, out)
    out = _INLINE_TAG.sub("", out)
    out = _TAG.sub(" ", out)
    return html.unescape(out)
