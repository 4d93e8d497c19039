"""Text helpers shared by ingest, index and answer: normalising, hashing, labels, sentences, terms."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from . import tuning

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def clean(text: str) -> str:
    """Unicode-normalised text with control characters removed and whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _WS.sub(" ", text).strip()


def content_id(text: str) -> str:
    """The identity of an abstract without a source id: a hash of its normalised text."""
    key = clean(text).casefold()
    return "h" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def short_label(text: str, limit: int = 72) -> str:
    """A readable label from an abstract: its first sentence, cut at a word boundary."""
    first = split_sentences(text)[:1] or [text]
    label = clean(first[0])
    if len(label) > limit:
        cut = label[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
        label = (cut or label[:limit]) + "…"
    return label or "(untitled abstract)"


# Sentence boundaries: ., ! or ? followed by space and an upper-case letter, digit or quote, but
# not after common abbreviations, initials or inside numbers like "67.6".
_ABBREV = (
    "e.g i.e et al etc vs cf fig figs eq eqs ref refs no approx dr mr mrs ms prof st jr sr inc ltd "
    "co corp dept univ vol pp ca resp sec ch"
).split()
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split an abstract into sentences; good enough for scientific prose, never loses text."""
    text = _WS.sub(" ", text).strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        piece = text[start : m.start()].rstrip()
        last = piece.rsplit(" ", 1)[-1].lower().strip(".!?\"'()[]")
        if last in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


# Where a sentence divides into the phrases it is made of: punctuation, a dash between spaces, and
# the words that open a clause or a means ('..., which ...', '... by ...', '... and ...').
_CLAUSE_CUT = re.compile(r"\s*(?:[,;:()]|\s[-–—]\s|\b(?:and|which|that|while|whereas|where|by)\b)\s*", re.I)


def clauses(sentence: str, shortest: int = 3) -> list[str]:
    """The phrases of a sentence, of `shortest` words or more ('Lingvo models are composed of modular
    building blocks that are flexible and easily extensible, and experiment configurations are
    centralized' -> [..., 'experiment configurations are centralized']); the sentence when none is."""
    pieces = [p.strip() for p in _CLAUSE_CUT.split(sentence) if p and p.strip()]
    return [p for p in pieces if len(p.split()) >= shortest] or [sentence]


# Terms for lexical matching: words and numbers, plus the joined form of hyphenated names so
# "GPT-4o", "Flan-MoE-32B" and "U-PaLM" match exactly as well as by their parts.
_TOKEN = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also may might must shall us""".split()
)


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer  # PyStemmer: the Snowball English stemmer in C

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, hyphenated compounds kept whole and also split into parts."""
    out: list[str] = []
    for m in _TOKEN.finditer(text.lower().replace("’", "'")):
        tok = re.sub(r"'s$", "", m.group(0).strip("'."))  # a possessive ('compose's') is the word itself
        if not tok:
            continue
        if "-" in tok or "." in tok or "'" in tok:
            parts = [p for p in re.split(r"[-'.]", tok) if p]
            if len(parts) > 1 and not tok.replace(".", "").isdigit():
                out.append("".join(parts))
                out.extend(parts)
                continue
        out.append(tok)
    return out


# British spellings folded into American ones before stemming, so 'behaviour' finds 'behavior' and
# 'optimised' finds 'optimized'; every form of a word alike ('denoising' and 'denoiser'). Applied
# alike to documents and questions, so a word wrongly folded still matches itself.
_BRITISH = [(re.compile(r"(?<=\w{3})our(s?)$"), r"or\1"), (re.compile(r"(?<=\w{2})is(e|es|ed|ing|er|ers|ation|ations)$"), r"iz\1"),
            (re.compile(r"(?<=\w)ys(e|es|ed|ing|er|ers)$"), r"yz\1")]  # fmt: skip


# Greek letters in names are written three ways: the letter, its name, its Latin initial
# ('NF-κB', 'NF-kappaB', 'NF-kB'; 'TNF-α', 'TNF-alpha'; 'IL-1β', 'IL-1beta'). Names are compared in
# the initial's form. A spelled name counts only where it does not run on into a longer word
# ('alphabet', 'betaine' stay as they are).
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
_GREEK_LETTER = re.compile(f"[{''.join(_GREEK)}]")
_GREEK_NAME = re.compile(
    rf"(?<![a-z])({'|'.join(sorted((n for n in _GREEK.values() if len(n) > 3), key=len, reverse=True))})(?![a-z]{{2}})"
)


def greek_folded(text: str) -> str:
    """Lower-cased text with every Greek letter, and every Greek letter's name of four letters or
    more, as its Latin initial: 'NF-κB', 'NF-kappaB' and 'NF-kB' all read 'nf-kb'."""
    low = _GREEK_LETTER.sub(lambda m: _GREEK[m.group(0)][0], text.lower())
    return _GREEK_NAME.sub(lambda m: m.group(1)[0], low)


def american(word: str) -> str:
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


def terms(text: str) -> list[str]:
    """Stemmed content terms (stopwords removed): the vocabulary of the lexical index."""
    toks = [american(t) for t in words(text) if t not in STOPWORDS]
    return list(_stemmer().stemWords(toks))  # type: ignore[attr-defined]


def part_terms(text: str) -> list[str]:
    """Stemmed words with a hyphenated word as its parts only ('cadherin-based' -> cadherin, base),
    not also run together as `terms` gives it."""
    return terms(text.replace("-", " "))


class WordSet:
    """A text's stemmed terms that also hold another derivation of one of them: Snowball stems
    'inflammation' to 'inflamm' but 'anti-inflammatory' to 'inflammatori', 'economic' to 'econom' but
    'economy' to 'economi'. A term is held when it is one of the text's or when the shorter of the two,
    of tuning.DERIVED_FROM letters or more, begins the longer."""

    def __init__(self, items: Iterable[str]) -> None:
        self.items = set(items)
        self._beginnings = {t[:k] for t in self.items for k in range(tuning.DERIVED_FROM, len(t))}

    def __contains__(self, term: object) -> bool:
        if not isinstance(term, str):
            return False
        return (
            term in self.items
            or term in self._beginnings
            or any(term[:k] in self.items for k in range(tuning.DERIVED_FROM, len(term)))
        )


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


_NOT_IN_NAMES = frozenset(
    "a an the this that these those which who whose it its is are was were be been being has have had "
    "we our they their there here as at by".split()
)


def spells_out(acronym: str, text: str) -> bool:
    """Whether `text` has words whose initials are the acronym ('RL' in 'reinforcement learning')."""
    return bool(spellings(acronym, text))


def acronym_letters(acronym: str) -> str:
    """The letters an acronym is made of: 'RNN-T' -> 'RNNT'; a plural's 's' is none ('GNNs' ->
    'GNN'), a capital S is one ('WS')."""
    return re.sub(r"(?<=[A-Z])s$", "", acronym.replace("-", ""))


def spellings(acronym: str, text: str) -> list[str]:
    """The runs of words in `text` whose initials are the acronym, lower-cased, first found first:
    ['reinforcement learning'] for 'RL'."""
    letters = acronym_letters(acronym).lower()
    if not (2 <= len(letters) <= 6 and letters.isalpha()):
        return []
    # within one clause ('richer, localized' spells no 'RL'), and never with a word no name is made
    # of: an article, a pronoun, a verb of being ('recurrent neural network that' spells no 'RNN-T');
    # 'of', 'and', 'for' may stand in one ('Mixture-of-Experts')
    found: list[str] = []
    for clause in re.split(r"[.,;:()!?]", text.lower()):
        words = re.findall(r"[^\W\d_]+", clause)
        initials = "".join(w[0] for w in words)
        for start in (m.start() for m in re.finditer(f"(?={letters})", initials)):
            run = words[start : start + len(letters)]
            if not any(w in _NOT_IN_NAMES for w in run):
                found.append(" ".join(run))
    return unique(found)


# a term the user puts in quotes ("What does 'end-to-end' mean?"); an apostrophe ("Tony's") is none
QUOTED = re.compile(r"(?:^|(?<=[\s(]))['‘\"“]([^'’\"”]{2,40}?)['’\"”](?=[\s.,;:?!)]|$)")


def quoted_terms(question: str) -> list[str]:
    """The terms a question puts in quotes, as written."""
    return [m.strip() for m in QUOTED.findall(question) if m.strip()]


# a token of a name: letters and digits, inner hyphens and dots ('GPT-4o', 'U-PaLM', 'v2.1')
NAME_TOKEN = re.compile(r"[^\W_][\w\-.]*[^\W_]|[^\W_]")


def bounded(name: str) -> str:
    """A pattern for a name as a whole word ('PaLM' not in 'U-PaLM', 'GPT-4' not in 'GPT-4o')."""
    return rf"(?<![\w-]){re.escape(name)}(?![\w-])"


def name_like(token: str) -> bool:
    """A token that names something exactly: it has a digit or an inner capital ('GPT-4o', 'UniMax', 'ACM')."""
    return any(c.isdigit() for c in token) or any(c.isupper() for c in token[1:])
