"""Measured evidence: which sentences answer a question, whether the library holds an answer at all,
and whether a generated answer is supported by the passages it was shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from . import tuning
from .text import NAME_TOKEN, STOPWORDS, bounded, name_like, split_sentences, terms
from .types import Passage

Embed = Callable[[list[str]], np.ndarray]
DocFreq = Callable[[list[str]], tuple[dict[str, int], int]]  # terms -> (document frequencies, documents)

# Words that shape a question without saying what it is about.
_QUESTION_WORDS = set(
    terms(
        "what which who whom whose when where why how many much kind type sort does do did is are was were "
        "use used using mean means called name named stand stands describe described tell show shown "
        "happen happens happened "
        # the paper's writers ('the UniMax authors') and a preposition: no abstract's evidence
        "author authors researcher researchers along"
    )
)
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|x|×|[kKmMbB]\b|billion|million|thousand))?")
_NUMERIC_Q = re.compile(
    r"\b(how (many|much|long|fast|quickly|large|big|often)|what (percentage|fraction|proportion|number|accuracy|size))\b"
    # 'what was the median time ...', 'what pooled relative risk ...', 'what resolution / dose / score ...':
    # a statistic or a measured quantity is a number
    r"|\bwhat\s+(?:(?:is|was|are|were)\s+)?(?:the\s+)?(?:(?:median|mean|average|pooled|overall)\s+(?:[\w-]+\s+){0,2}?[\w-]+"
    r"|(?:[\w-]+\s+)?(?:ratio|rate|dose|duration|resolution|temperature|score|percentage|incidence|prevalence|concentration))\b",
    re.I,
)


_AUX = (
    "is are was were be been do does did has have had can could will would should may might must was were am being shall"
).split()
# Answer-type nouns that name the kind of answer rather than something the abstract must say.
_GENERIC_FOCUS = set(
    terms(
        "model method approach system product tool technique paper work study company organization organisation "
        "person author one thing part way name term idea result finding"
    )
)
_FOCUS_Q = re.compile(r"\b(?:how (?:many|much)|what|which)\s+((?:[\w][\w\-]*\s*){1,7})", re.I)
# Words that end the noun phrase of 'how many X go into ...' when no auxiliary verb does.
_PHRASE_END = set(
    "in into on of for to by with from at per across over under between go goes went come comes make makes cover covers "
    "include includes contain contains appear appears exist exists take takes took get gets".split()
)
_DETERMINERS = {"the", "a", "an", "its", "their", "this", "these", "that", "those", "his", "her", "our"}
_KIND_OF = re.compile(r"^(?:kinds?|types?|sorts?)\s+of\s+", re.I)


def focus_phrase(question: str) -> list[str]:
    """The stemmed words naming what a 'how many X' / 'what X' / 'which X' question asks about
    ('how many programming languages is ...' -> ['program', 'languag']), the head noun last."""
    m = _FOCUS_Q.search(question)
    if not m:
        return []
    phrase = _KIND_OF.sub("", m.group(1).strip())
    words_ = phrase.split()
    if words_ and words_[0].lower() in ("is", "are", "was", "were") and m.group(0).lower().startswith(("what", "which")):
        # 'what is the context length of Gemini Nano': the thing asked about comes before 'of'
        of = re.match(
            r"(?:is|are|was|were)\s+(?:the\s+|a\s+|an\s+)?((?:[\w\-]+\s+){0,3}?[\w\-]+)\s+(?:of|for|in|on)\b", phrase, re.I
        )
        if not of or re.search(r"\w{3,}ed\b", of.group(1), re.I):
            return []  # 'what is Med-PaLM compared against in ...': a past participle is no thing asked about
        if len(of.group(1).split()) > 1 and re.search(r"\w{3,}ing$", of.group(1), re.I):
            return []  # 'what is that claim resting on': nor is a present participle after its subject
        return [t for w in of.group(1).split() for t in terms(w)]
    if not words_ or words_[0].lower() in _AUX:
        return []
    if len(words_) > 1 and words_[1].lower() in _DETERMINERS:
        # 'what motivated the design of X': 'what' is the subject of a verb, not a noun's determiner
        return []
    head = []
    for w in words_[:6]:
        if w.lower() in _AUX or w.lower() in _PHRASE_END:
            break
        head.append(w)
    if len(head) == len(words_[:6]) and len(words_) > 1:  # nothing ends the noun phrase: the noun is the first word
        head = head[:1]
    return [t for w in head for t in terms(w)]


def focus_term(question: str) -> str | None:
    """The thing a question asks about (the head noun of its focus phrase), or None when the
    question has no such noun or names only the kind of answer ('which model')."""
    phrase = focus_phrase(question)
    if not phrase or phrase[-1] in _GENERIC_FOCUS or phrase[-1] in _QUESTION_WORDS:
        return None
    return phrase[-1]


_DECISION = re.compile(r"^\W*(yes|no)\b[\s,.;:!-]*", re.I)


def split_decision(answer: str) -> tuple[str | None, str]:
    """('Yes' | 'No' | None, the rest) of an answer."""
    m = _DECISION.match(answer)
    if not m:
        return None, answer
    return m.group(1).capitalize(), answer[m.end() :]


# A finding stated in the negative: no effect, no difference, no association.
_NEGATED_FINDING = re.compile(
    r"\b(no (statistically )?significant|not (statistically )?significant\w*|non-?significant"
    r"|did not (differ|improve|reduce|increase|affect|change|predict|show|find|correlate)"
    r"|no (difference|association|correlation|relationship|effect|benefit|evidence)"
    r"|not (associated|correlated|related|predictive|different)|was not|were not|does not|do not|failed to"
    r"|similar|comparable|independent(ly)? of)\b",
    re.I,
)


# A claim made of every case ('on every single task', 'always bad news'), and a sentence that makes
# it of some cases only ('on most of the tasks', 'not all cases of heterophily are harmful').
_UNIVERSAL = re.compile(r"\b(?:every|all|always|each)\b", re.I)
_NOT_ALL = re.compile(r"\bnot\s+(?:all|always|every)\b", re.I)
_HEDGED = re.compile(r"\b(?:most|many|some|several|not\s+all|not\s+always|majority|mostly|partly|partially|certain|few)\b", re.I)


# A negation and the words it denies: up to the end of its clause ('without requiring
# human-written chain-of-thoughts or answers', 'but not neurogenesis or neuronal death'). 'not only'
# and 'no longer' deny nothing; 'It is not known whether ...' states a gap, not a finding.
_NEGATION = re.compile(
    r"\b(?:without|not(?!\s+only\b)|no(?!\s+longer\b)|neither|nor|rather\s+than|instead\s+of|lack(?:s|ed|ing)?(?:\s+of)?"
    r"|absence\s+of|fail(?:s|ed)?\s+to|cannot|can't|never|unlikely\s+to)\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[,;:.()]|\b(?:but|whereas|while|although|however)\b", re.I)
_GAP = re.compile(
    r"\b(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:known|clear|understood|established|studied|investigated|determined"
    r"|evaluated|explored|reported)\b|\bno\s+(?:data|studies|study|evidence\s+exists)",
    re.I,
)


def denied(text: str) -> set[str]:
    """The stemmed words `text` denies: those after a negation, up to the end of its clause."""
    out: set[str] = set()
    for m in _NEGATION.finditer(text):
        rest = text[m.end() :]
        end = _CLAUSE_END.search(rest)
        out |= set(terms(rest[: end.start()] if end else rest))
    return out


def denies(sentence: str, question: str, names: AbstractSet[str] = frozenset()) -> bool:
    """Whether `sentence` denies something a yes/no question asks about (a word of it beyond the
    names `names`, which the question does not itself deny): 'Does Deliberative Alignment need
    human-written chains of thought?' - '... without requiring human-written chain-of-thoughts'."""
    if _GAP.search(sentence):
        return False
    asked = {t for t in question_terms(question) if t not in names} - denied(question)
    return bool(denied(sentence) & asked)


def _measures(text: str) -> list[tuple[str, str]]:
    """Each number of a text with its unit: the suffix written with it ('175B' -> B, '40%' -> %) or
    the stem of the word after it ('59 languages' -> languag). A number inside a name ('GPT-4o') is none."""
    out = []
    for m in _NUMBER.finditer(text):
        if m.end() < len(text) and text[m.end()].isalnum():
            continue
        value = re.match(r"[-+]?[\d,.]*\d", m.group(0))
        if not value:
            continue
        suffix = m.group(0)[value.end() :].strip().lower()
        after = re.match(r"\s+([A-Za-z][\w-]*)", text[m.end() :])
        unit = suffix or ((terms(after.group(1)) or [""])[0] if after else "")
        out.append((value.group(0).replace(",", ""), unit))
    return out


_ALL_OF = re.compile(r"\b(?:all|every|each)(?:\s+of)?(?:\s+the)?\s+(\d+)\b", re.I)
_PARTIAL = re.compile(r"\b(\d+)\s+(?:out\s+)?of\s+(?:the\s+|these\s+|those\s+)?(\d+)\b", re.I)


def contradicts(sentence: str, question: str) -> bool:
    """Whether `sentence` gives another number of something a yes/no question puts a number on,
    and never the question's: 'Were the U-PaLM models introduced at 8B, 62B and 175B scales?' -
    'at 8B, 62B, and 540B scale'; 'Does the refreshed mC4 span 59 languages?' - 'across 107 languages';
    or of what the question counts whole only a part ('all 32 benchmarks' - '30 of 32')."""
    every = {m.group(1) for m in _ALL_OF.finditer(question)}
    if any(int(part) < int(whole) and whole in every for part, whole in _PARTIAL.findall(sentence)):
        return True  # 'on all 32 benchmarks' - 'in 30 of 32 of these benchmarks'
    given = _measures(sentence)
    for value, unit in _measures(question):
        same = {v for v, u in given if u and u == unit}
        if same and value not in same:
            return True
    return False


_SPELLED = re.compile(r"\(?[^\W_]+(?:[-'.][^\W_]+)*\)?")


def _specific(token: str, first: bool) -> bool:
    """A word that names one thing of several it could be: a name ('Nano', 'ROOTS', 'GPT-4o') or a
    hyphenated term ('X-ray', 'decoder-only'); a sentence's first word is capitalised anyway."""
    return name_like(token) or "-" in token or (not first and token[0].isupper() and len(token) > 1)


def _pieces(token: str) -> set[str]:
    """A word's parts as written, lower-cased, without a possessive ('decoder-only' -> decoder, only)."""
    return set(re.split(r"[-'.]", re.sub(r"'s$", "", token.lower())))


def _stems(token: str) -> set[str]:
    """The stems of a word's parts ('X-ray' -> x, ray)."""
    return set(terms(" ".join(_pieces(token))))


def _headline(question: str) -> bool:
    """A title put as a question ('Recovery Outcome Measures: Is There a Place for Culture?'): it
    capitalises small words within a sentence, and its capitals name nothing."""
    return any(
        m.group(1).lower() in STOPWORDS and m.group(1) != "I"
        for m in re.finditer(r"(?<![:.?!]\s)(?<!^)\b([A-Z][a-zA-Z]*)\b", question.strip())
    )


def substitutes(sentences: list[Sentence], question: str) -> bool:
    """Whether an abstract's best sentence puts another name where a yes/no question names a
    thing the abstract never mentions: 'Is the Gemini family made up of Ultra, Pro and Mini
    models?' - 'consists of Ultra, Pro, and Nano sizes'; 'BLOOM uses an encoder-decoder
    Transformer, right?' - 'BLOOM is a decoder-only Transformer'. The slot is the first word of
    the sentence after the nearest word before the unmentioned thing that both share; it must
    itself be a name or a hyphenated term, not an abbreviation in brackets ('Medical Referees
    (MRs)') and not the question's thing written another way ('cadherin-stimulated' for
    'E-cadherin-stimulated'). A thing the abstract never mentions with nothing in its place is
    something the abstract is silent on, not a No."""
    if not sentences or _headline(question):
        return False
    held = {t for s in sentences for t in terms(s.text)}
    asked = [(m.group(0).strip("()"), m.start() == 0) for m in _SPELLED.finditer(question)]
    asked_words = {p for w, _ in asked for p in _pieces(w)}
    said = [w for w in (m.group(0) for m in _SPELLED.finditer(sentences[0].text)) if w.lower() not in STOPWORDS]
    stems = [_stems(w) for w in said]
    for i, (token, first) in enumerate(asked):
        parts = _stems(token)
        if token.lower() in STOPWORDS or token[0].isdigit() or not _specific(token, first) or not parts or parts <= held:
            continue
        before = [_stems(w) for w, _ in asked[:i] if w.lower() not in STOPWORDS]
        left = next((k for want in reversed(before) for k, got in enumerate(stems) if want and want <= got), None)
        slot = next((w for w in said[left + 1 :] if not w.startswith("(")), None) if left is not None else None
        if slot is None or slot[0].isdigit() or not _specific(slot, False) or _pieces(slot) <= asked_words:
            continue
        if not (_pieces(token) <= _pieces(slot) or _pieces(slot) <= _pieces(token)):
            return True
    return False


# A comparison said one way or the other: 'better than clinicians', 'reach the level of clinicians' -
# 'inferior to clinicians'.
_AHEAD = re.compile(
    r"\b(?:better|superior|outperform\w*|surpass\w*|exceed\w*|beats?|on\s+par|as\s+good\s+as|match(?:es|ed)?|rival(?:s|led)?"
    r"|reach(?:es|ed)?\s+(?:the\s+)?(?:level|performance)\s+of)\s+(?:\w+\s+){0,3}?(?:than|to|with|over)?\s*(?:the\s+)?([\w-]+)",
    re.I,
)
_BEHIND = re.compile(
    r"(?<!non-)(?<!not\s)\b(?:worse|inferior|underperform\w*|lags?\s+behind|lagged\s+behind|falls?\s+short\s+of|fell\s+short\s+of|trails?)\s+(?:than\s+|to\s+)?(?:the\s+)?([\w-]+)",
    re.I,
)


def reverses(sentence: str, question: str) -> bool:
    """Whether `sentence` ranks something the other way round from a yes/no question, against the
    same thing: 'Does Med-PaLM perform on par with or better than clinicians?' - 'remains inferior
    to clinicians'; 'Is X worse than Y?' - 'X outperformed Y'."""
    for asked, said in ((_AHEAD, _BEHIND), (_BEHIND, _AHEAD)):
        against = {t for m in asked.finditer(question) for t in terms(m.group(1))}
        if against and not asked.search(sentence) and any(set(terms(m.group(1))) & against for m in said.finditer(sentence)):
            return True
    return False


# what a paper compares itself with: 'baselines such as the Transformer and the Primer', 'better than X'
COMPARED_WITH = r"\b(?:such\s+as|than|baselines?|compared\s+(?:to|with)|outperform\w*|versus|vs\.?|surpass\w*|beat\w*|over)\b"
# a comparison the thing it opens with wins: 'X outperforms Y', 'X is faster than Y'
_WINS = re.compile(
    r"\b(?:outperform\w*|surpass\w*|beats?|beating|(?:better|faster|cheaper|stronger|more\s+accurate)\s+than)\b", re.I
)
# where a source sentence turns to what it compares with: 'It matches GPT-4 Turbo ...', '... better than X'
_COMPARING = re.compile(rf"{COMPARED_WITH}|\b(?:match(?:es|ed|ing)?|comparable\s+to|on\s+par\s+with|relative\s+to)\b", re.I)


def _winning(claim: str) -> tuple[str, str] | None:
    """The winner and the loser of a comparison a claim makes ('GPT-4 Turbo is faster than GPT-4o',
    'Does PaLM outperform U-PaLM?'): the names just before and just after 'outperforms', 'faster
    than', ...; none when it is negated or does not name both."""
    m = _WINS.search(claim)
    if not m or _NEGATION.search(claim):
        return None
    before = [t for t in NAME_TOKEN.findall(claim[: m.start()]) if name_like(t) and not t[0].isdigit()]
    after = [t for t in NAME_TOKEN.findall(claim[m.end() :]) if name_like(t) and not t[0].isdigit()]
    if not before or not after or before[-1].lower() == after[0].lower():
        return None
    return before[-1], after[0]


def turning(claim: str, parts: list[str]) -> int | None:
    """The source sentence (its index among `parts`) that makes a claim's comparison the other way
    round: "GPT-4 Turbo is faster than GPT-4o" when the abstract says of GPT-4o "It matches GPT-4
    Turbo performance ..., while also being much faster". The claim's winner (`_winning`) is, in the
    source sentences that name it in a comparison, only what they compare with (named after
    'matches', 'than', 'outperforms', ...), and the claim's loser is what one of them opens with:
    named before that point, or, when no name stands there ('It ...', 'We ...'), a thing the
    abstract names."""
    sides = _winning(claim)
    if sides is None:
        return None
    winner, loser = sides
    if not any(re.search(bounded(loser), p, re.I) for p in parts):
        return None
    turned = None
    for i, p in enumerate(parts):
        turn = _COMPARING.search(p)
        if turn is None or not re.search(bounded(winner), p, re.I):
            continue
        if _NEGATION.search(p) or re.search(bounded(winner), p[: turn.start()], re.I):
            return None  # the source has it win somewhere, or says something it does not do
        opening = [t for t in NAME_TOKEN.findall(p[: turn.start()]) if name_like(t) and not t[0].isdigit()]
        if not re.search(bounded(loser), p[turn.end() :], re.I) and all(t.lower() == loser.lower() for t in opening):
            turned = i if turned is None else turned
    return turned


def reversed_comparison(sentence: str, source: str) -> list[str]:
    """A sentence that makes its source's comparison the other way round (`turning`)."""
    if turning(sentence, split_sentences(source) or [source]) is None:
        return []
    winner, loser = _winning(sentence) or ("", "")
    return [f"'{winner}' (the abstract compares {loser} with it, not the other way)"]


def compared_so(sentences: list[Sentence], question: str) -> Sentence | None:
    """The first sentence of an abstract (ranked best first) that makes a yes/no question's
    comparison the same way round: 'Does U-PaLM outperform PaLM?' - 'we show that U-PaLM outperforms
    PaLM on many few-shot setups'."""
    sides = _winning(question)
    if sides is None:
        return None
    winner, loser = sides
    for s in sentences:
        turn = _COMPARING.search(s.text)
        if (
            turn is not None
            and re.search(bounded(winner), s.text[: turn.start()], re.I)
            and re.search(bounded(loser), s.text[turn.end() :], re.I)
        ):
            return s
    return None


def turned_round(sentences: list[Sentence], question: str) -> Sentence | None:
    """The sentence of an abstract that makes a yes/no question's comparison the other way round:
    'Does PaLM outperform U-PaLM?' - 'we show that U-PaLM outperforms PaLM on many few-shot setups'."""
    ordered = sorted(sentences, key=lambda s: s.position)
    i = turning(question, [s.text for s in ordered])
    return None if i is None else ordered[i]


_ONLY = re.compile(r"(?<!not\s)\bonly\s+(?:as\s+|on\s+|in\s+|for\s+|with\s+|by\s+|to\s+|from\s+)?([^,;:?.!]+)", re.I)
_ITEM_SEP = re.compile(r"\s*(?:,|;|\bor\b|\band\b)\s*", re.I)


def more_than_only(sentence: str, question: str) -> bool:
    """Whether `sentence` lists, beside what a yes/no question says is the only one, others of the
    same list: 'Are SimpleQA responses graded only as correct or incorrect?' - 'graded as either
    correct, incorrect, or not attempted'; 'better than PaLM only on English tasks' - 'English NLP
    tasks, reasoning tasks ..., multilingual tasks'. A list's items are told by its 'and'/'or', or
    by a word they share ('tasks'); commas alone may only set off a clause."""
    m = _ONLY.search(question)
    if not m:
        return False
    asked = [terms(x)[0] for x in _ITEM_SEP.split(m.group(1)) if terms(x)]  # each item's first word tells it apart
    unbracketed = re.sub(r"\([^)]*\)", " ", sentence)
    chunks = [set(terms(x)) for x in _ITEM_SEP.split(unbracketed)]
    joins = [j.strip().lower() for j in _ITEM_SEP.findall(unbracketed)]
    hits = [i for i, c in enumerate(chunks) if any(a in c for a in asked)]
    if not hits or len(hits) < len(asked):
        return False
    for h in hits:
        for i in range(h + 1, len(chunks)):
            if i in hits or not chunks[i]:
                continue  # ', or' leaves an empty piece
            joined = any(j in ("and", "or") for j in joins[h:i]) and len(chunks[i]) <= 4
            if joined or (chunks[h] & chunks[i]) - set(asked):
                return True
            break
    return False


_RATHER = re.compile(r"\b(?:rather\s+than|instead\s+of)\s+([^,;:.?!]+)", re.I)


def prefers_other(sentence: str, question: str) -> bool:
    """Whether `sentence` says the very thing a yes/no question sets aside, and not what it puts in
    its place: 'Was o1 taught to reason mainly by supervised imitation rather than reinforcement
    learning?' - 'trained with large-scale reinforcement learning'."""
    m = _RATHER.search(question)
    if not m:
        return False
    before = re.findall(r"[\w'-]+", question[: m.start()])
    chosen: list[str] = []
    for w in reversed(before):  # the words just before 'rather than', back to a small word
        if w.lower() in STOPWORDS:
            break
        chosen.insert(0, w)
    other, held = set(terms(m.group(1))), set(terms(sentence))
    return bool(other) and other <= held and not set(terms(" ".join(chosen))) & held


def counted_otherwise(sentences: list[Sentence], question: str) -> Sentence | None:
    """The best-ranked sentence of an abstract that gives another number of what a yes/no question
    puts a number on, when no sentence of it gives the question's: 'Did about 40% of potentially
    curable patients become incurable ...?' - '21% of potentially curable patients became
    incurable' (the abstract's best sentence, on the audit, gives no percentage)."""
    for value, unit in _measures(question):
        if not unit or any((value, unit) in _measures(s.text) for s in sentences):
            continue
        found = next((s for s in sentences if any(u == unit for _, u in _measures(s.text))), None)
        if found is not None:
            return found
    return None


def closing(sentences: list[Sentence]) -> list[Sentence]:
    """The last three sentences of an abstract, in order: where studies state their findings."""
    return sorted(sentences, key=lambda s: s.position)[-3:]


def deciding(sentences: list[Sentence], question: str, names: AbstractSet[str] = frozenset()) -> Sentence | None:
    """The sentence of an abstract (ranked best first) that says No to a yes/no question, if one
    does: its best sentence says of some cases only what the question claims of every case ('Does
    ACM beat the state of the art on every single task?' - 'on most of the tasks'), denies what the
    question asks about (`denies`; `names`: the stemmed words of the things the question names,
    which are no claim), gives another number of what it counts (`contradicts`), puts another name
    in the place of one the abstract never mentions (`substitutes`), says what the question sets
    aside ('rather than ...', `prefers_other`), ranks the thing the other way round (`reverses`)
    or lists more than the question's 'only' (`more_than_only`); else its sentence that makes the
    question's comparison the other way round (`turned_round`); else the last of its closing
    three sentences, where findings are stated, that denies it ('Delayed TPT did not affect overall
    survival'); else the best sentence giving another number of what the question counts, when
    the abstract never gives the question's (`counted_otherwise`)."""
    if not sentences:
        return None
    best = sentences[0]
    universal = (
        bool(_UNIVERSAL.search(question))
        and bool(_HEDGED.search(best.text))
        and not _UNIVERSAL.search(_NOT_ALL.sub("", best.text))
    )
    if (
        universal
        or denies(best.text, question, names)
        or contradicts(best.text, question)
        or substitutes(sentences, question)
        or prefers_other(best.text, question)
        or reverses(best.text, question)
        or more_than_only(best.text, question)
    ):
        return best
    if (turned := turned_round(sentences, question)) is not None:
        return turned
    return next((s for s in reversed(closing(sentences)) if denies(s.text, question, names)), None) or counted_otherwise(
        sentences, question
    )


def decide(sentences: list[Sentence], question: str = "", names: AbstractSet[str] = frozenset()) -> str:
    """'Yes' or 'No' for a yes/no question from the best abstract: 'No' when a sentence of it says
    so (`deciding`); otherwise from the closing sentences: two or more of the last three state a
    negative finding -> 'No'. (On PubMedQA's dev half this reads 0.58, 'always yes' 0.54; the
    models' own yes/no was no better than chance, README.)"""
    if deciding(sentences, question, names) is not None:
        return "No"
    last = closing(sentences)
    negated = sum(bool(_NEGATED_FINDING.search(s.text)) for s in last)
    return "No" if negated >= min(2, len(last)) and negated else "Yes"


def question_terms(question: str) -> list[str]:
    """The stemmed terms that say what a question is about (question words removed)."""
    return [t for t in dict.fromkeys(terms(question)) if t not in _QUESTION_WORDS]


def wants_number(question: str) -> bool:
    return bool(_NUMERIC_Q.search(question))


# Counts written as words ("six existing datasets"), as their digits. "one" is left out: it is
# mostly a pronoun ("one of the ...").
WORD_NUMBERS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
    if i >= 2
} | {w: str(10 * i) for i, w in enumerate("_ _ _ thirty forty fifty sixty seventy eighty ninety".split()) if i >= 3}
_WORD_NUMBER = re.compile(rf"\b(?:{'|'.join(WORD_NUMBERS)})\b", re.I)


def numbers(text: str) -> list[str]:
    """The numbers in a text, as written ('176B', '4.4 million'), and counts written as words as digits."""
    found = [m.group(0).strip().replace(",", "") for m in _NUMBER.finditer(text)]
    return found + [WORD_NUMBERS[m.group(0).lower()] for m in _WORD_NUMBER.finditer(text)]


@dataclass(frozen=True)
class Sentence:
    passage: int  # index into the passages list
    position: int  # index of the sentence within its abstract
    text: str
    score: float
    dense: float
    coverage: float


@dataclass(kw_only=True)
class Evidence:
    """Everything measured about a question and its retrieved passages."""

    question_terms: list[str]
    sentences: list[list[Sentence]]  # per passage, all sentences, best first
    coverage: float  # best IDF-weighted share of the question's terms found in one passage
    known_coverage: float  # the same, over the question's terms that some document in the library uses
    sentence_coverage: float  # the same, within the best sentence
    dense: float  # best cosine of the question with an abstract
    sentence_dense: float  # best cosine of the question with a sentence
    unknown_share: float  # IDF-weighted share of question terms no document in the library uses
    agreement: float  # 1 when the dense and lexical rankings agree on the top passage
    focus: str | None = None  # the thing asked about ('paramet' in 'how many parameters ...')
    focus_found: float = 1.0  # 1 when the library uses the word for the focus at all
    passage_coverage: list[float] = field(default_factory=list)  # per passage, share of the question's terms
    # the embedding of every sentence, per passage in abstract order: another question about the
    # same passages (the second part of a two-part one) is scored without embedding them again
    vectors: list[np.ndarray] = field(default_factory=list, repr=False, compare=False)
    features: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # the question's terms, by rarity in the library

    def unsaid(self, passage: int, said: set[str]) -> list[Sentence]:
        """The sentences of passage `passage` ranked as `sentences` ranks them, with the question's
        words that `said` (the stemmed words of an answer so far) does not hold yet counted once more:
        the score (cosine, plus the TF-ISF share of the question's words in the sentence) plus the same
        share over the unsaid words. 'What did the Flan 2022 ablations reveal about mixing prompt
        types?' answered from the ablation sentence: what is left to answer is the mixing of
        prompts, so the sentence on mixed prompt settings comes first, not the next one on ablations."""
        group = self.sentences[passage] if 0 <= passage < len(self.sentences) else []
        left = [t for t in self.question_terms if t not in said]
        if not group or len(left) in (0, len(self.question_terms)):  # all or none said: the question's own ranking
            return group
        sentence_terms = [set(terms(s.text)) for s in group]
        within = _within(left, sentence_terms, self.weights)
        scored = [
            (s.score + tuning.SENTENCE_COVERAGE * _coverage(left, st, within), s)
            for s, st in zip(group, sentence_terms, strict=True)
        ]
        return [s for _, s in sorted(scored, key=lambda x: -x[0])]

    def best(self, among: list[int] | None = None) -> Sentence | None:
        """The best sentence of all passages (of the passages `among`, when given)."""
        flat = [s for i, group in enumerate(self.sentences) for s in group[:1] if among is None or i in among]
        return max(flat, key=lambda s: s.score) if flat else None


def _coverage(q_terms: list[str], text_terms: set[str], idf: dict[str, float]) -> float:
    total = sum(idf.get(t, 1.0) for t in q_terms)
    if not total:
        return 0.0
    return sum(idf.get(t, 1.0) for t in q_terms if t in text_terms) / total


def _within(q_terms: list[str], sentence_terms: list[set[str]], idf: dict[str, float]) -> dict[str, float]:
    """The question's term weights for ranking the sentences of one abstract: the library's IDF times
    the term's inverse sentence frequency within the abstract (TF-ISF sentence retrieval). A word in
    every sentence ('Flan 2022' in its own abstract) cannot tell its sentences apart; the one word
    in a single sentence ('overlooked') can. A term no sentence uses weighs as one in a single
    sentence, so the share stays a share of everything the question asks."""
    n = len(sentence_terms)
    return {
        t: idf.get(t, 1.0) * float(np.log(1 + n / max(1, sum(t in s for s in sentence_terms)))) / float(np.log(1 + n))
        for t in q_terms
    }


_EXPANSION_Q = re.compile(r"\b(stands? for|short for|abbreviat\w*|acronym|full (name|form))\b", re.I)


def acronyms(question: str, mixed: bool = False) -> list[str]:
    """Upper-case abbreviations in a question ('ACM', 'RNN-T'), whose expansions answer 'what does X
    stand for'; `mixed`: also those with a small letter inside ('MoE', 'NETs')."""
    if mixed:
        return re.findall(r"\b[A-Z](?=[a-z0-9]?[A-Z])[A-Za-z0-9]{1,7}(?:-[A-Z0-9]+)?\b", question)
    return re.findall(r"\b[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]+)?\b", question)


def measure(question: str, passages: list[Passage], embed: Embed, doc_freq: DocFreq) -> Evidence:
    """Score every sentence of every passage against the question, and the passages as a whole."""
    q_terms = question_terms(question)
    focus = focus_term(question)
    topic = [t for t in q_terms if t != focus]
    df, n_docs = doc_freq(q_terms)
    weights = {t: float(np.log(1 + (n_docs - df[t] + 0.5) / (df[t] + 0.5))) for t in q_terms}
    per_passage = [split_sentences(p.text) or [p.text] for p in passages]
    flat = [s for group in per_passage for s in group]
    vectors = embed([question, *flat]) if flat else np.zeros((1, 1))
    qv, sv = vectors[0], vectors[1:]
    sims = sv @ qv if len(flat) else np.zeros(0)
    numeric = wants_number(question)
    expands = bool(_EXPANSION_Q.search(question))
    # 'what does MoE stand for': any abbreviation; otherwise the bonus for an acronym's definition
    # stays with upper-case ones (as set on the visible questions)
    defined = [re.compile(rf"\(\s*{re.escape(a)}s?\s*\)") for a in acronyms(question, mixed=expands)]
    out: list[list[Sentence]] = []
    i = 0
    best_cov = best_sent_cov = best_sent_dense = 0.0
    topical: list[tuple[float, set[str]]] = []
    p_cov: list[float] = []
    for pi, group in enumerate(per_passage):
        scored = []
        p_terms: set[str] = set()
        sentence_terms = [set(terms(s)) for s in group]
        within = _within(q_terms, sentence_terms, weights)
        for si, (s, s_terms) in enumerate(zip(group, sentence_terms, strict=True)):
            p_terms |= s_terms
            cov = _coverage(q_terms, s_terms, weights)
            dense = float(sims[i])
            score = dense + tuning.SENTENCE_COVERAGE * _coverage(q_terms, s_terms, within)
            if numeric and numbers(s):
                score += tuning.NUMBER_BONUS
            if focus and focus in s_terms:
                score += tuning.FOCUS_BONUS
            if any(d.search(s) for d in defined):
                score += tuning.EXPANSION_BONUS if expands else tuning.ACRONYM_BONUS
            scored.append(Sentence(pi, si, s, score, dense, cov))
            best_sent_cov = max(best_sent_cov, cov)
            best_sent_dense = max(best_sent_dense, dense)
            i += 1
        title_terms = set(terms(passages[pi].title)) if passages[pi].title else set()
        p_terms |= title_terms
        p_cov.append(_coverage(q_terms, p_terms, weights))
        best_cov = max(best_cov, p_cov[-1])
        topical.append((_coverage(topic, p_terms, weights), p_terms))
        out.append(sorted(scored, key=lambda s: -s.score))
    total_w = sum(weights.get(t, 1.0) for t in q_terms) or 1.0
    unknown = sum(weights.get(t, 1.0) for t in q_terms if not df[t]) / total_w
    # The same coverage over the words the library uses at all: a paraphrase ('plain', 'beat') that no
    # abstract happens to use says nothing about whether the library holds the answer.
    known = [t for t in q_terms if df[t]]
    known_cov = max((_coverage(known, p_terms, weights) for _, p_terms in topical), default=0.0) if known else 0.0
    # The thing asked about ('how many parameters') must be mentioned where the topic ('GPT-4o') is.
    focus_found = float(not focus or df.get(focus, 0) > 0)  # the library uses the word for the thing asked about
    dense_top = max((p.dense for p in passages), default=0.0)
    lex_top = max(passages, key=lambda p: p.lexical) if passages else None
    den_top = max(passages, key=lambda p: p.dense) if passages else None
    agree = 1.0 if lex_top is not None and lex_top is den_top and lex_top.lexical > 0 else 0.0
    ev = Evidence(
        question_terms=q_terms,
        sentences=out,
        coverage=best_cov,
        known_coverage=known_cov,
        sentence_coverage=best_sent_cov,
        dense=dense_top,
        sentence_dense=best_sent_dense,
        unknown_share=unknown,
        agreement=agree,
        focus=focus,
        focus_found=focus_found,
        passage_coverage=p_cov,
        weights=weights,
        vectors=[sv[sum(map(len, per_passage[:i])) :][: len(g)] for i, g in enumerate(per_passage)] if len(flat) else [],
    )
    ev.features = {
        "coverage": best_cov,
        "known_coverage": known_cov,
        "sentence_coverage": best_sent_cov,
        "dense": dense_top,
        "sentence_dense": best_sent_dense,
        "unknown": unknown,
        "agreement": agree,
        "focus_found": focus_found,
        "terms": float(len(q_terms)),
    }
    return ev
