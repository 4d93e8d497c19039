"""TeX in titles, authors and abstracts (BibTeX, arXiv) decoded to Unicode with pylatexenc.

pylatexenc leaves sub- and superscripts as `_2` and `^{-3}`; chemical formulas and units are
common in abstracts, so those are turned into Unicode sub/superscripts first (hand-written here:
pylatexenc has no option for it). A bare `%` is data in an abstract, not a TeX comment, so it is
escaped before decoding rather than losing the rest of the line."""

from __future__ import annotations

import re
from functools import lru_cache

_SUB = str.maketrans("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ")
_SUP = str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")
_SUB_CHARS = set("0123456789+-=()aeoxhklmnpst")
_SUP_CHARS = set("0123456789+-=()in")
_SCRIPT = re.compile(r"([_^])(?:\{([^{}$]{1,12})\}|([0-9A-Za-z+\-]))")
_MATH = re.compile(r"\$([^$]{1,400})\$")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_TEXISH = re.compile(r"[\\${}~]")


def _scripts(math: str) -> str:
    def one(m: re.Match[str]) -> str:
        body = m.group(2) if m.group(2) is not None else m.group(3)
        table, chars = (_SUB, _SUB_CHARS) if m.group(1) == "_" else (_SUP, _SUP_CHARS)
        if body and set(body) <= chars:
            return body.translate(table)
        return m.group(0)

    return _SCRIPT.sub(one, math)


@lru_cache(maxsize=1)
def _converter() -> object:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def decode_tex(text: str) -> str:
    """Unicode text from text that may hold TeX; text without TeX markup is returned as it is."""
    if not text or not _TEXISH.search(text):
        return text
    prepared = _MATH.sub(lambda m: "$" + _scripts(m.group(1)) + "$", _BARE_PERCENT.sub(r"\\%", text))
    try:
        return str(_converter().latex_to_text(prepared))  # type: ignore[attr-defined]
    except Exception:  # pylatexenc gives up on some malformed input; the raw text is better than nothing
        return text
