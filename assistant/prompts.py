"""Prompt texts from prompts/*.txt, checked when loaded: a missing or unknown placeholder fails at once."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from .types import ConfigError

# file stem -> (placeholders it must use, placeholders it may use)
SPEC: dict[str, tuple[set[str], set[str]]] = {
    "system": ({"cannot_answer"}, set()),
    "question": ({"passages", "question", "instruction"}, {"context"}),
    "passage": ({"number", "text"}, {"label", "libraries"}),
    "completion": ({"passages", "question", "instruction"}, {"cannot_answer", "context"}),
    "followup": ({"previous"}, set()),
    "fact": (set(), set()),
    "explain": (set(), set()),
    "yesno": (set(), set()),
    "list": ({"topic", "number", "text"}, set()),
    "paper": ({"number", "text"}, set()),  # a line for one paper of a library listed whole
    "subject": ({"number", "text", "subject"}, set()),
    "findings": ({"number", "text", "subject"}, set()),
    "rephrase": ({"number", "text", "question"}, set()),
    "contrast": ({"passages", "first", "second"}, set()),
    "title": ({"text"}, set()),
    "cannot_answer": (set(), set()),
    "abstain": ({"closest"}, {"where"}),  # where: 'Your library', or "Tony's library" for a question asked within it
}


@dataclass(frozen=True)
class Prompts:
    system: str
    question: str
    passage: str
    completion: str
    followup: str
    fact: str
    explain: str
    yesno: str
    list: str
    paper: str
    subject: str
    findings: str
    rephrase: str
    contrast: str
    title: str
    cannot_answer: str
    abstain: str

    def render(self, name: str, **values: object) -> str:
        return str(getattr(self, name)).format(**values)


def _placeholders(text: str, source: Path) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as e:
        raise ConfigError(f"{source}: broken placeholder ({e}); write a literal brace as {{{{ or }}}}") from None


def load_prompts(folder: Path) -> Prompts:
    texts: dict[str, str] = {}
    for name, (required, optional) in SPEC.items():
        path = folder / f"{name}.txt"
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ConfigError(f"prompt file {path} cannot be read ({e.strerror})") from None
        if not text and name != "cannot_answer":
            raise ConfigError(f"prompt file {path} is empty")
        found = _placeholders(text, path)
        if missing := required - found:
            raise ConfigError(f"{path}: missing placeholder(s) {', '.join('{' + m + '}' for m in sorted(missing))}")
        if unknown := found - required - optional:
            allowed = ", ".join("{" + m + "}" for m in sorted(required | optional)) or "none"
            raise ConfigError(
                f"{path}: unknown placeholder(s) {', '.join('{' + u + '}' for u in sorted(unknown))}; allowed: {allowed}"
            )
        texts[name] = text
    return Prompts(**texts)
