"""Questions that rank the whole library by a number ('Which paper has the most languages?', 'What
is the largest model in my library?'): no one abstract answers them, so the answer is the papers
that give a number of the thing, ranked by it, each quoted where it says it. The system ranks the
numbers as the abstracts write them; no model is asked, and a paper that gives no number of the
thing is not guessed at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import tuning
from .text import split_sentences, terms

# 'the most languages', 'the largest model', 'the fewest questions'
_SUPERLATIVE = re.compile(
    r"\b(most|largest|biggest|highest|longest|greatest|fewest|least|smallest|lowest|shortest)\s+((?:[\w-]+\s+){0,2}?[\w-]+)",
    re.I,
)
_LEAST = frozenset("fewest least smallest lowest shortest".split())
# what says the question is about the library, not about one paper: 'in my library', 'of Tony's
# papers', 'Which paper ...'
_OVER_LIBRARY = re.compile(
    r"\b(?:in|across|among|of|from)\s+(?:all\s+)?(?:my|your|the|these|those|\w+['’]s)\s+(?:library|libraries|papers|collection|abstracts|studies)\b"
    r"|^\W*(?:which|what)\s+(?:paper|abstract|study|article|work)s?\b"
    r"|\b(?:any|every)\s+(?:paper|abstract|study)\b",
    re.I,
)
# words for people counted: a question on participants counts patients, women, children ...
_PEOPLE = frozenset(
    terms(
        "participants subjects people persons individuals patients volunteers adults children infants women men mothers "
        "pregnancies respondents"
    )
)
# a model's size is its number of parameters
_SIZE = frozenset("largest biggest smallest".split())
_MODEL = frozenset(terms("model models network networks llm llms"))
_PARAMETERS = "parameters"
_PARAMETER = terms(_PARAMETERS)[0]
# the thing counted ends where a clause or a preposition begins ('the most languages in my library')
_ENDS = frozenset("in of on among across from for to that which with by than and or is are was were has have".split())
_SCALE = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12,
}  # fmt: skip
# a number, with its scale ('176B', '4.4 million', '540-billion'), not one inside a name ('GPT-4o',
# 'mC4', 'Flan-MoE-32B'); or a word
_TOKEN = re.compile(
    r"(?<![\w.\-/])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:[\s-]*(?P<scale>thousand|million|billion|trillion)\b|(?P<scale_>[kKmMbBtT])(?![a-zA-Z]))?(?!\d)"
    r"|(?P<word>[A-Za-z]+)"
)


# a model's size written by its scale alone ('540B', '8B, 62B, and 540B scales', 'Flan-MoE-32B')
_SIZE_WRITTEN = re.compile(r"(?<![\w.])(?:[A-Za-z][\w]*-)*?(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?P<scale>[MBT])\b")
# a list of the papers that give a number of something: 'Which papers tell me how many parameters
# their models have?', 'Which studies report the number of patients?'
_COUNTED = re.compile(
    r"\b(?:tell|give|report|say|state|mention|list|disclose)s?\s+(?:me\s+|us\s+)?(?:how\s+many|the\s+number\s+of|the\s+count\s+of)\s+"
    r"(?P<thing>[\w-]+(?:\s+[\w-]+)?)",
    re.I,
)


@dataclass(frozen=True)
class Ranked:
    """A paper's number of the thing ranked by: its value, the words that give it, the sentence."""

    index: int  # of the passage in the plan
    value: float
    said: str  # '107 languages'
    sentence: str


def ranked_by(question: str) -> tuple[str, bool] | None:
    """What a question ranks the library by, and whether it asks for the least: ('languages', False)
    for 'Which paper has the most languages?', ('parameters', False) for 'What is the largest model
    in my library?'. None for a question on one paper ('What is the largest Gemini model?')."""
    m = _SUPERLATIVE.search(question)
    if not m or not _OVER_LIBRARY.search(question):
        return None
    # 'the largest number of patients': the thing is what is numbered
    rest = re.sub(r"^(?:number|count|amount|quantity)\s+of\s+", "", question[m.start(2) :], flags=re.I)
    words = []
    for w in rest.split()[:3]:
        w = w.strip("?.!,;:")
        if w.lower() in _ENDS:
            break
        words.append(w)
    if not words:
        return None
    adjective = m.group(1).lower()
    thing = " ".join(words)
    if adjective in _SIZE and set(terms(words[-1])) <= _MODEL:
        thing = _PARAMETERS
    return thing, adjective in _LEAST


# 'Which paper in my library is the most recent?', 'What is Tony's oldest paper?': the library ranked
# by the years of its records
_RECENCY = re.compile(
    r"\b(?:(?P<new>most\s+recent(?:ly\s+published)?|newest|latest)|(?P<old>oldest|earliest|least\s+recent))\b", re.I
)
_OWNED = re.compile(
    r"\b(?:my|our|[\w.-]+['’]s)\s+(?:most\s+recent|newest|latest|oldest|earliest)\s+(?:paper|abstract|study|article|work)", re.I
)
YEAR = "year"  # what a ranking by recency ranks by
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")


# among the papers just given: 'Which of them is the most recent?', 'Which one is newer?'
_AMONG_THEM = re.compile(r"^\W*(?:and\s+|so\s+)?which\s+(?:one|of\s+(?:them|these|those|the\s+\w+))\b", re.I)
_THAN = re.compile(r"\b(?:(?P<new>newer|more\s+recent|later)|(?P<old>older|earlier))\b", re.I)


def by_year(question: str, among: bool = False) -> bool | None:
    """Whether a question ranks the library's papers by their years, and for the oldest: False for
    'Which paper in my library is the most recent?', True for 'What is Tony's oldest paper?'; None
    for any other question ('What is the latest Gemini model?' asks of one paper). `among`: the
    conversation has just given papers, which 'Which of them is the newest?' or 'Which one is
    older?' ranks."""
    m = _RECENCY.search(question)
    if among and _AMONG_THEM.search(question) and (m or (m := _THAN.search(question))):
        return m.group("old") is not None
    if not m or not (_OVER_LIBRARY.search(question) or _OWNED.search(question)):
        return None
    return m.group("old") is not None


def year_of(record_year: str) -> int | None:
    """The year a record gives ('2021', '2021-05-03', 'May 2021'), or None."""
    m = _YEAR.search(record_year or "")
    return int(m.group(1)) if m else None


def numbers_of(thing: str, text: str) -> list[tuple[float, str, str]]:
    """Each number a text gives of the thing, as (value, the words that say it, the sentence). The
    thing's head word follows the number within tuning.COUNTED_AFTER words, with no other number
    between unless the two are joined ('46 natural and 13 programming languages' counts languages
    twice)."""
    head = (terms(thing.split()[-1]) or [""])[0]
    if not head:
        return []
    # a count of people is said of whoever they are ('1320 women', '3402 patients')
    heads = _PEOPLE if head in _PEOPLE else {head}
    found: list[tuple[float, str, str]] = []
    for sentence in split_sentences(text):
        tokens = [
            (m.start(), m.end(), m)
            if m.group("num")
            else (m.start(), m.end(), (terms(m.group("word")) or [m.group("word").lower()])[0])
            for m in _TOKEN.finditer(sentence)
        ]
        for i, (start, stop, first) in enumerate(tokens):
            if not isinstance(first, re.Match):
                continue
            words, joined = 0, False
            # a number joined to its word counts that word only ('176B-parameter open-access language')
            window = 1 if sentence[stop : stop + 1] == "-" else tuning.COUNTED_AFTER
            for _, end, tok in tokens[i + 1 :]:
                if isinstance(tok, re.Match):
                    if not joined:
                        break
                    words, joined = 0, False
                    continue
                if tok in heads and words < window:
                    scale = (first.group("scale") or first.group("scale_") or "").lower()
                    value = float(first.group("num").replace(",", "")) * _SCALE.get(scale, 1.0)
                    found.append((value, sentence[start:end].replace("(", "").replace(")", ""), sentence))
                    break
                joined = joined or tok in ("and", "or")
                words += 1
        if head == _PARAMETER:  # a size written by its scale alone, unless given with the word already
            given = {v for v, _, where in found if where == sentence}
            for m in _SIZE_WRITTEN.finditer(sentence):
                value = float(m.group("num")) * _SCALE[m.group("scale").lower()]
                if value not in given:
                    found.append((value, m.group(0), sentence))
                    given.add(value)
    return found


def counted_in(question: str) -> str | None:
    """What a list of papers asks a number of ('Which papers tell me how many parameters their
    models have?' -> 'parameters'), or None."""
    m = _COUNTED.search(question)
    if not m:
        return None
    words = [w for w in m["thing"].split() if w.lower() not in _ENDS and terms(w)]
    if not words:
        return None
    return _PARAMETERS if set(terms(words[0])) <= _MODEL else words[0]


def rank(thing: str, least: bool, texts: list[str]) -> list[Ranked]:
    """The texts that give a number of the thing, each with its largest (or, for the least, its
    smallest) such number, ranked by it."""
    best = []
    for i, text in enumerate(texts):
        found = numbers_of(thing, text)
        if found:
            value, said, sentence = (min if least else max)(found, key=lambda f: f[0])
            best.append(Ranked(index=i, value=value, said=said, sentence=sentence))
    return sorted(best, key=lambda r: r.value, reverse=not least)


# A comparison asking which of the things has more of something: 'Which one has more parameters, A
# or B?', 'Which is bigger, A or B?' (a model's size is its parameters), 'Is A's largest model bigger
# than the smallest B?'
_COMPARATIVE = re.compile(
    r"\b(?:(?P<size>bigger|larger|smaller)\b|(?P<more>more|most|fewer|fewest|less|least)\s+(?P<thing>[\w-]+))", re.I
)
_FEWER = frozenset("fewer fewest less least smaller".split())
# a compared thing asked of at one end of its sizes ('the smallest U-PaLM', "Flan-MoE's largest model")
_EXTREME = re.compile(r"\b(?:(?P<most>largest|biggest|most)|(?P<least>smallest|fewest|least))\b", re.I)
# a size written with a name before it ('Flan-MoE-32B'): whose size it is
_NAMED_SIZE = re.compile(r"^(?P<name>.*?)-?(?P<size>\d+(?:\.\d+)?[MBT])$")


def compared_by(question: str) -> tuple[str, bool] | None:
    """What a comparison asks which thing has more (or fewer) of, and whether fewer: ('parameters',
    False) for 'Which is bigger, BLOOM or U-PaLM?', ('languages', False) for 'Which has more languages,
    BLOOM or umT5?'; None for one that asks no such thing ('more than', 'more accurate' gives no count
    any abstract numbers, and is left to the abstracts' words)."""
    m = _COMPARATIVE.search(question)
    if m is None:
        return None
    if m["size"]:
        return _PARAMETERS, m["size"].lower() in _FEWER
    thing = m["thing"]
    if thing.lower() in _ENDS or not terms(thing):
        return None
    return (_PARAMETERS if set(terms(thing)) <= _MODEL else thing), m["more"].lower() in _FEWER


@dataclass(frozen=True)
class Measured:
    """A compared thing's number of what the comparison asks about: the number, as written, where."""

    value: float
    said: str  # '176B', '107 languages'
    sentence: str
    several: bool  # the abstract gives the thing more than one number of it ('8B, 62B, and 540B')


def measured_in(thing: str, least: bool, subject: str, names: list[str], text: str) -> Measured | None:
    """The number a text gives of `thing` for one compared thing, `subject` ('the smallest U-PaLM'),
    said in sentences that name it (any of `names`; a size written with another name, 'Flan-PaLM-62B'
    beside 'Flan-MoE-32B', is not its size): the most of them, or the fewest when the question asks
    which has fewer, or the subject asks for its smallest."""
    if not names:
        return None
    naming = [re.compile(rf"(?<![\w-]){re.escape(n)}(?!\w)", re.I) for n in names]
    found = []
    for value, said, sentence in numbers_of(thing, text):
        if not any(n.search(sentence) for n in naming):
            continue
        size = _NAMED_SIZE.match(said)
        if size is not None:
            owner = size["name"].strip("-").lower()
            if owner and not any(owner.startswith(n.lower()) or n.lower().startswith(owner) for n in names):
                continue
            said = size["size"]
        elif thing == _PARAMETERS:
            said = re.sub(r"[\s-]*param\w*$", "", said, flags=re.I)  # '176B-parameter': its size
        found.append((value, said, sentence))
    # a part of a count said with another ('13 programming languages' in '46 natural and 13 programming
    # languages') is not the thing's number on its own
    found = [f for f in found if not any(f[1] != g[1] and f[1] in g[1] for g in found)]
    if not found:
        return None
    end = _EXTREME.search(subject)
    fewest = bool(end["least"]) if end else least
    value, said, sentence = (min if fewest else max)(found, key=lambda f: f[0])
    # more numbers than the one said ('8B, 62B, and 540B'), not those said with it ('46 natural and 13 programming')
    several = any(v != value and other not in said for v, other, _ in found) and not end
    return Measured(value=value, said=said, sentence=sentence, several=several)
