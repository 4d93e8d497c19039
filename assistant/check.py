"""Checking what the model wrote, one sentence at a time, against the abstracts it was shown.

A sentence is kept when the abstracts it cites hold what it says: every number and name in it, the
thing the question asks about, most of its other content words, and no negation the abstract lacks.
An uncited or wrongly cited sentence is given the shown abstract that does support it; a sentence
no shown abstract supports is dropped. Nothing here is fitted to a question set except
`CONTENT_SHARE`, whose origin is given where it is defined.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import tuning
from .evidence import COMPARED_WITH, WORD_NUMBERS, focus_phrase, focus_term, numbers, reversed_comparison, wants_number
from .text import NAME_TOKEN, WordSet, bounded, greek_folded, name_like, part_terms, spells_out, split_sentences, terms

CITE = re.compile(r"\[(\s*\d+(?:\s*[,;]\s*\d+)*\s*)\]")
_LEADING_CITES = re.compile(r"^\s*((?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]\s*)+)")
_REFUSAL = re.compile(
    r"\b(do(es)? not (answer|contain|mention|say|provide|specify|state|include|discuss|address)|not (mentioned|provided|"
    r"specified|stated|given|available|included|discussed)|no (information|mention|answer|details?)|cannot (answer|be answered|"
    r"determine|find|be determined)|can't (answer|find)|unable to (answer|find|determine)|don't know|not enough information|"
    r"there is no abstract|none of the abstracts)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(not|no|never|neither|nor|without|cannot|can't|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|"
    r"fails?|failed|lacks?|lacked|none|unable)\b",
    re.I,
)
# Things asked about that only say what kind of answer is wanted: "Smart Compose solves the problem of
# ..." holds when the abstract states the problem in other words (its content words are checked).
_ANSWER_KINDS = frozenset(terms("problem problems challenge challenges goal goals purpose aim motivation"))
_PLAIN_NUMBER = re.compile(r"[\d.,%]+")
COUNT_Q = re.compile(r"\bhow\s+(?:many|much)\b", re.I)
_NUM_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!,?\d)|[^\W_][\w.%]*")  # "248,000" is one number
# A sentence that asks, or says the prompt's framing back ('This question follows the earlier question: ...').
_ASKED_BACK = re.compile(r"\?[\s\"”’)]*$|\b(?:earlier|previous)\s+question\b|\bquestion\s+follows\b", re.I)
# Words an answer uses to talk about the abstracts rather than to state a fact.
_FRAMING = set(
    terms(
        "answer question abstract abstracts mention mentioned state stated according paper passage text provided "
        "information based given specifically also however describe described discuss discussed report reported "
        "propose proposed present presented introduce introduced show shown study studies work find finds found "
        "show shows showed"
    )
)


def cited_numbers(text: str) -> list[int]:
    """Citation numbers in order of first mention."""
    found: list[int] = []
    for m in CITE.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part.strip())
            if n not in found:
                found.append(n)
    return found


def without_citations(text: str) -> str:
    """The text with its [n] markers removed and the spacing they leave tidied."""
    out = CITE.sub(" ", text)
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()


def is_refusal(text: str, cannot_answer: str = "") -> bool:
    t = text.strip().lower()
    return bool(cannot_answer and cannot_answer.lower().rstrip(".") in t) or bool(_REFUSAL.search(t))


_DANGLING = set(
    "a an the of to in on at by for with from and or but is are was were be been as that which than its their this these".split()
)


def incomplete(text: str) -> bool:
    """A sentence the model broke off: a bracket left open ('Ghana trial is [2') or a last word
    that needs a next one ('... is', '... of the')."""
    body = text.rstrip(" .!?…")
    if body.count("[") > body.count("]") or body.count("(") > body.count(")"):
        return True
    words = re.findall(r"[\w'-]+", body)
    return bool(words) and words[-1].lower() in _DANGLING


def repetitive(text: str, source: str = "", n: int = 4, question: str = "") -> bool:
    """A degenerate sentence that repeats itself (a small model looping): a run of n words comes
    more often than the source and the question together have it ('the state of the art ... the
    state of the art'). A sentence that restates the question, then the abstract's answer in the
    same words, repeats nothing of its own."""
    grams = _gram_list(text, n)
    repeated = {g for g in grams if grams.count(g) > 1}
    if not repeated:
        return False
    given = [g for t in (source, question) for g in _gram_list(t, n)]
    return any(given.count(g) < grams.count(g) for g in repeated)


def _gram_list(text: str, n: int) -> list[tuple[str, ...]]:
    toks = re.findall(r"\w+", text.lower())
    return [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]


def digits(number: str) -> str:
    """'176B' -> '176', '4.4 million' -> '4.4': a number without its unit, to match across wordings."""
    return re.sub(r"[^\d.]", "", number).rstrip(".")


def counts_elsewhere(answer: str, question: str, sources: Sequence[str]) -> list[str]:
    """Numbers in an answer to 'how many X' that the sources never give as a count of X: a small
    model answering 'how many programming languages' with the '176B' of '176B-parameter'. A number
    counts X where the words of X follow it within a few words ('13 programming languages', '4.4
    million TPUv4 hours') or come just before it ('languages: 46')."""
    if not COUNT_Q.search(question) or not focus_term(question):
        return []
    counted = counted_numbers(question, sources)
    found = [n for n in dict.fromkeys(numbers(answer)) if digits(n)]
    wrong = [n for n in found if digits(n) not in counted and not any(counts_as_in(answer, n, s) for s in sources)]
    if counted and found and not any(digits(n) in counted for n in found):
        # faithful copies of other counts ('540B scale') with no count of what was asked say nothing of it
        wrong += [f"{n} (not a count of what was asked)" for n in found if n not in wrong]
    asked = set(focus_phrase(question))
    given = [c for s in sources for c in _counts(s)]
    for value, _, after in _counts(answer):
        # a count paired with a word the sources never put after it ('59 natural' where 59 is the total)
        flagged = any(digits(w.split()[0]) == value for w in wrong)
        if not flagged and after and after[0] and after[0] not in asked and not _said_with(value, after[0], given):
            wrong.append(f"{value} {after[0]}")
    return list(dict.fromkeys(wrong))


def _said_with(value: str, word: str, given: list[tuple[str, list[str], list[str]]]) -> bool:
    """Whether a source (its `_counts`) gives `value` with `word` among the words after it."""
    return any(v == value and word in after for v, _, after in given)


def _counts(text: str) -> list[tuple[str, list[str], list[str]]]:
    """Each number of a text (in digits or words) with the stems of the words just before it and of
    the words that follow it. A number that is part of a name ('GPT-4o', 'mC4') counts nothing and
    is left out."""
    names = [t.lower() for t in NAME_TOKEN.findall(text) if name_like(t) and not t[0].isdigit()]
    tokens = _NUM_TOKEN.findall(text.replace("-", " "))
    stems = [(terms(t) or [""])[0] for t in tokens]
    out = []
    for i, tok in enumerate(tokens):
        value = digits(tok) if tok[0].isdigit() else WORD_NUMBERS.get(tok.lower(), "")
        if not value or (i and any(f"{tokens[i - 1]}-{tok}".lower() in n for n in names)):
            continue
        out.append((value, stems[max(0, i - 3) : i], stems[i + 1 : i + 1 + tuning.COUNTED_AFTER]))
    return out


def counts_as_in(answer: str, number: str, source: str) -> bool:
    """The answer says `number` of the same thing the source says it of ('46 natural and 13
    programming languages' from the same words): a faithful copy of another count, not a wrong
    answer to the one asked. A number only ever part of a name ('GPT-4o') counts nothing."""
    value = digits(number)
    said = [after for v, _, after in _counts(answer) if v == value]
    given = [after for v, _, after in _counts(source) if v == value]
    return all(a and a[0] and any(a[0] in g for g in given) for a in said)


# Units a number is said in: '29 years' is not the '29' of '29 lung cancer patients'.
_UNITS = frozenset(
    terms(
        "year years month months week weeks day days hour hours minute minutes second seconds millisecond milliseconds "
        "decade decades century centuries kilogram kilograms gram grams milligram milligrams litre litres liter liters "
        "millilitre millilitres metre metres meter meters kilometre kilometres"
    )
) | {"kg", "mg", "ml", "cm", "mm", "km", "ms"}


def units_elsewhere(sentence: str, source: str) -> list[str]:
    """Numbers the sentence gives in a unit ('29 years') that the source never gives in that unit
    (its 29 counts patients): the number and its unit are checked together."""
    given = _counts(source)
    return [
        f"{value} {after[0]}"
        for value, _, after in _counts(sentence)
        if after and after[0] in _UNITS and not _said_with(value, after[0], given)
    ]


def counted_numbers(question: str, sources: Sequence[str]) -> set[str]:
    """The numbers the sources give as a count of what a 'how many X' question asks about."""
    # a hyphenated word's parts, not the parts run together: sources are read with hyphens as spaces
    # ('microRNA-mediated interactions' - '248,000 microRNA (miR)-mediated interactions')
    parts = set(part_terms(question))
    phrase = {t for t in focus_phrase(question) if t in parts}
    if not phrase:
        return set()
    return {
        value
        for source in sources
        for value, before, after in _counts(source)
        if phrase <= set(after) or phrase <= set(before[len(before) - len(phrase) :])
    }


_CAPITALISED = re.compile(r"(?<=[\w,;:)\]]\s)([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")


def proper_names(sentence: str, question: str, source_lower: str) -> list[str]:
    """Capitalised words inside a sentence (not its first word) that neither the source nor the
    question uses: a place, person or organisation the model brought in ('run in the United
    States' of a trial the abstract places in Ghana)."""
    asked = question.lower()
    return [
        name
        for name in _CAPITALISED.findall(sentence)
        if not any(w.lower() in source_lower or w.lower() in asked for w in re.split(r"[\s-]", name))
    ]


def content_terms(text: str) -> list[str]:
    return [t for t in dict.fromkeys(terms(text)) if t not in _FRAMING]


def echoed(sentence: str, topic: str, source: str) -> list[str]:
    """Words a sentence takes from the topic it was asked about that its source does not use: a list
    line saying its paper "investigates the spread of breast cancer to bones" when the abstract never
    speaks of bones (the line's prompt told the model the paper is on the topic)."""
    held = WordSet(terms(source))
    asked = set(terms(topic))
    return [t for t in content_terms(sentence) if t in asked and t not in held]


def misplaced(sentence: str, question: str, source: str, others: Sequence[str]) -> list[str]:
    """In a sentence with a number, words of the question it says back that its source does not use but another shown
    abstract does: the question points at that other abstract ('How many patients were in the lung
    cancer audit?' answered with another study's 83 patients, when the audit is another abstract's).
    A question word no abstract uses is a paraphrase this does not judge."""
    if not numbers(sentence):
        return []  # a number is what goes wrong when said of another study; words alone may be paraphrase
    held = set(terms(source))
    elsewhere = set().union(*(terms(o) for o in others)) if others else set()
    asked = set(terms(question))
    return [f"{t} (another abstract's)" for t in content_terms(sentence) if t in asked and t not in held and t in elsewhere]


# Units written short and glued to their number, as abstracts do ('138d', '68yrs'), and the word
# an answer says them in.
_UNIT_ABBREVIATIONS = {
    **dict.fromkeys(("d", "dy", "dys"), "days"),
    **dict.fromkeys(("y", "yr", "yrs"), "years"),
    **dict.fromkeys(("h", "hr", "hrs"), "hours"),
    **dict.fromkeys(("wk", "wks"), "weeks"),
    **dict.fromkeys(("mo", "mos"), "months"),
    **dict.fromkeys(("min", "mins"), "minutes"),
}
_GLUED_UNIT = re.compile(rf"(?<![\w.,-])(\d[\d.,]*?)({'|'.join(_UNIT_ABBREVIATIONS)})\b")


def units_spelled(text: str) -> str:
    """A text with its glued short units written out: 'was 138d (iqr 79-175d)' -> 'was 138 days
    (iqr 79-175 days)', so an answer saying '138 days' is checked against it."""
    return _GLUED_UNIT.sub(lambda m: f"{m.group(1)} {_UNIT_ABBREVIATIONS[m.group(2)]}", text)


def unsupported(sentence: str, question: str, source: str, joined: bool = False) -> list[str]:
    """What in `sentence` (citations removed) `source` does not hold; empty when it is supported.
    `joined`: the source is several abstracts run together (a sentence citing two), where words
    said of one thing can be credited to another."""
    source = units_spelled(source)
    low = source.lower()
    folded = greek_folded(source)
    src_numbers = numbers(source)
    src_digits = {digits(n) for n in src_numbers}
    missing = [n for n in numbers(sentence) if n not in src_numbers and digits(n) not in src_digits]
    # (numbers are checked above, with their units)
    # the user's own abbreviation for what the source spells out ('RL' for 'reinforcement learning')
    spelled = {a for a in re.findall(r"\b[A-Z]{2,6}s?\b", question) if a.lower() not in low and spells_out(a, source)}
    missing += [
        t
        for t in NAME_TOKEN.findall(sentence)
        if name_like(t)
        and not _PLAIN_NUMBER.fullmatch(t)
        and t.lower() not in low
        and t not in spelled
        and greek_folded(t) not in folded  # 'NF-κB' for the source's 'NF-kB'
    ]
    missing += proper_names(sentence, question, low)
    missing += counts_elsewhere(sentence, question, [source])
    missing += units_elsewhere(sentence, source)
    missing += said_of_another(sentence, source)
    missing += named_otherwise(sentence, source)
    missing += copied_of_another(sentence, source) if joined else []
    missing += claimed_of_other(sentence, source)
    missing += credited_with_contribution(sentence, source, question)
    missing += reversed_comparison(sentence, source)
    missing += defined_by_its_owner(sentence, source)
    # words compared with Greek letters as their Latin initials ('NF-κB' said, 'NF-kB' written)
    s_terms = WordSet([*terms(source), *(terms(folded) if folded != low else []), *terms(" ".join(spelled))])
    said = [t for t in content_terms(greek_folded(sentence)) if not t[0].isdigit()]  # numbers were checked above
    focus = focus_term(question)
    # asked what causes a thing, the cause an answer gives must be one the abstract gives, in whatever
    # words it says 'cause' ('The causes of nephrotic syndrome are massive proteinuria ...' is no
    # answer from '... is caused by mutations in the gene for nephrin')
    cause = cause_given(sentence, source) if focus in _CAUSE_WORDS else None
    if cause is False:
        missing.append("(a cause the abstract does not give)")
    if focus and focus in said and focus not in s_terms and focus not in _ANSWER_KINDS and not cause:
        missing.append(focus)  # the thing asked about must be in the source, not echoed from the question
    if said and sum(t in s_terms for t in said) / len(said) < tuning.CONTENT_SHARE:
        missing += [t for t in said if t not in s_terms]
    missing += [t for t in subject_terms(greek_folded(sentence)) if t not in s_terms]
    if _NEGATION.search(sentence) and not _negated_in(sentence, source):
        missing.append("(a negation the abstract does not make)")
    elif _drops_negation(sentence, source):
        missing.append("(leaves out the abstract's negation)")
    if _NEGATION.search(sentence) and not _QUANTIFIED.search(sentence) and _NOT_ALL.search(_closest(sentence, source)[0]):
        missing.append("(says of every case what the abstract says of some)")
    if _CLAIMED_CAUSE.search(sentence) and not _ASKS_CAUSE.search(question) and not _closest_say(sentence, source, _CAUSE):
        missing.append("(a cause the abstract does not give)")
    return list(dict.fromkeys(missing))


# 'X outperforms Y due to Z': a sentence that says what causes what; the abstract must say so too,
# unless the question asks why (the model's 'because' answers it, and its words are checked)
_CLAIMED_CAUSE = re.compile(
    r"\b(?:due\s+to|because|as\s+a\s+result\s+of|thanks\s+to|owing\s+to|leads?\s+to|led\s+to|results?\s+in|resulted\s+in|"
    r"caused\s+by)\b",
    re.I,
)
_CAUSE = re.compile(
    r"\b(?:due\s+to|because|as\s+a\s+result|thanks\s+to|owing\s+to|leads?\s+to|led\s+to|leading\s+to|results?\s+in|"
    r"resulted\s+in|resulting\s+in|caused?|causes|causing|therefore|thus|hence|so\s+that|consequently|since|attribut\w*\s+to|"
    r"explain\w*|enabl\w*|allow\w*|shows?\s+that)\b",
    re.I,
)
_ASKS_CAUSE = re.compile(r"\b(?:why|how\s+come|what\s+(?:causes|caused|leads|led|explains)|reasons?|because)\b", re.I)


# 'What causes Werner syndrome?' - '... owing to mutations in WRN': a cause said in other words. The
# cause follows these words ('caused by mutations', 'the cause of X is ...') ...
_CAUSED_BY = re.compile(
    r"\b(?:(?:caused|triggered|induced|driven)\s+by|due\s+to|because\s+of|owing\s+to|as\s+a\s+result\s+of|"
    r"(?:results?|resulting|resulted|arises?|arising|arose|stems?|stemming|stemmed)\s+from|attribut\w*\s+to|"
    r"causes?\s+of\b[^.;]*?\b(?:is|are|was|were|includes?|included|lies?|lay)\s)",
    re.I,
)
# ... and stands before these ('mutations in WRN cause ...')
_CAUSES = re.compile(
    r"\b(?:causes?(?!\s+of\b)|causing|leads?\s+to|led\s+to|results?\s+in|resulted\s+in|triggers?|underlies)\b", re.I
)
_CAUSE_WORDS = frozenset(terms("cause causes caused causing"))


def _causes(sentence: str) -> list[set[str]]:
    """The words of each cause a sentence gives: after 'caused by', 'owing to', 'the cause of X is';
    before 'causes', 'leads to'."""
    found = [set(content_terms(sentence[m.end() :])) for m in _CAUSED_BY.finditer(sentence)]
    found += [set(content_terms(sentence[: m.start()])) for m in _CAUSES.finditer(sentence)]
    return [f for f in found if f]


def cause_given(sentence: str, source: str) -> bool | None:
    """Whether the cause a sentence gives ('caused by mutations in WRN') is one a sentence of the
    source gives ('... owing to mutations in WRN'), in its words; None when the sentence gives none."""
    said = _causes(sentence)
    if not said:
        return None
    given = [c for s in split_sentences(source) for c in _causes(s)]
    return any(all(t in g for t in c) for c in said for g in given)


def _closest(sentence: str, source: str) -> list[str]:
    """The source's sentences, closest to `sentence` (by shared terms) first."""
    said = set(terms(sentence))
    return sorted(split_sentences(source) or [source], key=lambda s: -len(said & set(terms(s))))


def _closest_say(sentence: str, source: str, pattern: re.Pattern[str]) -> bool:
    """Whether one of the two source sentences closest to `sentence` matches `pattern`."""
    return any(pattern.search(s) for s in _closest(sentence, source)[:2])


# 'not all cases of heterophily are harmful' is no 'heterophily is not harmful'
_NOT_ALL = re.compile(r"\bnot\s+(?:all|every|always|necessarily|universally)\b", re.I)
_QUANTIFIED = re.compile(r"\b(?:all|every|always|some|certain|many|most|several|necessarily|universally|only|sometimes)\b", re.I)
_TOKEN = re.compile(r"[\w'’-]+|[,;:()]")
_CLAUSE_BREAK = re.compile(r"[,;:()]|and|but|or|while|whereas|although|though|however|yet", re.I)


def _drops_negation(sentence: str, source: str) -> bool:
    """Whether a sentence with no negation says what the source sentence closest to it (by shared
    terms) negates: 'heterophily is harmful for GNNs' from 'not all cases of heterophily are harmful
    for GNNs'. A negation reaches to the end of its clause ('does not require Y, and improves Z'
    negates nothing of 'improves Z'); 'not only' negates nothing."""
    if _NEGATION.search(sentence):
        return False
    said = set(terms(sentence))
    tokens = _TOKEN.findall(_closest(sentence, source)[0])
    for i, token in enumerate(tokens):
        if not _NEGATION.fullmatch(token) or (i + 1 < len(tokens) and tokens[i + 1].lower() == "only"):
            continue
        scope = itertools.takewhile(lambda t: not _CLAUSE_BREAK.fullmatch(t), tokens[i + 1 :])
        if any(said & set(terms(t)) for t in scope):
            return True
    return False


_SUBJECT = re.compile(r"^\s*(?P<subject>(?:[\w\-/'’]+\s+){1,4}?)(?:is|are|was|were)\b", re.I)


def subject_terms(sentence: str) -> list[str]:
    """The content words of what a short 'X is / are ...' sentence is about: its source must use
    them all, or the sentence credits the abstract's words to something else ("OPA1 gene therapy is
    a novel way ..." from an abstract on OPA1 that never mentions gene therapy)."""
    m = _SUBJECT.match(sentence)
    return content_terms(m["subject"]) if m else []


def _subject_in(sentence: str, source: str) -> tuple[str | None, list[str], set[int]]:
    """The name a sentence speaks of (its first exact name: 'Med-PaLM'), the source's sentences, and
    the positions within one sentence of those naming it; no name when the source lacks it."""
    subject = next((t for t in NAME_TOKEN.findall(sentence) if name_like(t) and not t[0].isdigit() and not numbers(t)), None)
    if subject is None or subject.lower() not in source.lower():
        return None, [], set()
    parts = split_sentences(source) or [source]
    named = [i for i, p in enumerate(parts) if subject.lower() in p.lower()]
    return subject, parts, {j for i in named for j in (i - 1, i, i + 1)}


def said_of_another(sentence: str, source: str) -> list[str]:
    """Numbers the source gives, but not near the thing the sentence says them of: "Med-PaLM reaches
    67.6%" when the abstract says 67.6% of Flan-PaLM, three sentences before it names Med-PaLM. A
    number and the name it is said of must stand within two consecutive sentences of the source."""
    subject, parts, near_subject = _subject_in(sentence, source)
    if subject is None:
        return []  # no name, or one the source lacks (reported by the name check)
    found = [{digits(m) for m in numbers(p)} for p in parts]  # the numbers of each source sentence
    near = set().union(*(found[j] for j in near_subject if 0 <= j < len(parts)))
    anywhere = set().union(*found)
    return [
        f"{n} (said of something other than {subject})"
        for n in numbers(sentence)
        if digits(n) in anywhere and digits(n) not in near
    ]


# a number and the name it is said of, right after it: '67.6% accuracy on MedQA', '30 of 32 benchmarks in Gemini'
_NUMBER_ON = re.compile(r"^[^\s]*\s+(?:[\w%-]+\s+){0,3}?(?:on|in|for|of|at)\s+(?:the\s+)?(?P<name>[^\W_][\w\-.]*[^\W_])")


def _named_after(text: str) -> dict[str, set[str]]:
    """Per number of a text (its digits), the exact names said right after it ('on MedQA')."""
    out: dict[str, set[str]] = {}
    for m in re.finditer(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text):
        after = _NUMBER_ON.match(text[m.start() :])
        if after and name_like(after["name"]) and not _PLAIN_NUMBER.fullmatch(after["name"]):
            out.setdefault(digits(m.group(0)), set()).add(after["name"].lower())
    return out


def named_otherwise(sentence: str, source: str) -> list[str]:
    """A number said of a name the source does not say it of: "67.6% accuracy on MedMCQA" when the
    abstract lists MedQA, MedMCQA, ... and says "67.6% accuracy on MedQA"."""
    said, given = _named_after(sentence), _named_after(source)
    return [
        f"{n} (said of {', '.join(sorted(given[n]))}, not {name})"
        for n, names in said.items()
        for name in names
        if n in given and name not in given[n]
    ]


def copied_of_another(sentence: str, source: str) -> list[str]:
    """Words copied from a part of the source that speaks of something other than the thing the
    sentence names: "Med-PaLM outperforms Flan-PaLM under multiple experiment settings" when the
    abstract says that of Flan-MoE. A run of four content words the sentence shares with a source
    sentence that (with its neighbours) names another thing must stand within two consecutive
    sentences of one naming the sentence's subject."""
    subject, parts, near = _subject_in(sentence, source)
    if subject is None:
        return []

    def others(i: int) -> bool:  # the source sentence, or one beside it, names another thing exactly
        around = " ".join(parts[max(0, i - 1) : i + 2])
        return any(name_like(t) and not numbers(t) and t.lower() != subject.lower() for t in NAME_TOKEN.findall(around))

    grams = _runs(sentence)
    elsewhere = [g for i, p in enumerate(parts) if i not in near and others(i) for g in grams & _runs(p)]
    return [f"'{' '.join(elsewhere[0])}' (said of something other than {subject})"] if elsewhere else []


def _runs(text: str) -> set[tuple[str, ...]]:
    """Four content words in a row ('multiple experiment settings instruction'), stemmed."""
    t = terms(text)
    return {tuple(t[i : i + 4]) for i in range(len(t) - 3)}


def exact_names(text: str) -> set[str]:
    """The exact names of a text ('GPT-4', 'UL2R'), lower-cased; numbers left out."""
    return {t.lower() for t in NAME_TOKEN.findall(text) if name_like(t) and not t[0].isdigit()}


def _opener(text: str) -> str | None:
    """The exact name a sentence opens with (among its first four words): what it speaks of."""
    words = NAME_TOKEN.findall(re.sub(r"^\s*abstract\s*:\s*", "", text, flags=re.I))[:4]
    return next((w.lower() for w in words if name_like(w) and not w[0].isdigit()), None)


def claimed_of_other(sentence: str, source: str) -> list[str]:
    """Words copied from a sentence of the source that speaks of another thing, said of a thing the
    source names only once in passing: "GPT-4 Turbo is especially better at vision and audio
    understanding" when the abstract says "It matches GPT-4 Turbo performance ..." and then "GPT-4o is
    especially better at vision and audio understanding ...". A run of four content words the
    sentence shares with a source sentence opening with another name must also stand in a sentence
    that names the sentence's things (a variant counts: 'Flan-PaLM-62B' for 'Flan-PaLM'), or follows
    one that does without opening with another name ('It ...'). A thing the source names in two or
    more sentences is what the paper is about and is left to the other checks ('U-PaLM' and 'UL2R'
    in one abstract)."""
    own = exact_names(sentence)

    def names_own(text: str) -> bool:
        return any(n == o or n.startswith(o + "-") for n in exact_names(text) for o in own)

    def other(opener: str | None) -> bool:
        return opener is not None and not any(opener == o or opener.startswith(o + "-") for o in own)

    parts = split_sentences(source) or [source]
    if sum(names_own(p) for p in parts) != 1:
        return []
    speaks, previous = [], False
    for p in parts:
        previous = names_own(p) or (previous and not other(_opener(p)))
        speaks.append(previous)
    held = set().union(*(_runs(p) for p, s in zip(parts, speaks, strict=True) if s))
    grams = _runs(sentence)
    for p, s in zip(parts, speaks, strict=True):
        if not s and other(_opener(p)) and (shared := (grams & _runs(p)) - held):
            return [f"'{' '.join(min(shared))}' (said of {_opener(p)})"]
    return []


# a sentence where the paper says what it contributes ('In this work, we propose a ...')
_CONTRIBUTES = re.compile(
    r"\b(?:we|this\s+(?:paper|work|report|study))\s+(?:propose|present|introduce|develop|describe)s?\b|\bin\s+this\s+(?:work|paper)\b",
    re.I,
)
_DEFINED = re.compile(
    r"^\s*(?:the\s+)?(?P<x>[^\W_][\w\-.]*[^\W_])(?:\s+[a-z]\w*){0,2}\s+(?:is|are|was|were)\s+(?:a|an|the)\b", re.I
)


# what a sentence says something of, when it opens with a name: 'Primer augments the model with ...'
_OPENS = re.compile(
    r"^\s*(?:the\s+)?(?P<x>[^\W_][\w\-.]*[^\W_])(?:\s+(?:architecture|model|method|system|approach))?"
    r"\s+(?:[a-z]\w*s|is|are|was|were|has|have)\b",
    re.I,
)


def only_compared_with(name: str, source: str) -> bool:
    """Whether the source names a thing once, and only as something it compares itself with
    ('outperforms several strong baselines such as the Transformer and the Primer')."""
    parts = split_sentences(source) or [source]
    at = bounded(name)
    naming = [p for p in parts if re.search(at, p, re.I)]
    return len(naming) == 1 and bool(re.search(rf"{COMPARED_WITH}[^.;]*{at}", naming[0], re.I))


def credited_with_contribution(sentence: str, source: str, question: str = "") -> list[str]:
    """A definition of a thing ('Primer architecture is a modification to the Transformer ...'), or
    a claim opening with its name ('Primer augments the model with n-grams ...'), in the words of
    the sentence where the paper says what it contributes ('we propose a simple yet effective
    modification to the Transformer ... by augmenting the model with n-grams ...'), when the paper
    names that thing only once, as something it compares itself with ('baselines such as the
    Transformer and the Primer'): the contribution is credited to another thing. The thing is
    written with a capital, or is one the question writes so ('The primer architecture is ...' to
    'How does the Primer architecture work?')."""
    m = _DEFINED.match(sentence) or _OPENS.match(sentence)
    asked = {w.lower() for w in re.findall(r"\b[A-Z][\w\-.]*", question)}
    if not m or not (m["x"][:1].isupper() or m["x"].lower() in asked):
        return []
    x = m["x"]
    if not only_compared_with(x, source):
        return []
    grams = _runs(sentence)
    if any(grams & _runs(p) for p in split_sentences(source) if _CONTRIBUTES.search(p) and x.lower() not in p.lower()):
        return [f"'{x}' (given what the paper contributes; it names {x} only as what it compares with)"]
    return []


# a definition of a thing written with capitals, one to four words: 'The Preparedness Framework is a ...'
_DEFINED_NAME = re.compile(
    r"^\s*(?:[Tt]he\s+)?(?P<x>(?:[A-Z][\w\-.]*\s+){0,3}[A-Z][\w\-.]*)\s+(?:is|are|was|were)\s+(?:a|an|the)\b"
)
# where a sentence turns to the items of what it speaks of: '..., including safety evaluations, ... and X'
_ITEMS = re.compile(r"\b(?:including|such\s+as|e\.g\.|as\s+well\s+as|among\s+them)", re.I)


def defined_by_its_owner(sentence: str, source: str) -> list[str]:
    """A definition of a thing the abstract names only as an item of what one sentence speaks of,
    in the words that sentence says of that whole: "The Preparedness Framework is a comprehensive
    evaluation of the safety work carried out for the OpenAI o1 ..." of "This report outlines the
    safety work carried out for the OpenAI o1 ..., including safety evaluations, external red
    teaming, and Preparedness Framework evaluations". The definition shares a run of four content
    words with the part of that sentence before its items begin."""
    m = _DEFINED_NAME.match(sentence)
    if not m:
        return []
    x = m["x"]
    at = bounded(x)
    naming = [p for p in split_sentences(source) or [source] if re.search(at, p, re.I)]
    if len(naming) != 1:
        return []
    items = _ITEMS.search(naming[0])
    if items is None or re.search(at, naming[0][: items.start()], re.I) or not re.search(at, naming[0][items.end() :], re.I):
        return []
    if _runs(sentence) & _runs(naming[0][: items.start()]):
        return [f"'{x}' (defined with what the abstract says of the whole it is named as a part of)"]
    return []


def _negated_in(sentence: str, source: str) -> bool:
    """Whether the source sentences closest to `sentence` (by shared terms) also negate."""
    return _closest_say(sentence, source, _NEGATION)


def responsive(sentence: str, question: str) -> bool:
    """The sentence adds something the question did not already say (and a number when one is asked for)."""
    q_terms = set(terms(question))
    if not [t for t in content_terms(sentence) if t not in q_terms]:
        return False
    return not wants_number(question) or bool(numbers(sentence))


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """What the check made of one sentence: kept (with the citations that support it) or dropped, and why."""

    text: str
    citations: tuple[int, ...]
    kept: bool
    why: str = ""
    repaired: bool = False


def check_sentence(sentence: str, question: str, sources: dict[int, str], allowed: set[int] | None = None) -> Verdict:
    """Check one sentence of the model against the numbered sources it was shown.

    Kept with its own citations when they support it; else with the one shown source that does
    (`repaired`); else dropped. `allowed` limits which sources a repair may cite (a list answer's
    line may only cite papers on the list)."""
    body = without_citations(sentence)
    cited = [n for n in cited_numbers(sentence) if n in sources]

    def unsupported_by(numbers: list[int]) -> list[str]:  # what the abstracts `numbers` do not hold
        source = " ".join(sources[n] for n in numbers)
        others = [sources[n] for n in sources if n not in numbers]
        return unsupported(body, question, source, joined=len(numbers) > 1) + misplaced(body, question, source, others)

    if not re.search(r"\w{2,}", body):
        return Verdict(text=body, citations=(), kept=False, why="no words")
    if incomplete(body):
        return Verdict(text=body, citations=(), kept=False, why="unfinished")
    if is_refusal(body):
        return Verdict(text=body, citations=(), kept=False, why="refusal")
    if _ASKED_BACK.search(body):
        # 'The question follows the earlier question: How is ...?': the prompt said back, not an answer
        return Verdict(text=body, citations=(), kept=False, why="a question, not an answer")
    if repetitive(body, " ".join(sources.values()), question=question):
        return Verdict(text=body, citations=(), kept=False, why="repeats itself")
    if cited and not unsupported_by(cited):
        holding = tuple(n for n in cited if not unsupported_by([n])) or tuple(cited)
        return Verdict(text=body, citations=holding, kept=True)
    pool = [n for n in sources if allowed is None or n in allowed]
    for n in sorted(pool, key=lambda n: -_shared(body, sources[n])):
        if not unsupported_by([n]):
            return Verdict(text=body, citations=(n,), kept=True, repaired=True)
    m = _CLAIMED_CAUSE.search(body)
    if m and not _ASKS_CAUSE.search(question) and len(clause := body[: m.start()].rstrip(" ,;:-").split()) >= 3:
        # 'Flan-PaLM is inferior to clinicians due to its accuracy ...': what stands before a cause
        # the abstract does not give may hold on its own (not when the question asks why: there the
        # cause is the answer, and what stands before it only says the question back)
        cut = check_sentence(" ".join(clause) + "." + "".join(f"[{n}]" for n in cited), question, sources, allowed)
        if cut.kept:
            return replace(cut, repaired=True)
    why = ", ".join(unsupported_by(cited)[:4]) if cited else "no shown abstract holds it"
    return Verdict(text=body, citations=tuple(cited), kept=False, why=f"unsupported: {why}")


def copied_from(sentence: str, source: str) -> str | None:
    """The source sentence a model sentence mostly copies (most of its word 4-grams), or None."""
    grams = _grams(sentence)
    if len(grams) < 3:
        return None
    for s in split_sentences(source):
        if len(grams & _grams(s)) >= tuning.COPIED * len(grams):
            return s
    return None


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    return set(_gram_list(text, n))


def _shared(text: str, source: str) -> int:
    return len(set(terms(text)) & set(terms(source)))


class SentenceBuffer:
    """Collects streamed text and hands out complete sentences, each with the citations that
    follow its full stop ('X is Y. [1] Z ...' gives 'X is Y. [1]'), and each line of a list."""

    def __init__(self) -> None:
        self._text = ""

    def feed(self, piece: str) -> list[str]:
        self._text += piece
        lines = self._text.split("\n")
        done = [s for line in lines[:-1] for s in _sentences(line)]
        tail = _sentences(lines[-1])
        # The last sentence may still grow, and a citation may still follow its full stop.
        done += tail[:-1]
        # split_sentences trims: keep the space that separates the held sentence from what comes next
        self._text = (tail[-1] + (" " if lines[-1][-1:].isspace() else "")) if tail else ""
        return [s for s in done if s.strip()]

    def flush(self) -> list[str]:
        rest, self._text = self._text, ""
        return [s for s in _sentences(rest) if s.strip()]


def _sentences(line: str) -> list[str]:
    """A line's sentences, with citations that open a sentence moved to the one before."""
    out: list[str] = []
    for s in split_sentences(line):
        m = _LEADING_CITES.match(s)
        if m and out:
            out[-1] = f"{out[-1]} {m.group(1).strip()}"
            s = s[m.end() :]
        if s.strip():
            out.append(s)
    return out
