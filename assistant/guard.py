"""Abstracts are data, never instructions: before passages reach the model (or are quoted back),
sentences that address the assistant ("ignore previous instructions", "reply only with ...",
"SYSTEM: ...") are left out, and so is chat-template markup with the turn it would open."""

from __future__ import annotations

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
