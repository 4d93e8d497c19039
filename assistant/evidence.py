"""Measured evidence: which sentences answer a question, whether the library holds an answer at all,
and whether a generated answer is supported by the passages it was shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .text import split_sentences, terms
from .types import Passage

Embed = Callable[[list[str]], np.ndarray]
DocFreq = Callable[[list[str]], tuple[dict[str, int], int]]  # terms -> (document frequencies, documents)

# Words that shape a question without saying what it is about.
_QUESTION_WORDS = set(
    terms(
        "what which who whom whose when where why how many much kind type sort does do did is are was were "
        "use used using mean means called name named stand stands describe described tell show shown"
    )
)
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|x|×|[kKmMbB]\b|billion|million|thousand))?")
_NUMERIC_Q = re.compile(
    r"\b(how (many|much|long|fast|quickly|large|big|often)|what (percentage|fraction|proportion|number|accuracy|size))\b",
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
_KIND_OF = re.compile(r"^(?:kinds?|types?|sorts?)\s+of\s+", re.I)


def focus_phrase(question: str) -> list[str]:
    """The stemmed words naming what a 'how many X' / 'what X' / 'which X' question asks about
    ('how many programming languages is ...' -> ['program', 'languag']), the head noun last."""
    m = _FOCUS_Q.search(question)
    if not m:
        return []
    phrase = _KIND_OF.sub("", m.group(1).strip())
    words_ = phrase.split()
    if not words_ or words_[0].lower() in _AUX:
        return []
    head = []
    for w in words_[:6]:
        if w.lower() in _AUX:
            break
        head.append(w)
    if len(head) == len(words_[:6]) and len(words_) > 1:  # no auxiliary verb: the noun is the first word
        head = head[:1]
    return [t for w in head for t in terms(w)]


def focus_term(question: str) -> str | None:
    """The thing a question asks about (the head noun of its focus phrase), or None when the
    question has no such noun or names only the kind of answer ('which model')."""
    phrase = focus_phrase(question)
    if not phrase or phrase[-1] in _GENERIC_FOCUS or phrase[-1] in _QUESTION_WORDS:
        return None
    return phrase[-1]


_YES_NO_Q = re.compile(rf"^\W*(?:{'|'.join(sorted(set(_AUX)))})\b[^?]*\?*\s*$", re.I)
_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how|name|list|describe|explain)\b", re.I)
_CHOICE = re.compile(
    r"\bor\s+(?!not\b|older\b|more\b|less\b|greater\b|higher\b|lower\b|above\b|below\b)[\w\- ]{1,30}\?\s*$", re.I
)
_DECISION = re.compile(r"^\W*(yes|no)\b[\s,.;:!-]*", re.I)


def is_yes_no(question: str) -> bool:
    """A question answered by yes or no: it opens with an auxiliary verb ('Does X improve Y?') or
    asks without a question word, and offers no alternatives ('Is X or Y better?' is not one)."""
    q = re.split(r"[:.]\s", question.strip())[-1]  # 'Double balloon enteroscopy: is it safe?'
    if _CHOICE.search(q):
        return False
    if _YES_NO_Q.match(q):
        return True
    # an elliptic question without a question word: 'Smoking in the NICU: a risk for infants?'
    return q.rstrip().endswith("?") and not _WH.search(q)


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


def decide(sentences: list[Sentence]) -> str:
    """'Yes' or 'No' for a yes/no question from the closing sentences of the best abstract, where
    findings are stated: two or more of the last three state a negative finding -> 'No'.
    (Measured on PubMedQA: the 135M model's own Yes/No is no better than chance; this reads 0.59.)"""
    closing = sorted(sentences, key=lambda s: s.position)[-3:]
    negated = sum(bool(_NEGATED_FINDING.search(s.text)) for s in closing)
    return "No" if negated >= min(2, len(closing)) and negated else "Yes"


def question_terms(question: str) -> list[str]:
    """The stemmed terms that say what a question is about (question words removed)."""
    return [t for t in dict.fromkeys(terms(question)) if t not in _QUESTION_WORDS]


def wants_number(question: str) -> bool:
    return bool(_NUMERIC_Q.search(question))


def numbers(text: str) -> list[str]:
    return [m.group(0).strip().replace(",", "") for m in _NUMBER.finditer(text)]


@dataclass(frozen=True)
class Sentence:
    passage: int  # index into the passages list
    position: int  # index of the sentence within its abstract
    text: str
    score: float
    dense: float
    coverage: float


@dataclass
class Evidence:
    """Everything measured about a question and its retrieved passages."""

    question_terms: list[str]
    sentences: list[list[Sentence]]  # per passage, all sentences, best first
    coverage: float  # best IDF-weighted share of the question's terms found in one passage
    sentence_coverage: float  # the same, within the best sentence
    dense: float  # best cosine of the question with an abstract
    sentence_dense: float  # best cosine of the question with a sentence
    unknown_share: float  # IDF-weighted share of question terms no document in the library uses
    agreement: float  # 1 when the dense and lexical rankings agree on the top passage
    focus: str | None = None  # the thing asked about ('paramet' in 'how many parameters ...')
    focus_found: float = 1.0  # 1 when a passage on the question's topic mentions the focus
    passage_coverage: list[float] = field(default_factory=list)  # per passage, share of the question's terms
    features: dict[str, float] = field(default_factory=dict)

    def best(self) -> Sentence | None:
        flat = [s for group in self.sentences for s in group[:1]]
        return max(flat, key=lambda s: s.score) if flat else None


def _coverage(q_terms: list[str], text_terms: set[str], idf: dict[str, float]) -> float:
    total = sum(idf.get(t, 1.0) for t in q_terms)
    if not total:
        return 0.0
    return sum(idf.get(t, 1.0) for t in q_terms if t in text_terms) / total


_EXPANSION_Q = re.compile(r"\b(stands? for|short for|abbreviat\w*|acronym|full (name|form))\b", re.I)


def acronyms(question: str) -> list[str]:
    """Upper-case abbreviations in a question ('ACM', 'RNN-T'), whose expansions answer 'what does X stand for'."""
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
    defined = [re.compile(rf"\(\s*{re.escape(a)}s?\s*\)") for a in acronyms(question)]
    out: list[list[Sentence]] = []
    i = 0
    best_cov = best_sent_cov = best_sent_dense = 0.0
    topical: list[tuple[float, set[str]]] = []
    p_cov: list[float] = []
    for pi, group in enumerate(per_passage):
        scored = []
        p_terms: set[str] = set()
        for si, s in enumerate(group):
            s_terms = set(terms(s))
            p_terms |= s_terms
            cov = _coverage(q_terms, s_terms, weights)
            dense = float(sims[i])
            score = dense + 0.6 * cov
            if numeric and numbers(s):
                score += 0.1
            if focus and focus in s_terms:
                score += 0.25
            if any(d.search(s) for d in defined):
                score += 0.6 if expands else 0.15
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
    # The thing asked about ('how many parameters') must be mentioned where the topic ('GPT-4o') is.
    top_topic = max((c for c, _ in topical), default=0.0)
    focus_found = 1.0
    if focus and topic:
        focus_found = float(any(focus in t for c, t in topical if c > 0 and c >= top_topic - 0.2))
    dense_top = max((p.dense for p in passages), default=0.0)
    lex_top = max(passages, key=lambda p: p.lexical) if passages else None
    den_top = max(passages, key=lambda p: p.dense) if passages else None
    agree = 1.0 if lex_top is not None and lex_top is den_top and lex_top.lexical > 0 else 0.0
    ev = Evidence(q_terms, out, best_cov, best_sent_cov, dense_top, best_sent_dense, unknown, agree, focus, focus_found, p_cov)
    ev.features = {
        "coverage": best_cov,
        "sentence_coverage": best_sent_cov,
        "dense": dense_top,
        "sentence_dense": best_sent_dense,
        "unknown": unknown,
        "agreement": agree,
        "focus_found": focus_found,
        "terms": float(len(q_terms)),
    }
    return ev


# -- checking a generated answer -----------------------------------------------------------------
_CITE = re.compile(r"\[(\s*\d+(?:\s*[,;]\s*\d+)*\s*)\]")
_REFUSAL = re.compile(
    r"\b(do(es)? not (answer|contain|mention|say|provide|specify|state|include)|not (mentioned|provided|"
    r"specified|stated|given|available|included)|no (information|mention|answer)|cannot (answer|be answered|"
    r"determine|find)|can't (answer|find)|unable to (answer|find|determine)|don't know|not enough information)\b",
    re.I,
)


def cited_numbers(text: str) -> list[int]:
    """Citation numbers in order of first mention."""
    found: list[int] = []
    for m in _CITE.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part.strip())
            if n not in found:
                found.append(n)
    return found


def strip_citations(text: str, keep: set[int]) -> str:
    """Remove citation markers that point at nothing shown; keep the valid ones, tidied to [n]."""

    def fix(m: re.Match[str]) -> str:
        nums = [int(p) for p in re.split(r"[,;]", m.group(1)) if p.strip()]
        good = [n for n in dict.fromkeys(nums) if n in keep]
        return "".join(f"[{n}]" for n in good)

    out = _CITE.sub(fix, text)
    return re.sub(r"\s+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()


def is_refusal(text: str, cannot_answer: str) -> bool:
    t = text.strip().lower()
    return bool(cannot_answer and cannot_answer.lower().rstrip(".") in t) or bool(_REFUSAL.search(t))


@dataclass(frozen=True)
class Check:
    supported: bool
    responsive: bool
    unsupported: tuple[str, ...]


def _name_like(token: str) -> bool:
    return any(c.isdigit() for c in token) or (any(c.isupper() for c in token[1:]))


# Words an answer uses to talk about the abstracts rather than to state a fact.
_FRAMING = set(
    terms(
        "answer question abstract abstracts mention mentioned state stated according paper passage text provided "
        "information based given specifically also however"
    )
)


def repetitive(text: str, n: int = 4) -> bool:
    """A degenerate answer that repeats itself (a tiny model looping)."""
    toks = words_of(text)
    grams = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return len(grams) != len(set(grams))


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


_COUNT_Q = re.compile(r"\bhow (many|much)\b", re.I)
_TOKEN = re.compile(r"[^\W_][\w.%]*")
_COUNTED_AFTER = 6  # words between a number and the noun it counts: '10 real-world node classification tasks'


def counts_elsewhere(answer: str, question: str, sources: list[str]) -> list[str]:
    """Numbers in an answer to 'how many X' that the sources never give as a count of X: a tiny
    model answering 'how many programming languages' with the '176B' of '176B-parameter'. A number
    counts X where the words of X follow it within a few words ('13 programming languages', '4.4
    million TPUv4 hours') or come just before it ('languages: 46')."""
    if not _COUNT_Q.search(question) or not focus_term(question):
        return []
    phrase = set(focus_phrase(question))
    counted: set[str] = set()
    for source in sources:
        tokens = _TOKEN.findall(source.replace("-", " "))
        stems = [(terms(t) or [""])[0] for t in tokens]
        for i, tok in enumerate(tokens):
            if not tok[0].isdigit():
                continue
            if phrase <= set(stems[i + 1 : i + 1 + _COUNTED_AFTER]) or phrase <= set(stems[max(0, i - len(phrase)) : i]):
                counted.add(_digits(tok))
    return [n for n in numbers(answer) if _digits(n) and _digits(n) not in counted]


def _digits(number: str) -> str:
    """'176B' -> '176', '4.4 million' -> '4.4': a number without its unit, to match across wordings."""
    return re.sub(r"[^\d.]", "", number).rstrip(".")


def check_answer(answer: str, question: str, sources: list[str]) -> Check:
    """Numbers and names in the answer must appear in the sources; most of its other content
    words too; and it must add something the question did not already say."""
    body = _CITE.sub(" ", answer)
    if repetitive(body):
        return Check(False, False, ("(the answer repeats itself)",))
    source_text = " ".join(sources).lower()
    source_nums = set(numbers(" ".join(sources)))
    source_digits = {_digits(s) for s in source_nums}
    missing: list[str] = [n for n in numbers(body) if n not in source_nums and _digits(n) not in source_digits]
    raw_tokens = re.findall(r"[^\W_][\w\-.]*[^\W_]|[^\W_]", body)
    for tok in raw_tokens[1:]:
        if _name_like(tok) and tok.lower() not in source_text:
            missing.append(tok)
    missing.extend(counts_elsewhere(body, question, sources))
    a_terms = [t for t in dict.fromkeys(terms(body)) if t not in _FRAMING]
    s_terms = set(terms(" ".join(sources)))
    q_terms = set(terms(question))
    if a_terms:
        inside = sum(t in s_terms or t in q_terms for t in a_terms) / len(a_terms)
        if inside < 0.75:
            missing.extend(t for t in a_terms if t not in s_terms)
    new_info = [t for t in a_terms if t not in q_terms and t in s_terms]
    responsive = bool(new_info) and (not wants_number(question) or bool(numbers(body)))
    return Check(not missing, responsive, tuple(dict.fromkeys(missing)))
