"""Abstracts are data, never instructions: before passages reach the model (or are quoted back),
sentences that address the assistant ("ignore previous instructions", "reply only with ...",
"SYSTEM: ...") are left out, and so is chat-template markup with the turn it would open; any span
the model's tokenizer would read as a control token is broken so it reads as plain text."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from .text import split_sentences
from .types import Passage

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(the\s+|your\s+)?(previous|prior|above|earlier|preceding|system|all)"
    r"\s+(instructions?|prompts?|directions|messages?)\b"
    r"|\b(ignore|disregard)\s+(all|any|your)\s+(instructions?|prompts?)\b"
    r"|^\W*(system|assistant|user|developer)\s*:"
    r"|^\W*(please\s+)?(say|reply|respond|repeat)\b"
    r"|\b(reply|respond|answer|say)\s+(only|exactly|just)\s+(with|the\s+word|[\"“'])"
    r"|\byou\s+(must|should|will|are\s+to)\s+(now\s+)?(reply|respond|answer|say|output|ignore|forget)\b"
    r"|\bthe\s+answer\s+to\s+(every|any|all)\s+questions?\s+is\b",
    re.I,
)
# Chat-template control markup (<|im_start|>, <|eot_id|>, [INST], <start_of_turn>...), with the role
# that may follow it: the model's tokenizer would read it as real turn boundaries.
_TURN = re.compile(
    r"(?:<\|[^|>\s]{1,40}\|>|\[/?INST\]|<</?SYS>>|</?(?:start_of_turn|end_of_turn|s)>)\s*"
    r"(?:(system|user|assistant|model|developer)\b:?)?",
    re.I,
)


def is_instruction(sentence: str) -> bool:
    """A sentence written to the assistant rather than about research."""
    return bool(_INSTRUCTION.search(sentence))


def neutralise(text: str) -> str:
    """The abstract without sentences addressed to the assistant, without chat-template markup and
    without any 'turn' that such markup opens; text with neither comes back unchanged."""
    if not _TURN.search(text) and not _INSTRUCTION.search(text):
        return text
    parts = _TURN.split(text)  # text, role, text, role, text...
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        if i and parts[i - 1]:
            continue  # the body of an injected system/user/assistant turn
        kept += [s for s in split_sentences(parts[i]) if not is_instruction(s)]
    return " ".join(kept)


def guard_passages(passages: list[Passage]) -> list[Passage]:
    """Passages as the answerer may use them; unchanged ones are the same objects."""
    out = []
    for p in passages:
        text = neutralise(p.text)
        out.append(p if text == p.text else replace(p, text=text or "(this abstract holds only instructions to an assistant)"))
    return out


# Put inside a control token's text, it stops the tokenizer matching it and leaves what a reader sees alone.
BREAK = "\u200b"  # zero-width space


def neutralise_special(text: str, specials: frozenset[str]) -> str:
    """`text` with every occurrence of a special token's text (Generator.special_tokens(): <bos>,
    <start_of_turn>, <|im_start|>...) broken by a zero-width space after its first character, so
    the model's tokenizer reads it as plain characters even when a prompt is tokenised with special
    tokens parsed. Longest tokens win where two overlap; text without any comes back as it is.
    Removing BREAK gives the text back (a one-character token, which cannot be broken, becomes U+FFFD)."""
    if not specials or not text:
        return text
    pattern = _specials_pattern(specials)
    for _ in range(len(text)):  # again until none is left: a broken token's tail may form another with what follows
        broken = pattern.sub(_break, text)
        if broken == text:
            break
        text = broken
    return text


def _break(m: re.Match[str]) -> str:
    token = m[0]
    return token[0] + BREAK + token[1:] if len(token) > 1 else "\ufffd"


@functools.lru_cache(maxsize=8)
def _specials_pattern(specials: frozenset[str]) -> re.Pattern[str]:
    """One regex matching any of the strings, as a trie: Gemma's 6,250 control tokens would make a
    plain alternation try every one of them at every position of every abstract."""
    trie: dict[str, dict] = {}
    for word in specials:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}
    return re.compile(_trie_regex(trie))


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
