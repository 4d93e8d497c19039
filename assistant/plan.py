"""The plan of an answer, before the model runs: what the question asks for, what retrieval found
for it, the measured evidence, the decision to answer or abstain, and the numbered passages the
model will be shown. Each kind of question gets the retrieval breadth it needs: a list looks at
every abstract that passes a relevance test, a comparison retrieves each thing it names.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from . import tuning
from .check import counted_numbers, digits, name_like
from .embed import common_words
from .evidence import (
    DocFreq,
    Embed,
    Evidence,
    Sentence,
    closing,
    compared_so,
    contradicts,
    decide,
    deciding,
    focus_phrase,
    focus_term,
    measure,
    numbers,
    question_terms,
    wants_number,
)
from .guard import guard_passages
from .kinds import (
    Query,
    among_last,
    asked_length,
    asks_each,
    asks_what_it_is,
    compares_last,
    compares_places,
    kind_of,
    list_topic,
    named_owner,
    places,
    question_parts,
    read_question,
    similar_to,
    stands_for,
)
from .ranking import (
    YEAR,
    Measured,
    Ranked,
    by_year,
    compared_by,
    counted_in,
    measured_in,
    numbers_of,
    rank,
    ranked_by,
    year_of,
)
from .spelling import Respeller
from .text import (
    QUOTED,
    STOPWORDS,
    WordSet,
    acronym_letters,
    bounded,
    clauses,
    greek_folded,
    part_terms,
    quoted_terms,
    spellings,
    spells_out,
    split_sentences,
    terms,
    unique,
)
from .types import Citation, Passage

# A list's topic words that say nothing about what a paper is on ("models", "results").
_GENERIC = set(
    terms(
        "model models method methods approach approaches system systems paper papers study studies work works result results "
        "data new novel use using used based research researcher article articles topic field area"
    )
)
_DEFINES = re.compile(
    r"\b(?:is|are)\s+(?:a|an|the)\b|,\s+(?:a|an)\s|\b(?:we|this\s+(?:paper|work|report))\s+(?:first\s+)?(?:propose|introduce|present)"
    r"|\bcalled\b|\brefers?\s+to\b|\bconsists?\s+of\b|\bwhich\s+(?:is|are|uses|combines)\b",
    re.I,
)

# A question asking for a count: 'how many' is its first question word ('In how many papers ...').
# A question about a paper's record rather than its abstract: who wrote it, when it came out.
_WHO_WROTE = re.compile(
    # 'Who made it?', 'Who is behind Flan-MoE?': a paper's makers are its authors
    r"^\W*(?:who\s+(?:wrote|authored|made|created|developed|built|designed|(?:is|was|are|were)\s+behind|(?:are|were)\s+the\s+authors\s+of|(?:is|was)\s+the\s+(?:first\s+|lead\s+|main\s+)?author\s+of)"
    r"|(?:what|which)\s+(?:are|were)\s+the\s+(?:names\s+of\s+the\s+)?authors\s+of|(?:list|name)\s+the\s+authors\s+of"
    r"|(?:who|what|which)\s+(?:are|were|is|was)\s+(?:its|their|the)\s+(?:first\s+|lead\s+|main\s+)?authors?(?=\W*$))\b",
    re.I,
)
_WHEN_OUT = re.compile(
    r"^\W*(?:when|(?:in\s+)?(?:what|which)\s+year)\s+(?:was|were|did|is)\b.*\b(?:published|come\s+out|came\s+out|written)\W*$"
    r"|^\W*(?:when|(?:what|which)\s+year)\s+(?:is|was|are|were)\s+(?:it|this|that|they|these|those)\s+from\W*$",
    re.I,
)


def record_field(question: str) -> str | None:
    """'authors' for 'Who wrote the BLOOM paper?', 'year' for 'When was the BLOOM paper published?':
    what the library's record of a paper answers, not its abstract."""
    if _WHO_WROTE.match(question):
        return "authors"
    if _WHEN_OUT.match(question):
        return "year"
    return None


_HOW_MANY = re.compile(r"^\W*(?:\w+\s+){0,3}?how\s+many\b", re.I)
# A sentence that gives a reason: what a 'why' question asks for.
_CAUSE = re.compile(
    r"\b(?:because|cause[sd]?|due\s+to|reasons?|leads?\s+to|results?\s+in|owing\s+to|stems?\s+from|explains?|since)\b", re.I
)
_WHY = re.compile(r"^\W*(?:\w+\s+){0,2}?why\b", re.I)
# A question for what a work set out to solve ('What motivated X?', 'What problem does X address?')
# is answered by the sentences that state a problem or a gap.
_MOTIVE = re.compile(
    r"^\W*what\s+(?:motivat\w+|(?:\w+\s+)?(?:problems?|gaps?|challenges?|limitations?|shortcomings?)\b)|\bmotivation\b", re.I
)
_PROBLEM = re.compile(
    r"\b(?:however|but|although|challeng\w*|problems?|limit(?:s|ed|ation\w*)|lacks?|costly|expensive|prohibitive|"
    r"difficult\w*|bottlenecks?|insufficient|gaps?|issues?|struggl\w*|fail\w*|remains?)\b",
    re.I,
)


def reason_cue(query: Query) -> re.Pattern[str] | None:
    """For an explanation asking why, the mark of a sentence that gives a cause; asking what
    motivated a work, of one that states the problem it takes on."""
    if query.kind != "explain":
        return None
    return _CAUSE if _WHY.match(query.text) else _PROBLEM if _MOTIVE.search(query.text) else None


# A sentence that states what a paper itself does or finds ("we propose ...", "here we show ...").
_CONTRIBUTION = re.compile(
    r"\b(?:we|this\s+(?:paper|work|study|report|article)|here,?\s+we|our\s+(?:results|findings|work))\s+(?:first\s+)?"
    r"(?:propose|present|introduce|show|find|found|demonstrate|report|describe|develop|study|investigate|examine|test|"
    r"identify|reveal|suggest|indicate|establish|provide|release)\w*\b"
    r"|\bin\s+this\s+(?:paper|work|study|report)\b|\b(?:these|our)\s+(?:results|findings|data)\s+(?:show|suggest|indicate|demonstrate)",
    re.I,
)
# The paper's own act of introducing something ('we present SimpleQA, ...'); the verb may carry an
# adverb ('we publicly release our models and code', 'we also introduce').
_INTRODUCING_BY_PAPER = re.compile(
    r"\b(?:we|this\s+(?:paper|work|report|article))\s+(?:(?:first|also|further|then|here|now|\w+ly)\s+)?"
    r"(?:present|introduce|propose|release|develop|describe|build|create|construct)\w*\b",
    re.I,
)
# A sentence in which a paper introduces something: that act, 'X is a ...', '... applying a novel decoding algorithm'.
_INTRODUCING = re.compile(rf"{_INTRODUCING_BY_PAPER.pattern}|\b(?:is|are)\s+(?:a|an)\s|\b(?:a|an)\s+novel\b", re.I)
# a factual question asking what a paper introduces ('What benchmark does Med-PaLM introduce?',
# 'Which dataset did they release?'), not what a thing does ('What does X show?')
_ASKS_INTRODUCED = re.compile(
    r"^\W*(?:which|what)\s+\w+(?:\s+\w+)?\s+(?:does|do|did|is|are|was|were)\s+.+?\s+"
    r"(?:introduc|propos|present|releas|develop|creat|build|construct|contribut|offer)\w*\b",
    re.I,
)
Search = Callable[[str, int, "str | None"], list[Passage]]
# a word standing for something said before ('them', 'that'): a list topic taken from elsewhere
_POINTS_BACK = re.compile(r"\b(?:them|they|those|these|it|its|that|this|such|their|ones)\b", re.I)


@dataclass(frozen=True, kw_only=True)
class Shown:
    """A passage as numbered and shown to the model: its best sentences, in abstract order."""

    number: int
    passage: Passage
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def citation(self) -> Citation:
        p = self.passage
        return Citation(
            number=self.number,
            doc_id=p.doc_id,
            label=p.name,
            text=p.text,
            libraries=p.libraries,
            score=p.score,
            url=p.url,
            title=p.title,
            label_source=p.label_source,
            support=tuple(s.text for s in self.sentences),
        )


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Everything decided before the model runs; `stream` turns it into an answer."""

    question: str
    previous: str | None  # the earlier question a follow-up leans on
    pinned: tuple[str, ...] = ()  # ids of the previous answer's sources a follow-up is about
    query: Query
    search_text: str  # what retrieval searched with
    library: str | None
    passages: tuple[Passage, ...]  # what retrieval found: the sources preview
    evidence: Evidence
    shown: tuple[Shown, ...]
    abstain: bool
    reason: str = ""
    # per passage, the sentence that best answers the second part of a two-part question, if one does;
    # for a list, the sentence that says the topic of a paper admitted by meaning
    second: tuple[Sentence | None, ...] = ()
    decision: str | None = None  # Yes / No of a yes/no question, read from the evidence
    record: str | None = None  # 'authors' / 'year': answered from the first passage's record (`record_field`)
    contents: int = 0  # a list of the library's whole contents ('List Tony's papers.'): how many papers it holds
    elsewhere: tuple[Passage, ...] = ()  # asked within a library that abstains: papers of others that answer
    similar: str = ""  # a list of the papers closest to one paper ('Find papers similar to UniMax.'): it, as asked
    # a question ranking the library by a number ('Which paper has the most languages?'): the thing,
    # and the papers giving a number of it, ranked (Ranked.index: of `passages`)
    ranked_by: str = ""
    ranked_order: str = ""  # 'most' / 'fewest': the paper asked for; '': the papers listed, by the most
    ranking: tuple[Ranked, ...] = ()
    # a comparison asking which thing has more of something ('Which is bigger, BLOOM or U-PaLM?'): the
    # thing and whether fewer, and each compared thing's number of it with its shown number, the
    # answer first; empty when either abstract gives none
    measured_by: tuple[str, bool] = ("", False)
    measured: tuple[tuple[str, int, Measured], ...] = ()
    # a comparison asking which is faster, cheaper, better ... when no numbers weigh the two: the
    # shown number and sentence of an abstract that says it of one against the other, if one does
    settles: tuple[int, str] | tuple[()] = ()
    undated: int = 0  # a ranking by year: the papers in the library whose record gives no year
    respelled: tuple[tuple[str, str], ...] = ()  # names the question mistyped, as read: (('gemeni', 'Gemini'),)
    length: int | None = None  # the sentences the answer is asked to take ('... in two sentences.'), read off the question
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        return self.query.kind


def about(topic: str, text: str, introduces: bool = False, spelled: dict[str, set[str]] | None = None) -> bool:
    """Whether an abstract is about a list's topic: it mentions every exact name of the topic
    ('MMLU', 'OPA1'), an acronym also by one of its `spelled` forms ('reinforcement learning' for
    'RL', from `expansions`), or, for a topic without one, within two consecutive sentences it uses
    every word the topic names (any one of 'X or Y'). For
    papers that introduce the topic ('that propose a benchmark') the words must be in a sentence
    where the paper says what it contributes ('we present SimpleQA, a benchmark ...')."""
    names = question_names(topic)
    if names:  # an exact name identifies the topic ('the mitochondrial protein OPA1'): the rest describes it
        forms = spelled or {}
        # names offered as alternatives ('C4 or mC4'): any one of them will do
        options = [o for part in re.split(r"\s+(?:or|and/or)\s+|\s*/\s*", topic) if (o := question_names(part))]
        return any(all(names_it(text, n, forms) for n in o) for o in (options if len(options) > 1 else [names]))
    readings = [_topic_groups(t) for t in _alternatives(topic)]
    if not all(readings):
        return True
    text = unjoined(text)
    if introduces:
        windows = [set(terms(s)) for s in split_sentences(text) if _INTRODUCING.search(s)]
    else:
        sentences = [set(terms(s)) for s in split_sentences(text)] or [set(terms(text))]
        windows = [a | b for a, b in itertools.pairwise(sentences)] or sentences
    closed = _compounds(topic)
    windows = [_opened(w, closed) for w in windows]
    return any(all(g & w for g in groups) for groups in readings for w in windows)


# a prefix that makes a word of a kind of what the rest names: 'finetuning' is 'fine-tuning', a tuning
_PREFIXED = re.compile(r"\b(fine|pre|post|multi|self|semi|cross)([a-z]{4,})\b", re.I)


def unjoined(text: str) -> str:
    """The text with a prefixed word written unhyphenated split as it would be with its hyphen
    ('instruction finetuning' -> 'instruction fine-tuning', whose words are read as 'fine', 'tune'
    and 'finetun'), when the rest is a common English word and the whole is not ('present' stays)."""
    common = common_words()
    if not common:
        return text

    def split(m: re.Match[str]) -> str:
        whole, rest = m.group(0), m.group(2)
        return f"{m.group(1)}-{rest}" if whole.lower() not in common and rest.lower() in common else whole

    return _PREFIXED.sub(split, text)


def names_it(text: str, name: str, spelled: dict[str, set[str]]) -> bool:
    """Whether a text names a topic's name, or writes words that stand for it in the library
    (`spelled`, from `expansions`: 'reinforcement learning' for 'RL', not 'also improves' for 'AI')."""
    return mentions(text, name) or any(_stemmed(s) in spelled.get(name, ()) for s in spellings(name, text))


_LETTERS = re.compile(r"[A-Z]{2,6}s?")


def expansions(topic: str, texts: list[str]) -> dict[str, set[str]]:
    """The spelled-out forms of the topic's acronyms that stand for them in these abstracts, as
    stemmed words: {'RL': {'reinforc learn'}}. Words whose initials make an acronym may be chance
    ('audio inputs' for 'AI'; three words with given initials turn up in one abstract in a dozen),
    so they stand for it when one abstract defines them ('reinforcement learning (RL)') or, with no
    'of', 'and' or 'for' among them ('audio and image'), two abstracts use them: a term of the field
    recurs, a chance run of words rarely does."""
    out: dict[str, set[str]] = {}
    for name in question_names(topic):
        letters = name.replace("-", "")
        if not _LETTERS.fullmatch(letters):
            continue
        found = [{_stemmed(s) for s in spellings(name, t)} for t in texts]
        defined = {_stemmed(m) for t in texts for m in re.findall(rf"([\w\s-]+?)\s*\(\s*{re.escape(name)}s?\s*\)", t)}
        plain = [f for f in set().union(*found) if len(f.split()) == len(acronym_letters(name))]
        out[name] = {f for f in set().union(*found) if any(d.endswith(f) for d in defined)} | {
            f for f in plain if sum(f in g for g in found) >= 2
        }
    return out


def _stemmed(words: str) -> str:
    """Words as their stems, one string: 'reinforcement learning' -> 'reinforc learn'."""
    return " ".join(terms(words))


def _opened(words: set[str], closed: dict[str, tuple[str, str]]) -> set[str]:
    """Stemmed words with the topic's two words for each one word the text writes for them ('common
    sense' - 'commonsense': the one word has both; `closed` from `_compounds`)."""
    return words | {t for c, pair in closed.items() if c in words for t in pair}


def _compounds(topic: str) -> dict[str, tuple[str, str]]:
    """The topic's pairs of neighbouring words as one word would be stemmed, with the pair's own
    stems: 'common sense reasoning' -> {'commonsens': ('common', 'sens'), 'sensereason': ...}."""
    pairs: dict[str, tuple[str, str]] = {}
    for a, b in itertools.pairwise(re.findall(r"[A-Za-z]+", topic)):
        one, apart = terms(a + b), part_terms(f"{a} {b}")
        if len(one) == 1 and len(apart) == 2 and min(len(a), len(b)) >= 3:
            pairs[one[0]] = (apart[0], apart[1])
    return pairs


# 'safety reports or system cards': two topics of two words or more each, either will do
_PHRASE_OR = re.compile(r"^\s*(?P<a>[\w-]+(?:\s+[\w-]+)+)\s+or\s+(?P<b>[\w-]+(?:\s+[\w-]+)+)\s*$", re.I)
# a closing phrase that only says the papers are about models, methods ... ('for specific released models')
_VAGUE_TAIL = re.compile(
    r"\s+(?:for|of|in|on|with|from|by|about)\s+(?:[\w-]+\s+){0,3}?(?:models?|methods?|systems?|approaches|papers?|studies|works?|"
    r"tasks?|data|datasets?)\s*$",
    re.I,
)


def _alternatives(topic: str) -> list[str]:
    """The topics a list topic offers: 'safety reports or system cards for specific released
    models' -> ['safety reports', 'system cards'] (a vague closing phrase dropped first); a topic
    whose 'or' joins single words ('code, models or data') is one topic, read by _topic_groups."""
    head = _VAGUE_TAIL.sub("", topic).strip() or topic
    m = _PHRASE_OR.match(head)
    # two phrases alike in length read as a choice of two ('safety reports or system cards'); unlike
    # ones ('release code models or data publicly', its commas gone) as one topic with a choice inside
    return [m["a"], m["b"]] if m and len(m["a"].split()) == len(m["b"].split()) else [head]


def names_no_topic(topic: str) -> bool:
    """A list topic with neither a name nor a specific word ('Which papers are about them?')."""
    return not question_names(topic) and not any(_topic_groups(t) for t in _alternatives(topic))


def _topic_groups(topic: str) -> list[set[str]]:
    """The topic's words as groups, any one word of a group being enough: 'code, models or data'
    is one group; every other specific word is a group of its own."""
    groups: list[set[str]] = []
    m = re.search(r"((?:[\w-]+\s*,\s*)*[\w-]+)\s+(?:or|and/or)\s+([\w-]+)", topic)
    if m:
        alternatives = [*re.split(r"\s*,\s*", m.group(1)), m.group(2)]
        groups.append({t for a in alternatives for t in _parts(a)})
        topic = f"{topic[: m.start()]} {topic[m.end() :]}"
    specific = [t for t in _parts(topic) if t not in _GENERIC] or ([] if groups else _parts(topic))
    groups += [{t} for t in dict.fromkeys(specific)]
    return [g for g in groups if g]


_CONTRACTION = re.compile(r"\b\w+n['’]t\b", re.I)


def _parts(text: str) -> list[str]:
    """Stemmed words without the joined forms of hyphenated ones ('cadherin-based' -> cadherin, base)
    and without negative contractions ('doesn't' is no topic word, nor are its 'doesn' and 't')."""
    return part_terms(_CONTRACTION.sub(" ", text))


def names_subject(subject: str, text: str, weights: dict[str, float]) -> float:
    """How well an abstract stands for a thing a comparison names: 0 when an exact name of it
    ('PAD2', 'Claude 3') is missing or it holds less than half of the thing's words (weighted by
    rarity), else that weighted share."""
    if not all(mentions(text, n) for n in _proper(subject)) or not all(v.search(text) for v in _versions(subject)):
        return 0.0
    words = [t for t in dict.fromkeys(_parts(subject)) if t not in _GENERIC] or _parts(subject)
    if not words:
        return 0.0
    have = set(part_terms(text)) | set(terms(text))
    total = sum(weights.get(t, 1.0) for t in words)
    share = sum(weights.get(t, 1.0) for t in words if t in have) / total
    return share if share >= tuning.SUBJECT_SHARE else 0.0


def _versions(subject: str) -> list[re.Pattern[str]]:
    """A name with its version number ('Med-PaLM 2', 'Claude 3'), as a pattern the text must match
    exactly: an abstract on Med-PaLM does not stand for Med-PaLM 2."""
    found = re.findall(r"\b([A-Za-z][\w.-]*[A-Za-z])\s+(\d+(?:\.\d+)?)(?!\s*(?:%|[BMK]\b|billion|million))\b", subject)
    return [
        re.compile(rf"\b{re.escape(n)}[\s-]*{re.escape(v)}(?![\d.]*\d)", re.I) for n, v in found if n[0].isupper() or name_like(n)
    ]


def _proper(subject: str) -> list[str]:
    """The exact names in a compared thing: name-like tokens ('GPT-4o', 'GitHub') and capitalised
    words ('Copilot', 'Ghana'), so 'GitHub Copilot' is not stood for by an abstract that only links
    to github.com."""
    return unique([*question_names(subject), *re.findall(r"\b[A-Z][a-z]{2,}\b", subject)])


def _names_in_text(question: str, text: str) -> bool:
    """Whether a text uses an exact name the question asks about ('Gemini', 'Med-PaLM')."""
    low = text.lower()
    return any(n.lower() in low for n in subject_names(question))  # every one is a name or a quoted term


def name_terms(question: str) -> set[str]:
    """The stemmed words of the things a question names."""
    return {t for n in subject_names(question) for t in terms(n)}


def subject_names(question: str) -> list[str]:
    """Exact names in a question ('UniMax', 'GPT-4o', 'Med-PaLM', a quoted 'end-to-end'): what an
    explanation is about."""
    quoted = quoted_terms(question)
    named = []
    for sentence in re.split(r"(?<=\w\w[.!?])\s+", QUOTED.sub("quoted", question)):  # a sentence's first word is no name
        tokens = re.findall(r"[^\W_][\w\-.]*[^\W_]|[^\W_]", sentence)
        named += [t for i, t in enumerate(tokens) if name_like(t) or (i > 0 and t[0].isupper() and len(t) > 2)]
    return [*quoted, *named]


def defines(sentence: str, names: list[str]) -> bool:
    """A sentence that says what one of `names` is ('we propose ... UniMax, that ...', 'GPT-4o is an ...')."""
    low = sentence.lower()
    return any(n.lower() in low for n in names) and bool(_DEFINES.search(sentence))


class Planner:
    """Makes plans: one retrieval per question (two for a comparison), then evidence and the decision."""

    def __init__(
        self,
        search: Search,
        embed: Embed,
        doc_freq: DocFreq,
        libraries: Callable[[], list[str]],
        common: Callable[[], frozenset[str]],
        get: Callable[[list[str]], list[Passage]],
        k: int,
        abstain_threshold: float,
        history_turns: int,
        contents: Callable[[str | None], list[str]] | None = None,
    ) -> None:
        self._search = search
        self._embed = embed
        self._doc_freq = doc_freq
        self._libraries = libraries
        self._common = common
        self._get = get
        self._contents = contents  # the ids of every document in a library (in all: None)
        self.k = k
        self.threshold = abstain_threshold
        self.history_turns = history_turns
        self._respeller = Respeller(
            known=lambda ts: self._doc_freq(ts)[0],
            texts=lambda word: [_full(p) for p in self._search(word, 3, None)],
            common=common,
        )

    def plan(
        self,
        question: str,
        history: list[str] | None = None,
        k: int | None = None,
        library: str | None = None,
        sources: list[str] | None = None,
        everywhere: bool = False,
    ) -> Plan:
        """`history`: the conversation's earlier questions; `sources`: the ids of the abstracts the
        previous answer cited, which a follow-up ('and how do they ...?') is about; `everywhere`:
        in every library, whatever library the question names."""
        t0 = time.perf_counter()
        k = k or self.k
        question = _GREETING.sub("", question)  # 'Hi, what is BLOOM?' asks 'what is BLOOM?'
        question, respelled = self._respeller.respell(question)  # 'Uni-Max' -> 'UniMax', 'gemeni' -> 'Gemini'
        length, shorter = asked_length(question)
        account = False  # an account asked for in a length ('In a nutshell, what safeguards ...?') is an explanation
        readings = (kind_of(question), kind_of(shorter)) if length else ()
        if length and "list" not in readings:
            account = "explain" in readings
            question = shorter  # 'Summarise the N-Grammer paper in two sentences.' asks 'Summarise the N-Grammer paper.'
        if history and (asked_again := swapped(question, history)) is not None:
            question = asked_again  # 'What about Flan-MoE?' after 'How many parameters does BLOOM have?'
        elif (
            history and sources and len(sources) > 1 and (one := _ONE_OF_LIST.match(question)) and kind_of(history[-1]) == "list"
        ):
            question = f"Which of them {one['rest']}"  # 'Which one is a system card?' after a list: among its papers
        elif (turned := about_then(question)) is not None:
            question = turned  # 'What about the Flan collection, what does it contain?': 'What does the Flan collection contain?'
        elif history and (pick := picked(question, history)) is not None:
            question = pick  # 'Which one came first?' after 'Compare BLOOM and Gemini.'
        elif history and not stands_for(question) and (acronym := stands_for(question, history[-1])):
            question = f"What does {acronym} stand for?"  # 'What does it stand for?' after 'What is ACM?'
        of_it, of_last = _OF_IT.match(question), False
        if history and sources and (of_it or _TELL_MORE.match(question)):
            # 'Tell me more.', 'Summarise it.': what the paper the last answer cited first says, explained
            last_cited = self._get(list(sources[:1]))
            if last_cited and last_cited[0].label_source != "text":
                asked = of_it["ask"] if of_it else "Tell me more about"
                question, of_last = f"{asked[:1].upper()}{asked[1:]} {last_cited[0].name}.", True
        known = self._libraries() if re.search(r"['’]s\b|\bhave\b", question) else []
        query = read_question(question, known)
        if of_last or (account and query.kind == "fact"):
            # an explanation, whatever the paper's name reads as ('... RNN-T vs. attention-based systems')
            query = replace(query, kind="explain", subjects=())
        # a question in common words that names nothing ('How many women took part?' after 'Summarise
        # the Ghana trial.') is about the papers the conversation is on, as one that points back is;
        # but the library must still hold its answer (the abstention threshold stays)
        follows = is_follow_up(question, history[-1]) if history else False
        elliptic = bool(history and sources and not follows and self._elliptic(question, query))
        previous = history[-1] if history and (follows or elliptic) else None
        earlier = " ".join(history[-self.history_turns :]) if previous and history else ""
        scope = None if everywhere else library or query.library
        if query.kind == "list" and names_no_topic(query.topic) and previous:
            # 'Which papers are about them?': the topic is what the previous question asked about
            query = replace(query, topic=list_topic(previous))
        saying: dict[str, str] = {}  # for a list's papers admitted by meaning, the sentence saying its topic
        ranked_thing, ranked_order, ranking, undated = "", "", list[Ranked](), 0
        similar = ""  # a list of the papers closest to one paper ('Find papers similar to UniMax.'): it, as asked
        contents = 0
        # an owner named where the question names no known library: 'What papers does Ben have?'
        # with no library called Ben lists not every paper there is
        owner = named_owner(question) if query.kind == "list" and known and not scope else None
        passages: list[Passage]
        if small_talk(question):  # 'hi', 'thanks!': nothing to search for
            search_text, passages, abstain, reason = "", [], True, SMALL_TALK
        elif owner is not None:
            search_text, passages, abstain = "", [], True
            reason = f"{NO_LIBRARY} '{owner}' (the libraries: {', '.join(known)})"
        elif (
            query.kind in ("fact", "list", "explain")
            and (not previous or sources)
            and (oldest := by_year(question, among=bool(previous and sources))) is not None
        ):
            # 'Which paper in my library is the most recent?', or of the last answer's papers 'Which of
            # them is the newest?': the records' years, not the abstracts, say
            search_text, ranked_thing, ranked_order = "", YEAR, "oldest" if oldest else "most recent"
            everything = self._contents(scope) if self._contents is not None and not previous else []
            ids = list(sources or ()) if previous else everything
            papers = self._get(ids)
            dated = sorted(
                ((y, i) for i, p in enumerate(papers) if (y := year_of(p.year)) is not None),
                key=lambda x: (x[0] if oldest else -x[0], x[1]),
            )[: tuning.RANKED_SHOWN]
            passages = [papers[i] for _, i in dated] or papers[:3]
            ranking = [Ranked(index=n, value=float(y), said=str(y), sentence="") for n, (y, _) in enumerate(dated)]
            undated = sum(year_of(p.year) is None for p in papers)
            abstain, reason = not ranking, "" if ranking else NO_YEARS
        elif query.kind in ("fact", "list") and not previous and (by := _ranks(question, query)) is not None:
            # 'Which paper has the most languages?': the papers giving a number of languages, ranked by
            # it; 'Which papers tell me how many parameters their models have?': the same, as a list
            ranked_thing, ranked_order = by
            search_text = f"{ranked_thing} {question}"
            candidates = self._search(search_text, tuning.LIST_CANDIDATES, scope)
            ranking = rank(ranked_thing, ranked_order == "fewest", [_full(p) for p in candidates])[: tuning.RANKED_SHOWN]
            passages = [candidates[r.index] for r in ranking] or candidates[:3]
            ranking = [replace(r, index=i) for i, r in enumerate(ranking)]
            abstain, reason = not ranking, "" if ranking else f"no abstract in the library gives a number of '{ranked_thing}'"
        elif query.kind == "list" and self._whole(query, previous):
            # 'List Tony's papers.', 'What's in my library?': every paper in it, by name
            search_text = ""
            ids = self._contents(scope) if self._contents is not None else []
            contents = len(ids)
            passages = sorted(self._get(ids[: tuning.LIST_CANDIDATES]), key=lambda p: p.name.casefold())
            abstain, reason = not passages, "" if passages else "no documents to search"
        elif query.kind == "list" and not previous and (to := similar_to(question)) is not None:
            # 'Find papers similar to UniMax.': the papers closest to the one it names, by its whole abstract
            like, asked_as = to
            search_text = like
            naming = self._search(like, 3, scope)
            names = question_names(like) or [like]
            paper = next((p for p in naming if all(names_or_spells(_full(p), n) for n in names)), None)
            query = replace(query, topic="")
            if paper is None:
                passages, abstain, reason = naming, True, f"no abstract in the library is about '{like}'"
            else:
                near = self._search(_full(paper), tuning.SIMILAR_SHOWN + 1, scope)
                passages = [p for p in near if p.doc_id != paper.doc_id][: tuning.SIMILAR_SHOWN]
                abstain, reason, similar = not passages, "" if passages else f"the library holds no paper but {like}", asked_as
        elif query.kind == "list":
            search_text = f"{earlier} {query.topic}".strip()
            passages, abstain, reason, saying = self._list(query, search_text, scope)
            if previous and sources and among_last(question) and not abstain:
                # 'Which of them are about safety?': the papers on the topic among those the last answer gave
                passages = [p for p in passages if p.doc_id in sources]
                if not passages:
                    passages = self._get(list(sources[:3]))
                    abstain, reason = True, f"{NONE_AMONG} '{query.topic}'"
            if history and sources and _MORE.search(question) and not abstain:
                # 'Any more papers like that?', 'Which other papers are about writing assistance?' after
                # a question on Smart Compose: the papers on the topic the last answer did not give
                given = [p for p in passages if p.doc_id in sources]
                passages = [p for p in passages if p.doc_id not in sources]
                if not passages:
                    passages = self._search(search_text, 3, scope)
                    beyond = " and ".join(f"'{p.name}'" for p in given[:3] if p.label_source != "text")
                    abstain, reason = True, f"{NO_MORE} '{query.topic}'" + (f" beyond {beyond}" if beyond else "")
        elif (
            previous
            and sources
            and compares_places(question)
            and all(-len(sources) <= i < len(sources) for i in places(question))
        ):
            # 'Compare the first two.' after a list: those papers of it, each said as a paper
            passages = self._get([sources[i] for i in places(question)])
            query = Query(text=question, kind="compare", subjects=("the paper",) * len(passages), library=query.library)
            search_text, abstain, reason = "", False, ""
        elif (
            previous
            and sources
            and len(sources) >= 2
            and (
                compares_last(question)
                or (
                    asks_each(question)
                    and not self._unsaid_by(question, previous, self._get(list(sources[: tuning.COMPARED_LAST])))
                )
            )
        ):
            # 'Compare them.' after an answer that gave two or three papers: those, each said as a paper;
            # so is a question asked of each of them ('and how do they handle heterophily?')
            passages = self._get(list(sources[: tuning.COMPARED_LAST]))
            query = Query(text=question, kind="compare", subjects=("the paper",) * len(passages), library=query.library)
            search_text, abstain, reason = "", False, ""
        elif query.kind == "compare":
            search_text = f"{earlier} {question}".strip()
            query = _point_within(query, question)
            if previous and sources:
                query = self._refer_back(query, previous, sources)
            passages, abstain, reason = self._compare(query, scope, k)
        else:
            search_text = f"{earlier} {question}".strip()
            passages, abstain, reason = self._search(search_text, k, scope), False, ""
        # 'Does BLOOM have more parameters than U-PaLM?': the two abstracts' numbers say Yes or No
        than = _than(question) if query.kind == "yesno" and not previous else ()
        than_by = compared_by(question) if than else None
        weighed: tuple[tuple[str, int, Measured], ...] = ()
        if than and than_by is not None:
            chosen, missing, _ = self._compare(replace(query, subjects=than), scope, k)
            weighed = _measured(than, than_by, chosen) if not missing else ()
            if weighed:
                taken = {p.doc_id for p in chosen}
                passages = [*chosen, *(p for p in passages if p.doc_id not in taken)][: max(k, len(chosen))]
        pinned = tuple(sources or ()) if previous and query.kind not in ("list", "compare") else ()
        if pinned and (i := ordinal(question)) is not None and i < len(pinned):
            pinned = (pinned[i],)  # 'How does the second one evaluate safety?': that paper alone
            passages = self._get(list(pinned))
            if passages and passages[0].label_source != "text":  # asked of it by name, not 'the second one'
                question = _ORDINAL.sub(passages[0].name, question, count=1)
        elif pinned and not elliptic:
            # 'How many questions does it have?' after 'What is SimpleQA?': 'it' is the paper the
            # conversation is on, so the answer is in it or nowhere (MultiMedQA's "six ... datasets"
            # was given as SimpleQA's count); those the search found keep their order
            kept = [p for p in passages if p.doc_id in pinned]
            passages = [*kept, *self._get([d for d in pinned if d not in {p.doc_id for p in kept}])]
        elif pinned:  # the papers the conversation is about come first, then what the search adds
            found = {p.doc_id for p in passages}
            passages = [*self._get([d for d in pinned if d not in found]), *passages]
            passages = sorted(passages, key=lambda p: p.doc_id not in pinned)[: max(k, len(pinned))]
        passages = guard_passages(passages)  # abstracts are data: text addressed to the assistant is left out
        if query.kind in ("fact", "explain", "yesno") and not pinned and passages and question_names(question):
            # 'Is SimpleQA about long-form answers?' is answered by SimpleQA's abstract, not by the one
            # the rare words found first (an ASR paper on long-form speech); 'What did the o1 system
            # card evaluate?' by o1's, not GPT-4o's 'System Card': the abstracts naming what the
            # question names come first
            naming = [p for p in _naming(question, passages) if all(_introduces(n, p) for n in question_names(question))]
            if naming and not _names_in_text(question, _full(passages[0])):
                passages = [*naming, *(p for p in passages if p not in naming)]
        unsaid_by_pinned = ""
        if pinned and previous and not elliptic and not abstain and query.kind in ("fact", "explain", "yesno"):
            # 'and how do they handle heterophily?' after Flan-MoE and U-PaLM were compared: the papers
            # it asks about never speak of heterophily, though other papers of the library do
            on = [p for p in passages if p.doc_id in pinned]
            unsaid_by_pinned = self._unsaid_by(question, previous, on)
            if unsaid_by_pinned:
                abstain, reason = True, f"{NOT_IN_PINNED} '{unsaid_by_pinned}'"
        record = record_field(question) if query.kind == "fact" else None
        paper = _recorded(question, passages, bool(pinned)) if record else None
        if paper is not None:  # the paper asked about comes first: its record answers
            passages = [paper, *(p for p in passages if p is not paper)]
        t1 = time.perf_counter()
        # Sentences are ranked by what this question asks; a follow-up's earlier questions only
        # widened the search ('and how do they handle heterophily?' is about heterophily).
        ev = measure(query.topic if query.kind == "list" else question, passages, self._embed, self._doc_freq)
        count = focus_term(question) if _HOW_MANY.match(question) else None
        # 'What does X stand for?' rests on an abstract spelling X out, whatever else it shares with it
        spelled = (acronym := stands_for(question)) is not None and any(spells_out(acronym, _full(p)) for p in passages)
        if not abstain and query.kind not in ("list", "compare") and not ranking and not weighed:
            names, rare = self._unknown(question, passages)
            if previous and not elliptic and not names:
                # 'How does it work?' after 'What is GraphSAGE?': 'it' is what no abstract mentions
                names = self._unknown(previous, passages)[0]
            if query.kind == "yesno" and ev.sentences and contradicts(ev.sentences[0][0].text, question):
                # a number no abstract gives ('... at 8B, 62B and 175B scales?') that the best
                # sentence gives another of ('8B, 62B, and 540B'): the library says No to it
                names = [n for n in names if not re.match(r"\d", n)]
            ev.features["rare_unknown"] = len({t for w in rare for t in terms(w)}) / max(1, len(ev.question_terms))
            # a count has its own, stricter test: some abstract must give a number of it
            # a follow-up's topic is the conversation's; an explanation of a thing the top abstract
            # names ('What does the Gemini report expect its models to make possible?') is about what
            # the library holds, however the question words it
            named = query.kind == "explain" and bool(passages) and _names_in_text(question, _full(passages[0]))
            threshold = 0.0 if (previous and not elliptic) or named or spelled else self.threshold
            abstain, reason = abstain_decision(ev, threshold, names, check_focus=query.kind == "fact" and not count)
        if not abstain and count and not counted_numbers(question, [_full(p) for p in _naming(question, passages)]):
            abstain, reason = True, f"no abstract gives a number of '{focus_term(question)}'"
        if (
            not abstain
            and query.kind == "fact"
            and not previous
            and not spelled  # 'What is MoE short for?' asks for no word of 'short'
            and (unsaid := _unsaid_of_subject(question, passages, self._known))
        ):
            abstain, reason = True, unsaid
        if not abstain and acronym and not spelled:
            # 'What does BLOOM stand for?': the words are in an abstract or the answer is not
            abstain, reason = True, f"{NOT_SPELLED} '{acronym}'"
        if (
            not abstain
            and query.kind == "yesno"
            and passages
            and not weighed
            and (asked := silent_on(question, _full(passages[0])))
        ):
            said = [w for w in re.findall(r"[\w'-]+", question) if set(terms(w)) & set(asked)]
            abstain, reason = True, f"the closest abstract says nothing of '{' '.join(said)}'"
        if paper is not None:  # 'Who wrote the BLOOM paper?': the record says, or nothing in the library does
            abstain = not getattr(paper, record or "")
            reason = f"{NO_RECORD} {'authors' if record == 'authors' else 'year'}" if abstain else ""
        if not passages:
            abstain, reason = True, reason or "no documents to search"
        elsewhere: tuple[Passage, ...] = ()
        if unsaid_by_pinned:  # the papers of the library that do speak of it
            speaking = self._search(question, k, scope)
            elsewhere = tuple(p for p in speaking if p.doc_id not in pinned and _says_word(_full(p), unsaid_by_pinned))[:2]
        elif abstain and scope and owner is None and not unrecorded(reason) and reason != SMALL_TALK and not everywhere:
            # 'What is Lingvo?' asked in Tony's library, when Alex's answers it: the abstention says where
            other = self.plan(question, history=history, k=k, sources=sources, everywhere=True)
            if not other.abstain:
                elsewhere = tuple(p for p in other.passages[:2] if scope not in p.libraries)
        parts = question_parts(question) if query.kind == "explain" and not abstain else [question]
        second = second_part(parts[1], ev, self._embed) if len(parts) == 2 else ()
        if query.kind == "list" and saying and not abstain:
            # a paper admitted by meaning is shown, and quoted, with the sentence that says the topic
            second = tuple(
                next((s for s in ranked if s.text == saying.get(p.doc_id)), None)
                for p, ranked in zip(passages, ev.sentences, strict=True)
            )
        shown = select(query, ev, passages, second)
        compared = compared_by(question) if query.kind == "compare" and not abstain and len(query.subjects) == 2 else None
        measured = _measured(query.subjects, compared, passages) if compared is not None else weighed
        compared = compared or (than_by if weighed else None)
        settles = (
            _settling(question, query.subjects, ev, shown) if query.kind == "compare" and not abstain and not measured else ()
        )
        decision = (
            decide(ev.sentences[0], question, name_terms(question))
            if query.kind == "yesno" and ev.sentences and not abstain
            else None
        )
        if weighed and not abstain:  # Yes when the thing the question asks it of comes out ahead
            decision = "Yes" if weighed[0][0] == than[0] else "No"
        timings = {"retrieval": t1 - t0, "evidence": time.perf_counter() - t1}
        return Plan(
            question=question,
            previous=previous,
            pinned=pinned,
            query=query,
            search_text=search_text,
            library=scope,
            passages=tuple(passages),
            evidence=ev,
            shown=tuple(shown),
            abstain=abstain,
            reason=reason,
            decision=decision,
            timings=timings,
            second=second,
            record=record if paper is not None and not abstain else None,
            contents=contents,
            similar=similar,
            elsewhere=elsewhere,
            ranked_by=ranked_thing,
            ranked_order=ranked_order,
            ranking=tuple(ranking),
            measured_by=compared or ("", False),
            measured=measured,
            settles=settles,
            undated=undated,
            respelled=tuple(respelled),
            length=length,
        )

    def _elliptic(self, question: str, query: Query) -> bool:
        """A fact, yes/no or explanation question that names nothing and says nothing but common
        words ('How many women took part?', 'What was the primary outcome?'): it leaves out what it
        is about."""
        common = self._common()
        said = [w for w in re.findall(r"[a-z]+", question.lower()) if w not in STOPWORDS]
        return (
            query.kind in ("fact", "yesno", "explain")
            and bool(common)
            and not question_names(question)
            and not _CAPITALISED_WORD.search(question)  # 'Gemini Ultra' is a name, however common its words
            and all(w in common for w in said)
        )

    def _whole(self, query: Query, previous: str | None) -> bool:
        """A list of a library's whole contents: no topic, and no word pointing back to one
        ('Which papers are about them?' out of the blue names nothing to list)."""
        return (
            self._contents is not None
            and previous is None
            and names_no_topic(query.topic)
            and not _POINTS_BACK.search(query.text)
        )

    def _unsaid_by(self, question: str, previous: str, papers: list[Passage]) -> str:
        """A word of a follow-up, new to the conversation, that none of the papers it is about uses
        but another paper of the library does: a name ('MMLU') or a word of no general English
        ('heterophily'); empty when there is none."""
        if not papers:
            return ""
        common, before = self._common(), set(terms(previous))
        said = WordSet(t for p in papers for t in terms(_full(p)))
        rare = [w for w in re.findall(r"[a-z]+", question.lower()) if len(w) > 3 and w not in STOPWORDS and w not in common]
        for word in [*question_names(question), *dict.fromkeys(rare)]:
            stems = terms(word)
            if not stems or stems[0] in before or stems[0] in said or any(mentions(_full(p), word) for p in papers):
                continue
            if self._known(stems[0]) and any(_says_word(_full(p), word) for p in self._search(word, 3, None)):
                return word  # another paper says the very word ('implicate' is not 'implications')
        return ""

    def _known(self, term: str) -> bool:
        """Whether some document of the library uses the stemmed term."""
        df, _ = self._doc_freq([term])
        return df.get(term, 0) > 0

    def _unknown(self, question: str, passages: list[Passage]) -> tuple[list[str], list[str]]:
        """What the question names that no document in the library uses: (exact names, rare words).
        Names: 'GPT-5' (an acronym counts as used where a retrieved abstract spells it out: 'RL',
        'reinforcement learning'). Rare words: 'bortezomib', not a whole word of general English by
        the embedder's vocabulary; a paraphrase in common words ('plain', 'beat') that no abstract
        happens to use is not held against the question."""
        common = self._common()
        rare = [w for w in re.findall(r"[a-z]+", question.lower()) if len(w) > 3 and w not in STOPWORDS and w not in common]
        shouted = sum(c.isupper() for c in question) > 0.5 * sum(c.isalpha() for c in question)  # a title in capitals
        names = [] if shouted else question_names(question)
        candidates = [*names, *(dict.fromkeys(rare) if common else [])]
        keys = {n: (terms(n) or [""])[0] for n in candidates}
        df, _ = self._doc_freq([k for k in keys.values() if k])
        texts = [_full(p) for p in passages]
        unused = [n for n, k in keys.items() if k and not df.get(k) and not any(names_or_spells(t, n) for t in texts)]
        return [n for n in unused if n in names], [n for n in unused if n not in names]

    def _list(self, query: Query, search_text: str, scope: str | None) -> tuple[list[Passage], bool, str, dict[str, str]]:
        """Every candidate about the topic, best first; the closest few when none is. For papers
        admitted by meaning, also the sentence that says the topic (by doc id)."""
        candidates = self._search(search_text, tuning.LIST_CANDIDATES, scope)
        if names_no_topic(query.topic):
            return candidates[:3], True, "the question names no topic", {}  # 'Which papers are about them?', out of the blue
        if (typed := self._typed_low(query.topic)) != query.topic:
            query = replace(query, topic=typed)  # 'which papers are about rl': 'RL'
        spelled = expansions(query.topic, [_full(p) for p in candidates])
        if words := unique(
            w for t in map(_full, candidates) for n, forms in spelled.items() for w in spellings(n, t) if _stemmed(w) in forms
        ):
            # an acronym's papers are searched for by its words too ('Werner syndrome' for 'WS'): a paper
            # writing only the words may not come up for the letters
            found = {p.doc_id: p for w in words for p in self._search(w, tuning.LIST_CANDIDATES, scope)}
            seen = {p.doc_id for p in candidates}
            candidates += [p for d, p in found.items() if d not in seen]
            spelled = expansions(query.topic, [_full(p) for p in candidates])
        qualifying = [p for p in candidates if about(query.topic, _full(p), query.introduces, spelled)]
        saying: dict[str, str] = {}
        if not qualifying:
            # a topic in other words than any paper's ('systems that suggest text to people while
            # they are typing'): a paper one of whose sentences says much the same is about it
            saying = self._paraphrased(query.topic, candidates)
            by_id = {p.doc_id: p for p in candidates}
            qualifying = [by_id[d] for d in saying]
        if not qualifying:
            return candidates[:3], True, f"no abstract in the library is about '{query.topic}'", {}
        return qualifying, False, "", saying

    def _typed_low(self, topic: str) -> str:
        """A list topic with an acronym typed in small letters ('rl', 'llms'), in capitals: a word of
        two to five letters without a vowel (English words have one: 'reuse' is a word the embedder's
        vocabulary happens to lack) that is no word of general English."""
        common = self._common()

        def shout(m: re.Match[str]) -> str:
            word = m.group(0)
            if not common or word in common or word.rstrip("s") in common or re.search(r"[aeiouy]", word):
                return word
            return word[:-1].upper() + "s" if word.endswith("s") and len(word) > 3 else word.upper()

        return re.sub(r"(?<![\w-])[a-z]{2,5}(?![\w-])", shout, topic)

    def _paraphrased(self, topic: str, candidates: list[Passage]) -> dict[str, str]:
        """The candidates with a sentence whose cosine with the topic is LIST_PARAPHRASE or more, or
        (among the first LIST_CLAUSE_CANDIDATES) a phrase of a sentence whose cosine is LIST_CLAUSE or
        more, best first, each with that sentence (by doc id). A topic is a phrase: it is compared
        with a sentence's phrases as well as with the whole sentence, whose other clauses dilute its
        meaning ('keeping experiment configs in one place' and Lingvo's '... and experiment
        configurations are centralized')."""
        sentence = closest(topic, candidates, self._embed)
        head = candidates[: tuning.LIST_CLAUSE_CANDIDATES]
        phrase = closest(topic, head, self._embed, clauses) + [(0.0, "")] * (len(candidates) - len(head))
        scored = [
            (max(s, c), t if c >= tuning.LIST_CLAUSE and c > s else u, p)
            for (s, u), (c, t), p in zip(sentence, phrase, candidates, strict=True)
            if s >= tuning.LIST_PARAPHRASE or c >= tuning.LIST_CLAUSE
        ]
        return {p.doc_id: said for _, said, p in sorted(scored, key=lambda x: -x[0])}

    def _refer_back(self, query: Query, previous: str, sources: list[str]) -> Query:
        """A follow-up comparison that names one side by a pronoun ('How does it compare with U-PaLM?')
        compares what the previous question was about: its one name, else the paper the previous
        answer cited first, by its label."""
        if not any(_POINTER.fullmatch(s) for s in query.subjects):
            return query
        names = subject_names(previous)
        cited = self._get(sources[:1])
        name = names[0] if len(names) == 1 else (cited[0].name if cited else "")
        if not name:
            return query
        return replace(query, subjects=tuple(name if _POINTER.fullmatch(s) else s for s in query.subjects))

    def _compare(self, query: Query, scope: str | None, k: int) -> tuple[list[Passage], bool, str]:
        """The abstract that best stands for each thing compared; abstain when one has none."""
        chosen: list[Passage] = []
        missing: list[str] = []
        for subject in query.subjects:
            found = self._search(subject, tuning.COMPARE_CANDIDATES, scope)
            words = list(dict.fromkeys(_parts(subject)))
            df, n = self._doc_freq(words)
            weights = {t: float(np.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))) for t in words}
            taken = {c.doc_id for c in chosen}
            # an abstract that names the thing in so many words ('instruction prompt tuning') stands for
            # it before one that only has its words apart ('instruction tuning', 'prompt settings')
            scored = [
                (names_subject(subject, _full(p), weights), mentions_phrase(_full(p), subject), -i, p)
                for i, p in enumerate(found)
                if p.doc_id not in taken
            ]
            if chosen and not query.twice and names_subject(subject, _full(chosen[0]), weights) > 0:
                # both things in one abstract ('RNN-T vs attention-based models', 'U-PaLM compared to
                # PaLM'): it stands for both, unless another abstract has the second thing's words
                # and, for a thing with a name, is about it (says what it is, or opens with it) rather
                # than naming it in passing
                scored = [sc for sc in scored if sc[0] > 0 and (not _proper(subject) or _introduces(subject, sc[3]))]
                if not scored:
                    continue
            names = _proper(subject)
            if names and not any(s[0] > 0 for s in scored):
                # a thing named exactly ('OPA1 in metabolic adaptation'): the best match that has its
                # names stands for it, however the rest is worded
                scored = [(0.5, e, i, p) for _, e, i, p in scored if all(mentions(_full(p), n) for n in names)][:1]
            scored = [s for s in scored if s[0] > 0]
            if not scored:
                missing.append(subject)
                continue
            chosen.append(max(scored, key=lambda s: (s[1], s[0], s[2]))[3])
        if missing:  # what the abstention names as closest: what was found, else what the things' words find
            closest = chosen or self._search(" ".join(query.subjects), 3, scope)
            return closest, True, "the library has nothing on " + " or ".join(f"'{m}'" for m in dict.fromkeys(missing))
        return chosen[:k] if k >= 2 else chosen[:2], False, ""


# 'Does BLOOM have more parameters than U-PaLM?': the thing before the comparison, the one after 'than'
_THAN = re.compile(r"^(?P<a>.+?)\b(?:more|fewer|less|bigger|larger|smaller)\b.*?\bthan\s+(?P<b>.+)$", re.I)


def _than(question: str) -> tuple[str, ...]:
    """The two named things a yes/no question weighs against each other by a number, in order, or ()."""
    m = _THAN.match(question)
    if m is None:
        return ()
    a, b = question_names(m["a"]), question_names(m["b"])
    return (a[0], b[0]) if len(a) == 1 and len(b) == 1 else ()


def _measured(subjects: tuple[str, ...], by: tuple[str, bool], passages: list[Passage]) -> tuple[tuple[str, int, Measured], ...]:
    """For 'Which is bigger, BLOOM or U-PaLM?': each thing (with its shown number) and the number its
    abstract gives of what is compared, the one with more (or fewer) first; nothing when an abstract
    gives none, or both the same."""
    thing, least = by
    found = []
    for i, subject in enumerate(subjects):
        p = passages[i] if i < len(passages) else passages[0] if passages else None
        m = measured_in(thing, least, subject, question_names(subject) or _proper(subject), _full(p)) if p is not None else None
        if m is None:
            return ()
        found.append((subject, (i if i < len(passages) else 0) + 1, m))
    if found[0][2].value == found[1][2].value:
        return ()
    return tuple(sorted(found, key=lambda f: f[2].value, reverse=not least))


# 'Which model is faster, GPT-4o or GPT-4 Turbo?': a quality one of the things has more of
_WHICH_OF = re.compile(r"^\W*(?:which|who)\b|\bwhich\s+(?:one|of\s+(?:the\s+)?(?:two|them))\b|\bthan\b", re.I)
_COMPARATIVE_WORD = re.compile(
    r"\b(?:more|less)\s+(?P<more>[a-z]{4,})\b|\b(?P<er>faster|slower|cheaper|costlier|better|worse|stronger|weaker|"
    r"safer|simpler|easier|harder|quicker|longer|shorter|newer|older|higher|lower)\b",
    re.I,
)


def _settling(question: str, subjects: tuple[str, ...], ev: Evidence, shown: list[Shown]) -> tuple[int, str] | tuple[()]:
    """For a comparison of two things asking which is faster, cheaper, better ... (no count of a thing),
    the best-ranked shown abstract's sentence that says so with the other thing named ('It matches
    GPT-4 Turbo performance ..., while also being much faster and 50% cheaper in the API.'), or ()."""
    m = _COMPARATIVE_WORD.search(question)
    if m is None or len(subjects) != 2 or not _WHICH_OF.search(question):
        return ()
    word = (m["more"] or m["er"]).lower()
    stems = set(terms(word)) or {word}
    for i, (sh, ranked) in enumerate(zip(shown, ev.sentences, strict=False)):
        # the other thing, against which this abstract says it (either, when one abstract has both)
        others = subjects if len(shown) == 1 else tuple(x for j, x in enumerate(subjects) if j != i)
        names = [n for x in others for n in (question_names(x) or _proper(x))]
        for s in ranked:
            if stems & set(terms(s.text)) and any(mentions(s.text, n) for n in names):
                return sh.number, s.text
    return ()


def _introduces(subject: str, p: Passage) -> bool:
    """Whether an abstract is about a compared thing, not naming it in passing: its first sentence
    names it, or a sentence says what it is ('we introduce Flan-MoE, a set of ...', 'PaLM is a ...')."""
    names = [re.compile(bounded(n), re.I) for n in (subject, *_proper(subject))]
    sentences = split_sentences(_full(p))
    naming = [s for s in sentences if any(n.search(s) for n in names)]  # 'Flan-PaLM', not 'Flan-PaLM-62B'
    return bool(naming) and (naming[0] == sentences[0] or any(_DEFINES.search(s) for s in naming))


def _point_within(query: Query, question: str) -> Query:
    """A compared thing named by pointing back to the question's own first part ('What kind of model
    is Gemini, and how is *that* different from Flan-MoE?') is the name that part gives."""
    if not any(_POINTER.fullmatch(s) for s in query.subjects):
        return query
    others = " ".join(s for s in query.subjects if not _POINTER.fullmatch(s)).lower()
    names = [n for n in subject_names(question) if n.lower() not in others]
    if not names:
        return query
    return replace(query, subjects=tuple(names[0] if _POINTER.fullmatch(s) else s for s in query.subjects))


def closest(
    topic: str, passages: list[Passage], embed: Embed, pieces: Callable[[str], list[str]] | None = None
) -> list[tuple[float, str]]:
    """Each passage's highest sentence cosine with the topic (its title counts as a sentence), or
    with the sentences' `pieces` (their clauses), and the sentence it is found in."""
    groups = [[(c, s) for s in split_sentences(_full(p)) or [_full(p)] for c in (pieces(s) if pieces else [s])] for p in passages]
    flat = [c for g in groups for c, _ in g]
    if not flat:
        return []
    vectors = embed([topic, *flat])
    sims = vectors[1:] @ vectors[0]
    out, start = [], 0
    for g in groups:
        best = start + int(np.argmax(sims[start : start + len(g)]))
        out.append((float(sims[best]), g[best - start][1]))
        start += len(g)
    return out


def _recorded(question: str, passages: list[Passage], follow_up: bool = False) -> Passage | None:
    """The paper a record question asks about: the first passage naming every name of the question
    ('BLOOM'), or, for one that names none ('Who wrote the paper on heterophily?'), the first passage
    when it uses every content word of the question's topic; in a follow-up that says no more ('Who
    wrote it?'), the paper the previous answer cited first."""
    names = subject_names(question)
    if names:
        return next((p for p in passages if all(names_or_spells(_full(p), n) for n in names)), None)
    topic = re.sub(
        _WHO_WROTE.pattern + r"|\b(?:paper|article|study|report|work|published|come|came|out|written|when|year|was|were)\b",
        " ",
        question,
        flags=re.I,
    )
    words = [w for w in re.findall(r"[\w-]+", topic) if w.lower() not in STOPWORDS]
    if not words:
        return passages[0] if follow_up and passages else None
    return passages[0] if passages and about(" ".join(words), _full(passages[0])) else None


def _naming(question: str, passages: list[Passage]) -> list[Passage]:
    """The passages that mention every name the question uses (all of them when it uses none):
    the count of GPT-4o's parameters must come from an abstract about GPT-4o."""
    names = question_names(question)
    return [p for p in passages if all(names_or_spells(_full(p), n) for n in names)]  # 'microRNA (miR)-mediated' too


def _unsaid_of_subject(question: str, passages: list[Passage], known: Callable[[str], bool]) -> str:
    """Why a factual question about a named thing cannot be answered, or '': the abstracts naming
    it never use the word for what is asked ('What license is Lingvo released under?': Lingvo's
    abstract has no licence, BLOOM's has). As a count must come from an abstract about what the
    question names, so must the thing asked about. A compound made of the word and another word
    the library uses (`known`) counts: 'dataset' uses 'data'."""
    focus, names = focus_term(question), subject_names(question)
    naming = [terms(t) for t in map(_full, passages) if any(names_or_spells(t, n) for n in names)]
    if not focus or not naming or any(focus in WordSet(words) or compounds(focus, words, known) for words in naming):
        return ""
    word = next((w for w in re.findall(r"[\w-]+", question) if focus in terms(w)), focus)
    return f"no abstract about {' or '.join(names)} mentions '{word}'"


def compounds(word: str, words: list[str], known: Callable[[str], bool]) -> bool:
    """Whether `words` hold a compound that opens with `word` and ends with another word of three
    letters or more that `known` knows ('dataset': 'data' + 'set'; not 'model': 'mode' + 'l')."""
    return any(w.startswith(word) and len(w) - len(word) >= 3 and known(w[len(word) :]) for w in words)


def _full(p: Passage) -> str:
    return f"{p.title}. {p.text}" if p.title else p.text


_CONNECTIVE = re.compile(r"^(and|but|also|so|then|what about|how about|same for|and what|what else)\b", re.I)
_FOLLOW_UP = re.compile(
    rf"{_CONNECTIVE.pattern}"
    # (a word on its own: 'the model-based RL agent' points back to nothing)
    r"|\b(it|its|it's|they|them|their|this|that|these|those|he|she|his|her|the same|the model|the paper|each|both|either)(?![\w-])"
    # picking among what was just said: 'Which one came first?', 'the latter' ('which one of my papers ...' asks anew)
    r"|\bwhich\s+one\b(?!\s+of\b)|\bwhich\s+of\s+the\s+(?:two|three)\b|\bthe\s+(?:former|latter)\b",
    re.I,
)
# 'the second one', 'the last paper': one of the papers the last answer gave, by its place there
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL = re.compile(rf"\bthe\s+({'|'.join(_ORDINALS)}|last)\s+(?:one|paper|abstract|study|article|result|source)\b", re.I)
NONE_AMONG = "none of the papers of the last answer is about"
NOT_IN_PINNED = "the papers the conversation is about say nothing of"
NO_LIBRARY = "no library is called"


def ordinal(question: str) -> int | None:
    """The place, in the last answer, of the paper a question points to ('the second one': 1; 'the
    last one': -1), if it points to one."""
    m = _ORDINAL.search(question)
    if m is None:
        return None
    word = m[1].lower()
    return -1 if word == "last" else _ORDINALS.index(word)


# a list follow-up asking for papers beyond those given ('Any more papers like that?', 'Anything else on it?'),
# and the reason its abstention gives when the last answer gave them all
_MORE = re.compile(
    r"\b(?:more|other|further|additional)\s+(?:[\w-]+\s+)?(?:papers?|abstracts?|articles?|studies|works?|ones)\b"
    r"|\b(?:anything|something|what|which)\s+else\b|\bany\s*more\b|\banother\s+(?:paper|one|abstract)\b",
    re.I,
)
NO_MORE = "no other abstract in the library is about"
NO_RECORD = "the library's record of the paper gives no"  # 'Who wrote the BLOOM paper?' of a record without authors
FROM_RECORD = "from the library's record, not the abstract"
FROM_NUMBERS = "ranked by the numbers the abstracts give"
FROM_MEASURES = "weighed by the numbers the two abstracts give"
NAMED_NOWHERE = "no abstract in any library mentions"  # 'What's the difference between deliberative alignment and RLHF?'
FROM_YEARS = "ranked by the years of the library's records"
NO_YEARS = "no record in the library gives a year"  # 'Which paper is the most recent?' of records without years
SMALL_TALK = "no question to answer"
NOT_SPELLED = "no abstract spells out"  # 'What does BLOOM stand for?' where no abstract gives the words
_HELLO = r"hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening)"
# 'hi', 'thank you!', 'ok', 'bye': said to the assistant, not asked of the library
_SMALL_TALK = re.compile(
    rf"^\W*(?:(?P<greeting>{_HELLO})|(?P<thanks>thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much)?|thx|cheers)|"
    r"(?P<bye>bye|goodbye|see\s+you)|(?P<ok>ok(?:ay)?|great|cool|nice|perfect|got\s+it))(?:\s+(?:there|again|a\s+lot))?\W*$",
    re.I,
)
# a greeting before a question ('Hi, what is BLOOM?'); not 'Hi-C'
_GREETING = re.compile(rf"^\W*(?:{_HELLO})(?:\s+there)?[\s,!.:;]+(?=\w)", re.I)


def small_talk(question: str) -> str | None:
    """What a message that asks nothing says: 'greeting', 'thanks', 'bye' or 'ok'; else None."""
    m = _SMALL_TALK.match(question)
    return m.lastgroup if m else None


def unrecorded(reason: str) -> str:
    """What a paper's record lacks, from an abstention's reason ('authors'); empty for other reasons."""
    return reason[len(NO_RECORD) :].strip() if reason.startswith(NO_RECORD) else ""


# a compared thing named by pointing back ('it', 'this model', 'they')
_POINTER = re.compile(
    r"\s*(?:it|this|that|they|them|these|those|(?:this|that|the\s+same)\s+(?:one|model|paper|method|system|benchmark|approach))\s*",
    re.I,
)


# 'What about Flan-MoE?', 'And U-PaLM?': the last full question, asked of another thing
_SWAP = re.compile(
    r"^\W*(?:(?:and\s+)?(?:what|how)\s+about|and(?:\s+(?:for|with))?|same\s+(?:for|with)|what\s+of)\s+(?P<x>[^?.!,;]{1,40}?)\s*[?.!]*\s*$",
    re.I,
)
# 'Which one introduces a benchmark?' ('which one of my papers ...' asks anew)
_ONE_OF_LIST = re.compile(r"^\W*(?:and\s+|so\s+)?which\s+one\s+(?P<rest>(?!of\b)\S.*)$", re.I)
# 'What about the Flan collection, what does it contain?': another thing, then what is asked of it
_ABOUT_THEN = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:what|how)\s+about\s+(?P<x>[^?.!,;]{1,60}?)\s*[,;:]\s*(?P<rest>[^,;]+?)\s*$", re.I
)
_POINTING_BACK = re.compile(r"\b(it|its|they|them|their)\b", re.I)


def about_then(question: str) -> str | None:
    """A follow-up that turns to another thing and asks of it ('What about the Flan collection,
    what does it contain?') as the question asked of that thing ('What does the Flan collection
    contain?'), with the thing in place of the one word pointing back to it; None for any other."""
    m = _ABOUT_THEN.match(question)
    if not m or not re.search(r"\?\s*$", m["rest"]):
        return None
    x, rest = m["x"].strip(), m["rest"]
    pointers = list(_POINTING_BACK.finditer(rest))
    if len(pointers) != 1:
        return None
    it = pointers[0]
    owner = "'s" if it.group(1).lower() in ("its", "their") else ""
    asked = f"{rest[: it.start()]}{x}{owner}{rest[it.end() :]}"
    return asked[:1].upper() + asked[1:]


# 'Tell me more.', 'Go on.', 'Can you elaborate?'
_TELL_MORE = re.compile(
    r"^\W*(?:(?:can|could)\s+you\s+|please\s+)?(?:tell\s+me\s+more|say\s+more|more\s+(?:details?|info(?:rmation)?)|go\s+on|"
    r"continue|elaborate|expand(?:\s+on\s+(?:it|that|this))?)(?:\s+(?:about\s+(?:it|that|this)|please))?\W*$",
    re.I,
)


# 'Summarise it.', 'Explain that paper.', 'Can you describe this one?': asked of the paper last cited
_OF_IT = re.compile(
    r"^\W*(?:(?:can|could)\s+you\s+|please\s+)?(?P<ask>summari[sz]e|explain|describe|outline|tell\s+me\s+about|"
    r"give\s+me\s+(?:a|an|the)\s+(?:summary|gist|overview)\s+of)\s+(?:it|that|this|(?:that|this|the)\s+(?:one|paper|abstract|study|work))"
    r"(?:\s+(?:for\s+me|please))?\W*$",
    re.I,
)


def _ranks(question: str, query: Query) -> tuple[str, str] | None:
    """What a question ranks the library by, and which paper it asks for: 'most' or 'fewest'
    (`ranked_by`); for a list of the papers that give a number of something, that thing and ''
    (they are listed by the most)."""
    if (by := ranked_by(question)) is not None:
        return by[0], "fewest" if by[1] else "most"
    thing = counted_in(question) if query.kind == "list" else None
    return (thing, "") if thing else None


def swapped(question: str, history: list[str]) -> str | None:
    """A follow-up that names only another thing ('What about Flan-MoE?', 'And U-PaLM?') as the
    conversation's last full question asked of it ('How many parameters does Flan-MoE have?'), or
    with it in place of the one 'it' the last question points back with; None for any other
    question, or when the last full question names no one thing to swap."""
    m = _SWAP.match(question)
    if not m or not (question_names(m["x"]) or re.search(r"\b[A-Z]", m["x"])):  # a name: 'U-PaLM', 'Gemini Ultra'
        return None
    base = next((h for h in reversed(history) if not _SWAP.match(h)), None)
    names = subject_names(base) if base else []
    pointers = list(re.finditer(r"\b(it|its)\b", base, re.I)) if base and not names else []
    if base is not None and len(pointers) == 1:
        # the last question pointed back ('how much compute does it save?' after 'What is UL2R?'):
        # it is asked of the other thing in place of the pointer
        it, x = pointers[0], m["x"].strip()
        owner = "'s" if it.group(1).lower() == "its" else ""
        return f"{base[: it.start()]}{x}{owner}{base[it.end() :]}"
    if base is None or len(names) != 1 or names[0] not in base:
        return None
    return base.replace(names[0], m["x"].strip(), 1)


# 'Which one came first?', 'Which of the two is bigger?': a pick among the things just compared
_PICK = re.compile(
    r"^\W*(?:and\s+|so\s+)?which\s+(?:one|of\s+the\s+(?:two|three)|of\s+them)\b(?!\s+of\b)(?P<rest>[^?]*)\??\s*$", re.I
)


def picked(question: str, history: list[str]) -> str | None:
    """A follow-up that picks one of the things the last question compared ('Which one came
    first?' after 'What's the difference between deliberative alignment and RLHF?') as a question
    naming them ('Which of deliberative alignment and RLHF came first?'), so that it is answered
    of them, or abstained on as they are; None for any other question."""
    m = _PICK.match(question)
    base = next((h for h in reversed(history) if not _PICK.match(h)), None)  # past earlier picks ('And which one ...?')
    if not m or base is None or not m["rest"].strip():
        return None
    last = read_question(base)
    things = last.subjects
    if last.kind != "compare" or not 2 <= len(things) <= 3:
        return None
    return f"Which of {', '.join(things[:-1])} and {things[-1]}{m['rest'].rstrip()}?"


def is_follow_up(question: str, previous: str = "") -> bool:
    """A question that leans on the conversation: opens with a connective or refers back. Not one
    whose back-reference follows a name of its own that the last question did not use ('What is
    UniMax and how does it work?' after a question on BLOOM: 'it' is UniMax)."""
    q = question.strip()
    m = _FOLLOW_UP.search(q)
    if m is None or (previous and not _CONNECTIVE.match(q) and _new_name_before(q[: m.start()], previous)):
        return bool(_ORDINAL.search(q) or places(q))
    return True


def _new_name_before(opening: str, previous: str) -> bool:
    """Whether the words before a back-reference name something the last question did not (an
    owner, 'Tony's', is no new thing: 'In Tony's library, which papers discuss it?')."""
    names = subject_names(re.sub(r"\b[\w.-]+['’]s\b", " ", opening))
    return any(not mentions(previous, n) for n in names)


def strength(ev: Evidence) -> float:
    """How strongly the best abstract bears on the question (0-1): the weighted share of the
    question's words it uses (of those the library uses at all) and the best sentence's cosine,
    less half the share of the question's rare words no abstract uses. The weights are those set
    on PubMedQA for the earlier gate (README, "Abstention"); the threshold was set again for this."""
    dense = max(0.0, min(1.0, (ev.sentence_dense - tuning.DENSE_FLOOR) / tuning.DENSE_SPAN))
    rare = ev.features.get("rare_unknown", 0.0)
    return tuning.STRENGTH_COVERAGE * ev.known_coverage + tuning.STRENGTH_DENSE * dense - tuning.RARE_UNKNOWN_PENALTY * rare


def abstain_decision(ev: Evidence, threshold: float, missing_names: list[str], check_focus: bool = True) -> tuple[bool, str]:
    """Whether the library cannot hold the answer, and why: a name the question uses appears in no
    abstract; the word for the thing asked about ('what hardware') is used by none; or the
    evidence is weak (threshold calibrated on the dev half of PubMedQA, README)."""
    if not ev.sentences:
        return True, "no documents to search"
    if missing_names:
        return True, f"{NAMED_NOWHERE} " + ", ".join(f"'{n}'" for n in missing_names)
    if not ev.question_terms:
        return False, ""
    if check_focus and not ev.focus_found:
        return True, f"no abstract uses the word '{ev.focus}'"
    ev.features["strength"] = value = strength(ev)
    if value < threshold:
        return True, f"weak evidence ({value:.2f} < {threshold:.2f})"
    return False, ""


def mentions_phrase(text: str, phrase: str) -> bool:
    """Whether a text has a phrase of several words as it stands (any case, any spacing)."""
    words = phrase.split()
    return len(words) > 1 and re.search(r"\s+".join(map(re.escape, words)), text, re.I) is not None


def _says_word(text: str, word: str) -> bool:
    """Whether a text uses a word as written, or its plural ('heterophily', 'MMLU'), any case."""
    return bool(re.search(rf"(?<![\w-]){re.escape(word)}(?:s|es)?(?![\w-])", text, re.I))


def _starts_word(name: str, text: str) -> bool:
    """Whether `name` stands in `text` at the start of a word or after a dash ('PaLM' in 'U-PaLM',
    'GNN' in 'GNNs'), not inside another word ('rl' in 'world')."""
    return bool(name) and re.search(rf"(?<![^\W_]){re.escape(name)}", text) is not None


def mentions(text: str, name: str) -> bool:
    """Whether a text mentions a name: as written (any case, any dash) where a word starts, or in its
    own case anywhere ('T5' in 'umT5'), or by the same stem ('microRNAs' in a text about 'microRNA');
    a dashed name part by part, a part also spelled out ('cryo-EM' in 'cryo-electron microscopy')."""
    dashed = text.replace("–", "-").replace("—", "-")
    low = dashed.lower()
    if _starts_word(name.lower(), low) or _starts_word(greek_folded(name), greek_folded(low)):  # 'NF-κB' in a text of 'NF-kB'
        return True
    if name_like(name) and name in dashed:  # in its own case, also inside a word: 'T5' in 'umT5'
        return True
    have = set(terms(text))
    stem = (terms(name) or [""])[0]
    parts = [p for p in re.split(r"[-/]", name) if p]
    if len(parts) > 1:  # 'miRNA-network': each part, in any form; 'cryo-EM' in 'cryo-electron microscopy'
        return all(mentions(text, p) or spells_out(p, text) for p in parts)
    return bool(stem) and stem in have


def names_or_spells(text: str, name: str) -> bool:
    """Whether a text mentions a name, or spells out an acronym ('reinforcement learning' for 'RL')."""
    return mentions(text, name) or spells_out(name, text)


def topic_naming(plan: Plan) -> Callable[[str], bool] | None:
    """For a list on a named topic ('Which papers mention MMLU?', 'about RL'), whether a text names
    it (one of its names, or words that stand for one in the listed papers); None for a topic
    without a name, a library listed whole or papers like a named one."""
    names = [] if plan.contents or plan.similar else question_names(plan.query.topic)
    if not names:
        return None
    spelled = expansions(plan.query.topic, [_full(p) for p in plan.passages])
    return lambda text: any(names_it(text, n, spelled) for n in names)


def topic_saying(plan: Plan) -> Callable[[str], bool] | None:
    """For a list on a topic described in words ('Which papers are about instruction tuning?'),
    whether a text says any of its words ('instruction-finetuning' does); None for a named topic
    (`topic_naming`), a library listed whole or papers like a named one."""
    topic = plan.query.topic
    if plan.contents or plan.similar or not topic or question_names(topic) or names_no_topic(topic):
        return None
    groups = [g for t in _alternatives(topic) for g in _topic_groups(t)]
    closed = _compounds(topic)

    return lambda text: any(g & _opened(set(terms(unjoined(text))), closed) for g in groups)


def question_names(question: str) -> list[str]:
    """Exact names in a question ('GPT-4o', 'FIFA', 'MMLU'): tokens with a digit or an inner capital,
    plain numbers and years left out."""
    tokens = re.findall(r"[^\W_][\w\-.]*[^\W_]", question)
    return [t for t in dict.fromkeys(tokens) if name_like(t) and not re.fullmatch(r"[\d.,]+", t)]


def second_part(part: str, ev: Evidence, embed: Embed) -> tuple[Sentence | None, ...]:
    """Per passage, the sentence closest in meaning to the second part of a two-part question ('what
    problem with language sampling does it address?'), or None when none says anything about it (a
    cosine at or under DENSE_FLOOR, the point where the evidence strength counts a sentence as 0).
    By meaning only: the words it shares with the whole question would pull back to the first part.
    Only the part is embedded; the sentences' embeddings are the evidence's."""
    if not ev.vectors:
        return ()
    qv = embed([part])[0]
    out: list[Sentence | None] = []
    for group, vectors in zip(ev.sentences, ev.vectors, strict=True):
        sims = vectors @ qv
        best = max(group, key=lambda s: float(sims[s.position]), default=None)
        out.append(best if best is not None and float(sims[best.position]) > tuning.DENSE_FLOOR else None)
    return tuple(out)


def select(query: Query, ev: Evidence, passages: list[Passage], second: tuple[Sentence | None, ...] = ()) -> list[Shown]:
    """The sentences of each passage the model sees: more of the top one, and for an explanation
    the sentence that defines the thing asked about (and the one that best answers the second part
    of a two-part question)."""
    top_n, other_n = tuning.SENTENCES[query.kind]
    names = subject_names(query.text) if query.kind == "explain" else []
    cue = reason_cue(query)
    shown = []
    for i, (p, ranked) in enumerate(zip(passages, ev.sentences, strict=True), 1):
        n = top_n if i == 1 else other_n
        if cue is not None:
            ranked = sorted(ranked, key=lambda s: not cue.search(s.text))  # stable: best first within each
        elif names:
            ranked = sorted(ranked, key=lambda s: (not defines(s.text, names), -s.score))
        if query.kind == "list" and names_no_topic(query.topic):  # a library listed whole: what each paper contributes
            ranked = _contributed(ranked)
        elif query.kind in ("list", "compare"):  # what the paper says on the topic, and what it contributes
            ranked = [*ranked[:1], *contributions(ranked[1:])]
        chosen = ranked[:n]
        extra = second[i - 1] if i <= len(second) else None
        extra = pointed(ranked, query) if i == 1 and extra is None else extra  # the option, the other things listed
        if extra is not None and all(s.position != extra.position for s in chosen):
            chosen = [*chosen[: n - 1], next(s for s in ranked if s.position == extra.position)]
        best = sorted(chosen, key=lambda s: s.position)
        shown.append(Shown(number=i, passage=p, sentences=tuple(replace(s, text=_clip(s.text)) for s in best)))
    return shown


# 'Are the Flan-MoE models sparse or dense?', 'Is the agent model-free or model-based?': the two
# things a question offers to choose between, the first one word, the second up to three
_OPTIONS = re.compile(r"\b([\w-]+),?\s+or\s+((?:[\w-]+\s+){0,2}[\w-]+)\s*\?\s*$", re.I)
# 'Besides the plain Transformer, which baseline ...?', 'Other than MedQA, what ...?': what a question sets aside
_BESIDES = re.compile(
    r"\b(?:besides|apart\s+from|aside\s+from|other\s+than|except(?:\s+for)?|in\s+addition\s+to)\s+(?:the\s+)?([^,?]+?)\s*,", re.I
)
# the joints of a list ('correct, incorrect, or not attempted', 'such as the Transformer and the Primer')
_LIST_JOINT = re.compile(r"\s*(?:[,;()]|\b(?:and|or|nor|as\s+well\s+as)\b)\s*", re.I)
_ITEM_WORDS = 4  # a list item is a few words; a longer piece is the sentence around the list


def set_aside(question: str) -> list[str]:
    """The things a factual question sets aside ('Besides correct and not attempted, what grade
    ...?' -> ['correct', 'attempted']), each by its last word, the one a list names it by."""
    m = _BESIDES.search(question)
    items = [i for i in _LIST_JOINT.split(m[1]) if i.strip()] if m else []
    return [i.split()[-1].strip(".\"'") for i in items]


def listed_with(sentence: str, aside: list[str]) -> list[str]:
    """The items a sentence lists next to the things set aside ('... graded as either correct,
    incorrect, or not attempted' -> ['incorrect']): the short pieces of the list around them."""
    pieces = [p.strip(" .") for p in _LIST_JOINT.split(sentence) if p and p.strip(" .")]

    def names_aside(piece: str) -> bool:
        return any(re.search(bounded(a), piece, re.I) for a in aside)

    others: list[str] = []
    for i, piece in enumerate(pieces):
        if not names_aside(piece):
            continue
        for step in (-1, 1):  # walk out from the thing set aside while the pieces are list items
            j = i + step
            while 0 <= j < len(pieces) and len(pieces[j].split()) <= _ITEM_WORDS and not names_aside(pieces[j]):
                others.append(pieces[j])
                j += step
    return unique(others)


def pointed(sentences: list[Sentence], query: Query) -> Sentence | None:
    """The sentence a factual question's own wording points to, if it has one:
    - offering a choice, the first sentence holding one of the options, one that says what the
      thing is ('we introduce Flan-MoE, a set of ... Sparse Mixture-of-Expert models') before one
      that only mentions an option ('Flan-MoE outperforms dense models');
    - setting something aside ('Besides the plain Transformer, which baseline ...?'), the first
      sentence that lists other things next to it ('... such as the Transformer and the Primer');
    - asking what a paper introduces ('What benchmark does Med-PaLM introduce?'), the first sentence
      in which the paper introduces a thing of that kind ('we present MultiMedQA, a benchmark ...'),
      however few of the question's words it shares (the paper's name is in other sentences)."""
    if query.kind != "fact":
        return None
    if aside := set_aside(query.text):
        return next((s for s in sentences if listed_with(s.text, aside)), None)
    if _HOW_MANY.match(query.text) and (focus := focus_term(query.text)) is not None:
        # 'How many patients were in the lung cancer delay study?': the first sentence that gives a
        # number of patients ('56 of 73 patients consented'), not those its other words describe
        counting = next((s for s in sentences if numbers_of(focus, s.text)), None)
        if counting is not None:
            return counting
    if _ASKS_INTRODUCED.search(query.text) and (focus := focus_term(query.text)) is not None:
        introducing = (s for s in sentences if _INTRODUCING_BY_PAPER.search(s.text) and _speaks_of(focus, s.text))
        if (found := next(introducing, None)) is not None:
            return found
    m = _OPTIONS.search(query.text)
    options = [o for o in (terms(m[1]), terms(m[2])) if o] if m else []
    if len(options) < 2:
        return None

    def holds(sentence: Sentence) -> bool:
        held = WordSet(terms(sentence.text))
        return any(all(t in held for t in o) for o in options)

    holding = [s for s in sentences if holds(s)]
    saying = (s for s in holding if _DEFINES.search(s.text) or _INTRODUCING.search(s.text))
    return next(saying, holding[0] if holding else None)


def contributions(ranked: list[Sentence]) -> list[Sentence]:
    """The sentences stating what the paper itself does or finds first, the rest after, each in the given order."""
    return sorted(ranked, key=lambda s: not _CONTRIBUTION.search(s.text))


def _contributed(sentences: list[Sentence]) -> list[Sentence]:
    """What a paper listed for no topic is shown and quoted by: its contribution sentences, then the
    rest, each in the abstract's order."""
    return contributions(sorted(sentences, key=lambda s: s.position))


def _clip(sentence: str, limit: int = tuning.MAX_SENTENCE) -> str:
    """A run-on 'sentence' (an abstract without full stops) is cut so one passage cannot fill the context."""
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + " …"


# 'Which dataset ...', 'In what country ...', 'Who ...': a question answered by a name (not 'what kind of')
_WHICH = re.compile(
    r"^\W*(?:(?:in|on|at|from|by|with|for|to|into|under)\s+)?(?:which|what)\s+(?!(?:kinds?|types?|sorts?|is|are|was|were|do|does|did|has|have|had)\b)",
    re.I,
)
_WHO = re.compile(r"^\W*who\b", re.I)
_CAPITALISED_WORD = re.compile(r"(?<=[\w,;:)\]]\s)[A-Z][\w-]+")


# Kinds of thing that are answered by naming one: 'Which multilingual benchmarks was UniMax evaluated
# on?' wants 'TyDiQA' or 'XNLI'; 'What two improvements ...?' may be answered in plain words.
_NAMED_KINDS = frozenset(
    terms(
        "benchmark dataset corpus company country city library framework toolkit product organisation organization"
        " institution university journal conference hardware chip GPU TPU"
    )
)


def wants_a_name(question: str) -> bool:
    """Whether only a name answers a factual question: 'who ...' (not 'who ..., A or B?', which
    names its candidates), or 'which X' for a kind of thing that has names (`_NAMED_KINDS`)."""
    if _WHO.match(question):
        return not re.search(r"\bor\b", question, re.I)
    return answer_wanted(question) == "name" and focus_term(question) in _NAMED_KINDS


def answer_wanted(question: str) -> str | None:
    """What a factual question's answer must hold: 'number' ('how many', 'what percentage'), 'name'
    ('which dataset', 'in what country', 'who'; a number will also do: 'what median time'), else None."""
    if wants_number(question):
        return "number"
    if _WHO.match(question) or (_WHICH.match(question) and focus_phrase(question)):
        return "name"
    return None


# the section labels of a structured abstract ('BACKGROUND', 'CONCLUSIONS'), as they open a sentence
_HEADING = re.compile(
    r"^\s*(?:BACKGROUND|INTRODUCTION|CONTEXT|OBJECTIVES?|AIMS?|PURPOSE|DESIGN|SETTINGS?|PARTICIPANTS|PATIENTS|"
    r"METHODS?|MEASUREMENTS|INTERVENTIONS?|MAIN OUTCOME MEASURES?|RESULTS?|FINDINGS|CONCLUSIONS?|INTERPRETATION)\b[:.]?\s*"
)


def offers(sentence: str, question: str, wanted: str) -> bool:
    """Whether a sentence holds an answer of the kind wanted that the question does not already say:
    a number, or (for a name) a name ('TensorFlow', 'PAD4', 'Ghana', not sentence-initial)."""
    asked = question.lower()
    sentence = _HEADING.sub("", sentence)  # 'CONCLUSIONS Lung cancer patients ...': a section label is no name
    given = {digits(n) for n in numbers(question)}
    if any(digits(n) not in given for n in numbers(sentence)):
        return True
    if wanted == "number":
        return False
    return any(_new_name(t, asked) for t in [*question_names(sentence), *_CAPITALISED_WORD.findall(sentence)])


def _new_name(token: str, asked: str) -> bool:
    """Whether a name of a sentence is one the question (lower-cased, `asked`) does not already say: a
    name built on the question's own ('ACM-augmented' for a question on ACM) is not new."""
    if token.lower() in asked:
        return False
    parts = [p for p in re.split(r"[-/]", token) if p]
    named = [p for p in parts if name_like(p) or p[:1].isupper()]
    return len(parts) < 2 or any(p.lower() not in asked for p in named)


def _speaks_of(word: str, text: str) -> bool:
    """Whether a text uses a stemmed word, in another derivation or opening a compound ('data-set')."""
    held = WordSet(terms(text))
    return word in held or any(t.startswith(word) for t in held.items)


def silent_on(question: str, text: str) -> list[str]:
    """What a yes/no question asks of its subject ('Is Gemini Nano *open-sourced*?') when the abstract
    uses none of those words: it cannot say yes or no to it. Empty when it uses one (or the question
    asks nothing beside its names)."""
    names = name_terms(question)
    asked = [t for t in question_terms(question) if t not in names]
    held = WordSet(terms(text))
    if names and all(t in _MAKING for t in asked) and all(n in held for n in names):
        # 'Is Lingvo built on TensorFlow?': a verb of making only joins two names, and the abstract
        # that names both ('Lingvo is a Tensorflow framework') is what can say yes or no
        return []
    return [] if any(t in held for t in asked) else asked


# verbs of making or using, stemmed: they join names rather than say something of their own
_MAKING = frozenset(terms("built build based made make written write implemented developed run ran used created constructed"))


def quote_for(query: Query, shown: Shown, ev: Evidence, hint: Sentence | None = None) -> Sentence | None:
    """The sentence of a passage that answers the question's kind: for 'what is X', the one that
    defines X; for a yes/no question, the closing finding; else `hint` (the sentence the model read
    its unkept answer from) or the best-scoring one."""
    ranked = ev.sentences[shown.number - 1] if shown.number - 1 < len(ev.sentences) else []
    if not ranked:
        return None
    if query.kind == "yesno":
        # the sentence the decision was read from: the one that says No; else one that makes the
        # question's comparison the same way ('Does U-PaLM outperform PaLM?'); else one naming every
        # thing a question of two or more names joins ('Is Lingvo built on TensorFlow?' - 'Lingvo is
        # a Tensorflow framework ...'); else the closing finding, unless it says nothing of what is
        # asked ('Was it randomized?' - 'LNS supplementation can improve fetal growth'): then the
        # best sentence that does ('In a randomized controlled trial ...')
        joined = name_terms(query.text)
        joining = (s for s in ranked if len(joined) > 1 and all(n in WordSet(terms(s.text)) for n in joined))
        finding = max(closing(ranked), key=lambda s: s.score)
        asked = [t for t in question_terms(query.text) if t not in joined]
        saying = [s for s in ranked if any(t in WordSet(terms(s.text)) for t in asked)]
        if saying and not any(t in WordSet(terms(finding.text)) for t in asked):
            finding = saying[0]
        return deciding(ranked, query.text, joined) or compared_so(ranked, query.text) or next(joining, None) or finding
    if query.kind == "list":
        if hint in ranked:  # the sentence that says the topic, for a paper admitted by meaning
            return hint
        if names_no_topic(query.topic):  # a library listed whole: what the paper contributes, earliest first
            return _contributed(ranked)[0]
        # a sentence that says the topic in its words shows the paper is on it ('To resolve this we
        # introduce instruction prompt tuning ...'), before a contribution that only shares a word
        saying = [s for s in ranked if about(query.topic, s.text, query.introduces)]
        on_topic = [s for s in ranked if s.coverage > 0]
        return (contributions(saying)[:1] or contributions(on_topic) or ranked)[0]
    hint = hint if hint in ranked else None
    hinted = [hint, *(s for s in ranked if s != hint)] if hint is not None else ranked
    if (cue := reason_cue(query)) is not None:
        return next((s for s in hinted if cue.search(s.text)), ranked[0])
    if (chosen := pointed(ranked, query)) is not None:
        return chosen
    if (acronym := stands_for(query.text)) is not None:  # the sentence spelling the acronym out, or none
        return next((s for s in hinted if spells_out(acronym, s.text)), None)
    if query.kind == "fact" and (wanted := answer_wanted(query.text)) is not None:
        # a quote stands for the answer only when it gives one: of what the model was shown, the
        # best sentence holding a number (or name) the question does not already say
        # ('Which benchmarks ...?': where the abstract speaks of benchmarks, a name said of them, not
        # of the corpus the paper releases)
        # A thing of a kind that is not named ('Which operation ...?') may be answered in words: the
        # best sentence that speaks of it ('... can be addressed by diversification operation').
        positions = {x.position for x in shown.sentences}
        seen = [s for s in hinted if s.position in positions]
        focus, has_names = focus_term(query.text), wants_a_name(query.text)
        kind = focus if has_names and focus and _speaks_of(focus, shown.passage.text) else None
        # asked how many of a thing, a number stands for the answer only in a sentence that counts or
        # names the thing ('244 counties' is no count of patients)
        counted = focus if focus and _HOW_MANY.match(query.text) else None
        named = (
            s
            for s in seen
            if offers(s.text, query.text, wanted)
            and (kind is None or _speaks_of(kind, s.text))
            and (counted is None or numbers_of(counted, s.text) or _speaks_of(counted, s.text))
        )
        in_words = focus if wanted == "name" and not has_names else None
        worded = (s for s in seen if in_words and _speaks_of(in_words, s.text))
        return next(named, None) or next(worded, None)
    names = subject_names(query.text) if query.kind in ("explain", "compare") else []
    if query.kind == "compare":
        names = [n for n in names if n.lower() in shown.passage.text.lower()]
    if hint is not None and not asks_what_it_is(query.text):
        return hint
    defining = [s for s in ranked if names and defines(s.text, names)]
    return defining[0] if defining else ranked[0]


__all__ = ["Plan", "Planner", "Shown", "about", "focus_term", "is_follow_up", "quote_for", "topic_naming"]
