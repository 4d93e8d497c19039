"""The web chat: a Gradio app over one Assistant (`assistant serve`).

Each browser tab keeps its own conversation in gr.State; the model is loaded once and shared,
generation is serialised by the generator's own lock while retrieval runs alongside. Everything
shown from the library or the model is escaped: abstracts are text, never markup.
"""

# No `from __future__ import annotations` here: gr.api reads the endpoint's type hints at runtime.

import html
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from .chat import Assistant, Retrieved, library_scope, talked_about_in
from .check import CITE, cited_numbers
from .ingest import estimate
from .plan import (
    FROM_MEASURES,
    FROM_NUMBERS,
    FROM_RECORD,
    FROM_YEARS,
    NO_LIBRARY,
    NO_MORE,
    NO_RECORD,
    NO_YEARS,
    NONE_AMONG,
    NOT_IN_PINNED,
    SMALL_TALK,
    unrecorded,
)
from .text import clean
from .types import Answer, AssistantError, Citation, ConfigError, IngestReport, Passage

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

log = logging.getLogger(__name__)

ALLOWED_UPLOADS = (".txt", ".jsonl", ".ndjson", ".bib", ".ris", ".json", ".nbib", ".medline", ".xml", ".sqlite")
UPLOAD_KINDS = "seed .txt, .jsonl, .bib, .ris, CSL .json, PubMed .nbib/.txt/.xml, arXiv metadata or zotero.sqlite"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ALL = "All"
EXAMPLES = [
    "How many parameters does BLOOM have?",
    "How many languages does BLOOM's training corpus cover?",
    "What does SimpleQA evaluate?",
    "What sizes does the Gemini family come in?",
]
PLACEHOLDER = "*Searching your library…*"
READING = "*Reading the abstracts…*"
_MD_SPECIAL = re.compile(r"([\\\[\]`$])")
_MODES = {
    "generated": "Answer written by the model and checked against the cited abstracts",
    "extractive": "Quoted from an abstract: the model's own wording could not be checked against the sources",
    "abstained": "Your library does not hold the answer; these are the closest abstracts",
}

CSS = """
.ra-panel { font-size: 0.92em; line-height: 1.45; max-height: 600px; overflow-y: auto; padding-right: 4px; }
.ra-empty { color: var(--body-text-color-subdued); padding: 0.5em 0; }
.ra-status { padding: 0.45em 0.7em; border-radius: 6px; margin-bottom: 0.6em; background: var(--background-fill-secondary); }
.ra-status.ra-abstained { background: #fff4e5; color: #7a4100; border-left: 4px solid #f0a020; }
.ra-status.ra-extractive { background: #eef4ff; color: #1d3b72; border-left: 4px solid #5b8def; }
.ra-status.ra-generated { border-left: 4px solid #3aa55d; }
.ra-h { margin: 0.8em 0 0.3em; font-weight: 600; opacity: 0.75; }
.ra-src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.55em 0.75em; margin: 0.45em 0;
          transition: box-shadow 0.3s, border-color 0.3s; scroll-margin-top: 8px; }
.ra-src.ra-also { opacity: 0.85; }
.ra-src.ra-active { border-color: #f0a020; box-shadow: 0 0 0 3px rgba(240, 160, 32, 0.45); }
.ra-src-head { font-weight: 600; }
.ra-derived { font-style: italic; }
.ra-num { display: inline-block; min-width: 2.2em; color: #1d5fd1; }
.ra-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0.15em 0 0.35em; }
.ra-abstract { margin: 0; white-space: pre-wrap; }
.ra-abstract mark { background: #fff1a8; color: inherit; padding: 0 1px; border-radius: 2px; }
.ra-earlier summary { cursor: pointer; margin-top: 0.8em; opacity: 0.8; }
.ra-report ul { margin: 0.3em 0 0 1.2em; }
.ra-error { color: #b42318; }
.ra-abstain { border-left: 4px solid #f0a020; background: #fff4e5; color: #5c3300; padding: 0.2em 0.8em; border-radius: 6px; }
.ra-quote { border-left: 4px solid #5b8def; background: #eef4ff; color: #1d3b72; padding: 0.2em 0.8em; border-radius: 6px; }
"""

# Clicking an [n] marker in the chat shows that abstract in the sources panel (no navigation).
HEAD = """
<script>
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest ? event.target.closest('a[href^="#src-"]') : null;
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  var box = target.closest("details");
  if (box) box.open = true;
  document.querySelectorAll(".ra-src.ra-active").forEach(function (el) { el.classList.remove("ra-active"); });
  target.classList.add("ra-active");
  target.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);
</script>
"""


# -- escaping and rendering (pure functions, no gradio) -------------------------------------------
def esc(text: object) -> str:
    """Text for HTML: every markup character escaped, and the characters of templates too."""
    return html.escape(str(text), quote=True).replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")


def _md_plain(text: str) -> str:
    """Model or library text for the chat's Markdown: no HTML, no links or images, no LaTeX."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def anchor(turn: int, number: int) -> str:
    return f"src-{turn}-{number}"


def chat_markdown(text: str, turn: int, numbers: set[int] | None = None) -> str:
    """Escaped text whose [n] markers link to source n of this turn in the sources panel."""
    out, pos = [], 0
    for m in CITE.finditer(text):
        cited = cited_numbers(m.group(0))
        out.append(_md_plain(text[pos : m.start()]))
        if numbers is None or all(n in numbers for n in cited):
            out.append("".join(f"[\\[{n}\\]](#{anchor(turn, n)})" for n in cited))
        else:
            out.append(_md_plain(m.group(0)))
        pos = m.end()
    out.append(_md_plain(text[pos:]))
    return "".join(out)


def _abstention_parts(text: str) -> tuple[list[str], str, list[str]]:
    """An abstention's text as what comes before its headline ('Reading "gemeni" as "Gemini".'),
    the headline ("Tony's library does not hold the answer to this question."), and what follows
    its list of closest abstracts ('Outside Tony's library, Lingvo (Alex) may answer it ...'); the
    list itself is drawn from the answer's sources."""
    paragraphs = text.split("\n\n")
    i = next((k for k, p in enumerate(paragraphs) if "does not seem to hold" in p), None)
    if i is None:
        return [], "Your library does not hold the answer to this question.", []
    head = paragraphs[i].split(" The closest abstracts")[0].replace("does not seem to hold", "does not hold")
    return paragraphs[:i], head, paragraphs[i + 1 :]


def answer_markdown(answer: Answer, turn: int) -> str:
    """The final chat message for an answer, styled by its mode."""
    if answer.reason == SMALL_TALK:  # 'hi', 'thanks!'
        return _md_plain(answer.text)
    if answer.abstained and answer.reason.startswith((NO_MORE, NONE_AMONG, NO_RECORD, NO_LIBRARY, NO_YEARS)):
        # said in one line: no more papers, none of them, no authors, no library called Ben, no years
        return f'<div class="ra-abstain">\n\n**{_md_plain(answer.text)}**\n\n</div>'
    if answer.abstained and answer.reason.startswith(NOT_IN_PINNED):
        # 'and how do they handle heterophily?' of papers that never say: that, and which papers do
        head, *rest = answer.text.split("\n\n")
        return (
            '<div class="ra-abstain">\n\n'
            + f"**{_md_plain(head)}**"
            + "".join(f"\n\n{_md_plain(p)}" for p in rest)
            + "\n\n</div>"
        )
    if answer.abstained:
        closest = [
            f"- [\\[{c.number}\\]](#{anchor(turn, c.number)}) {_md_plain(c.label)} ({_md_plain(', '.join(c.libraries))})"
            for c in answer.retrieved[:3]
        ] or ["- (your library is empty: add abstracts below)"]
        before, head, after = _abstention_parts(answer.text)
        return (
            '<div class="ra-abstain">\n\n'
            + "".join(f"{_md_plain(p)}\n\n" for p in before)
            + f"**{_md_plain(head)}**\n\nClosest abstracts:\n\n"
            + "\n".join(closest)
            + "".join(f"\n\n{_md_plain(p)}" for p in after)
            + "\n\n</div>"
        )
    numbers = {c.number for c in answer.retrieved} or None
    body = chat_markdown(answer.text, turn, numbers)
    head = _HEADS.get(answer.reason) or ("Quoted from the abstracts" if answer.mode == "extractive" else "")
    return f'<div class="ra-quote">\n\n**{head}**\n\n{body}\n\n</div>' if head else body


# what a system-written answer rests on, over it in the chat: 'Who wrote it?' (the record's fields, not
# the abstract's words), 'Does BLOOM have more parameters than U-PaLM?' (the abstracts' numbers),
# 'Which paper is the most recent?' (the records' years)
_HEADS = {
    FROM_RECORD: "From the paper's record in your library",
    FROM_MEASURES: "From the numbers the cited abstracts give",
    FROM_YEARS: "From the papers' records in your library",
}


def error_markdown(message: str) -> str:
    return f"⚠️ **Could not answer:** {_md_plain(message)}"


def highlight(text: str, support: Sequence[str]) -> str:
    """The abstract escaped, with its supporting sentences in <mark>."""
    spans: list[tuple[int, int]] = []
    for sentence in support:
        s = sentence.strip().removesuffix("…").strip()
        if len(s) < 8:
            continue
        i = text.find(s)
        if i >= 0:
            spans.append((i, i + len(s)))
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def source_card(c: Citation, turn: int, also: bool = False) -> str:
    """One abstract: number, label, libraries, score, link, and (when cited) its support marked. A
    paper not found by a search (a library listed whole, a follow-up's earlier sources) has no score."""
    meta = [esc(", ".join(c.libraries) or "no library"), *([f"relevance {c.score:.2f}"] if c.score else [])]
    if c.url.startswith(("https://", "http://")):
        meta.append(f'<a href="{esc(c.url)}" target="_blank" rel="noopener noreferrer nofollow">open ↗</a>')
    return (
        f'<div class="ra-src{" ra-also" if also else ""}" id="{anchor(turn, c.number)}" data-number="{c.number}" '
        f'data-libraries="{esc("|".join(c.libraries))}">'
        f'<div class="ra-src-head"><span class="ra-num">[{c.number}]</span>{_label_html(c)}</div>'
        f'<div class="ra-meta">{" · ".join(meta)}</div>'
        f'<p class="ra-abstract">{esc(c.text) if also else highlight(c.text, c.support)}</p></div>'
    )


_DERIVED = {
    "name": "named after the system the abstract introduces (the record has no title)",
    "model": "a short title the model wrote (the record has no title)",
    "text": "the abstract's first words (the record has no title)",
}


def _label_html(c: Citation) -> str:
    """The label; one the record did not give is set in italics, with where it came from."""
    if not c.derived:
        return esc(c.label)
    return f'<span class="ra-derived" title="{esc(_DERIVED.get(c.label_source, "derived"))}">{esc(c.label)}</span>'


def _turn_html(answer: Answer, turn: int) -> str:
    cited = {c.number for c in answer.citations}
    also = [c for c in answer.retrieved if c.number not in cited]
    parts = []
    if answer.citations:
        parts.append('<div class="ra-h">Cited</div>')
        parts.extend(source_card(c, turn) for c in answer.citations)
    if also:
        parts.append(
            '<div class="ra-h">Closest abstracts</div>' if answer.abstained else '<div class="ra-h">Also retrieved</div>'
        )
        parts.extend(source_card(c, turn, also=True) for c in also)
    if not parts:
        parts.append('<div class="ra-empty">No abstracts matched.</div>')
    return "".join(parts)


def _status(answer: Answer, mode: str) -> str:
    if answer.abstained and answer.reason.startswith(NO_MORE):  # 'Any more papers like that?': there are none
        return "No other paper on this topic; these are the closest abstracts"
    if answer.abstained and (lacks := unrecorded(answer.reason)):  # 'Who wrote the BLOOM paper?'
        return f"The paper's record gives no {lacks}; these are the closest abstracts"
    if answer.abstained and answer.reason.startswith(NOT_IN_PINNED):
        said = answer.reason[len(NOT_IN_PINNED) :].strip(" '")
        return f"The papers this conversation is about say nothing of {said}; these are the closest abstracts"
    if answer.reason == FROM_RECORD:
        return "From the library's record of the cited paper, not its abstract"
    if answer.reason == SMALL_TALK:
        return "Nothing was asked of the library"
    if answer.reason == FROM_NUMBERS:  # 'Which paper has the most languages?'
        return "Ranked by the numbers the cited abstracts give, each quoted where it gives it"
    if answer.reason == FROM_MEASURES:  # 'Does BLOOM have more parameters than U-PaLM?'
        return "Weighed by the numbers the two cited abstracts give, each where it gives it"
    if answer.reason == FROM_YEARS:  # 'Which paper is the most recent?'
        return "Ranked by the years of the papers' records, not their abstracts"
    if answer.abstained and answer.reason == NO_YEARS:
        return "The library's records give no years; these are some of its papers"
    return _MODES[mode]


def sources_html(turns: Sequence[dict[str, Any]]) -> str:
    """The sources panel: the latest answer's sources, earlier answers folded away below."""
    if not turns:
        return '<div class="ra-panel"><div class="ra-empty">The abstracts behind each answer appear here.</div></div>'
    last = turns[-1]
    answer: Answer = last["answer"]
    mode = answer.mode if answer.mode in _MODES else "generated"
    seconds = answer.timings.get("total")
    timing = f" · {seconds:.1f} s" if seconds else ""
    parts = [
        f'<div class="ra-panel" data-turn="{last["turn"]}">',
        f'<div class="ra-status ra-{mode}" data-mode="{esc(mode)}">{esc(_status(answer, mode))}{timing}</div>',
        _turn_html(answer, last["turn"]),
    ]
    for earlier in reversed(turns[:-1]):
        parts.append(
            f'<details class="ra-earlier"><summary>Earlier: {esc(earlier["question"])}</summary>'
            f"{_turn_html(earlier['answer'], earlier['turn'])}</details>"
        )
    parts.append("</div>")
    return "".join(parts)


def pending_html(library: str) -> str:
    scope = library_scope(library)
    where = "every library" if scope is None else f"the library {scope}"
    return f'<div class="ra-panel"><div class="ra-status ra-pending">{esc(f"Searching {where}…")}</div></div>'


def preview_html(passages: Sequence[Passage], turn: int) -> str:
    """What retrieval found, shown while the answer is written (numbered as the model sees them)."""
    if not passages:
        return '<div class="ra-panel"><div class="ra-status ra-pending">No abstracts matched; writing the answer…</div></div>'
    cards = "".join(
        source_card(
            Citation(
                number=i,
                doc_id=p.doc_id,
                label=p.name,
                text=p.text,
                libraries=p.libraries,
                score=p.score,
                url=p.url,
                title=p.title,
                label_source=p.label_source,
            ),
            turn,
            also=True,
        )
        for i, p in enumerate(passages, 1)
    )
    status = f"Found {len(passages)} abstract{'s' if len(passages) != 1 else ''}; writing the answer…"
    return f'<div class="ra-panel" data-preview="{turn}"><div class="ra-status ra-pending">{esc(status)}</div>{cards}</div>'


def report_html(report: IngestReport, names: dict[str, str]) -> str:
    def shown(s: str) -> str:
        for path, name in names.items():
            s = s.replace(path, name)
        return s

    items = []
    for s in report.skipped:
        where = shown(s.source) + (f", line {s.line}" if s.line else "")
        items.append(f"<li>skipped {esc(where)}: {esc(shown(s.reason))}</li>")
    libs = f" into {esc(', '.join(report.libraries))}" if report.libraries else ""
    counts = (
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped ({report.files} file{'s' if report.files != 1 else ''})"
    )
    return f'<div class="ra-report"><b>{counts}</b>{libs}' + (f"<ul>{''.join(items)}</ul>" if items else "") + "</div>"


def answer_json(answer: Answer) -> dict[str, Any]:
    """What the /ask API endpoint returns."""
    return {
        "text": answer.text,
        "abstained": answer.abstained,
        "mode": answer.mode,
        "citations": [
            {
                "number": c.number,
                "doc_id": c.doc_id,
                "label": c.label,
                "libraries": list(c.libraries),
                "text": c.text,
                "score": c.score,
                "url": c.url,
            }
            for c in answer.citations
        ],
    }


# -- server-side checks ----------------------------------------------------------------------------
def parse_auth(value: "SecretStr | str | None") -> tuple[str, str] | None:
    """The login from --auth or ASSISTANT_AUTH: the path of a file whose first line is USER:PASSWORD
    (kept out of `ps` and the shell history), or USER:PASSWORD itself; None when not set."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not text:
        return None
    path = Path(text).expanduser()
    if ":" not in text or path.is_file():
        text = _read_login(path)
    user, sep, password = text.partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError(
            "--auth (or ASSISTANT_AUTH) must be a file holding USER:PASSWORD, or USER:PASSWORD, both parts non-empty"
        )
    return user.strip(), password


def _read_login(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        reason = getattr(e, "strerror", None) or e
        raise ConfigError(f"cannot read the login file {path} ({reason}); --auth takes a file holding USER:PASSWORD") from None
    if path.stat().st_mode & 0o077:
        log.warning("the login file %s can be read by other users; chmod 600 it", path)
    return next((line.strip() for line in lines if line.strip()), "")


def check_exposure(host: str, auth: tuple[str, str] | None) -> None:
    """Anything but loopback needs a login: refuse to start open to the network."""
    if host not in LOOPBACK and auth is None:
        raise ConfigError(
            f"refusing to serve on {host} without a login; add --auth FILE holding USER:PASSWORD (or set ASSISTANT_AUTH), "
            "or keep the default --host 127.0.0.1"
        )


def stage_uploads(files: Sequence[str], max_mb: float, folder: Path) -> tuple[list[str | Path], dict[str, str], list[str]]:
    """Copy accepted uploads into `folder` under safe names (upload-N.ext); the user's file name is
    only ever shown, never used as a path. Returns the copies, copy path -> shown name, refusals."""
    copies: list[str | Path] = []
    names: dict[str, str] = {}
    refused: list[str] = []
    limit = int(max_mb * 1024 * 1024)
    for i, f in enumerate(files, 1):
        src = Path(f)
        shown_name = clean(src.name)[:120] or f"file {i}"
        ext = src.suffix.lower()
        if ext not in ALLOWED_UPLOADS:
            refused.append(f"{shown_name}: not a supported file ({UPLOAD_KINDS})")
            continue
        try:
            size = src.stat().st_size
        except OSError:
            refused.append(f"{shown_name}: the upload could not be read")
            continue
        if size > limit:
            refused.append(f"{shown_name}: larger than the {max_mb:g} MB upload limit")
            continue
        # A Zotero database is only recognised by its own file name.
        # A Zotero database is recognised by its own file name, so it keeps that name in a folder of its own.
        dst = folder / f"upload-{i}" / "zotero.sqlite" if ext == ".sqlite" else folder / f"upload-{i}{ext}"
        dst.parent.mkdir(exist_ok=True)
        shutil.copyfile(src, dst)
        copies.append(dst)
        names[str(dst)] = shown_name
    return copies, names, refused


# -- the app -----------------------------------------------------------------------------------------
class WebApp:
    """The chat's server side: one shared Assistant (and, on request, one other installed model)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._variants: dict[str, Assistant] = {}
        self._variant_lock = threading.Lock()

    # -- models ----------------------------------------------------------------------------------
    def model_choices(self) -> list[str]:
        names = [spec.name for spec, ok, _ in self.assistant.models() if ok]
        if self.assistant.settings.model.name not in names:
            names.insert(0, self.assistant.settings.model.name)
        return names

    def assistant_for(self, model: str | None) -> Assistant:
        """The shared Assistant, or one for another installed model (built once; only one kept)."""
        base = self.assistant
        if not model or model == base.settings.model.name:
            return base
        if model not in self.model_choices():
            raise ConfigError(f"the model {model!r} is not installed; see `assistant models`")
        with self._variant_lock:
            if model not in self._variants:
                s = base.settings
                self._variants = {
                    model: Assistant(data_dir=s.data_dir, model=model, chroma_url=s.retrieval.chroma_url, llm_url=s.model.llm_url)
                }
            return self._variants[model]

    def warm(self) -> None:
        try:
            self.assistant.warm()
            log.info("model loaded")
        except Exception as e:  # the first question will report it properly
            log.warning("could not load the model ahead of the first question: %s", e)

    def library_choices(self) -> list[str]:
        try:
            return [ALL, *sorted(self.assistant.libraries())]
        except AssistantError as e:
            log.warning("cannot list libraries: %s", e)
            return [ALL]

    # -- chat ------------------------------------------------------------------------------------
    @staticmethod
    def accept(question: str, messages: list[dict[str, Any]] | None) -> tuple[str, list[dict[str, Any]], str]:
        """Show the question at once (no queue); the answer event picks it up from state."""
        q = clean(question or "")
        messages = list(messages or [])
        if not q:
            return "", messages, ""
        messages.append({"role": "user", "content": _md_plain(q)})
        return "", messages, q

    def answer(
        self,
        question: str,
        messages: list[dict[str, Any]] | None,
        turns: list[dict[str, Any]] | None,
        library: str | None,
        k: float | None,
        model: str | None,
    ) -> Iterator[tuple[Any, Any, Any]]:
        """Stream one answer into the chat; yields (messages, sources panel, turns)."""
        messages = list(messages or [])
        turns = list(turns or [])
        if not question:  # an empty box (or a second click on Send): leave everything as it is
            yield _skip(), _skip(), _skip()
            return
        turn = sum(1 for m in messages if m.get("role") == "user")
        messages.append({"role": "assistant", "content": PLACEHOLDER})
        yield messages, pending_html(library or ALL), turns
        streamed = ""
        final: Answer | None = None
        try:
            a = self.assistant_for(model)
            k_value = max(1, min(8, int(k or a.settings.answer.k)))
            history = [t["question"] for t in turns]
            scope = library_scope(library)
            cited = talked_about_in([(t["question"], t["answer"]) for t in turns], question) if turns else None
            stream = a.stream(question, k=k_value, library=scope, history=history, sources=cited)
            try:
                for item in stream:
                    if isinstance(item, Answer):
                        final = item
                        break
                    if isinstance(item, Retrieved):  # the sources, at once: the answer takes seconds
                        messages[-1] = {"role": "assistant", "content": READING}
                        yield messages, preview_html(item.passages, turn), turns
                        continue
                    streamed += item
                    if not streamed.strip():
                        continue
                    messages[-1] = {"role": "assistant", "content": chat_markdown(streamed, turn)}
                    yield messages, _skip(), turns
            finally:
                close = getattr(stream, "close", None)
                if close:
                    close()  # releases the model for the next user even if this tab went away
        except AssistantError as e:
            messages[-1] = {"role": "assistant", "content": error_markdown(str(e))}
            yield messages, sources_html(turns), turns
            return
        except Exception:
            log.exception("answering %r failed", question)
            messages[-1] = {
                "role": "assistant",
                "content": error_markdown("something went wrong on the server; please try again"),
            }
            yield messages, sources_html(turns), turns
            return
        if final is None:
            messages[-1] = {"role": "assistant", "content": error_markdown("the answer was cut short; please try again")}
            yield messages, sources_html(turns), turns
            return
        turns.append({"turn": turn, "question": question, "answer": final})
        messages[-1] = {"role": "assistant", "content": answer_markdown(final, turn)}
        yield messages, sources_html(turns), turns

    # -- API -------------------------------------------------------------------------------------
    def api_ask(self, question: str, library: str = ALL) -> dict:
        import gradio as gr

        try:
            answer = self.assistant.ask(question, library=library_scope(library))
        except AssistantError as e:
            raise gr.Error(str(e)) from None
        except Exception:
            log.exception("API question %r failed", question)
            raise gr.Error("something went wrong on the server; please try again") from None
        return answer_json(answer)

    # -- upload ----------------------------------------------------------------------------------
    def upload(self, files: Sequence[str] | None, library: str | None, progress: Any = None) -> tuple[str, Any]:
        import gradio as gr

        files = [f for f in (files or []) if f]
        if not files:
            return f'<div class="ra-report ra-error">Choose one or more files first ({esc(UPLOAD_KINDS)}).</div>', gr.skip()
        name = clean(library or "")
        needs_name = any(self.assistant.needs_library(f) for f in files)
        if needs_name and not name:
            msg = "Name the library these records go to (only a seed .txt names its own owner)."
            return f'<div class="ra-report ra-error">{esc(msg)}</div>', gr.skip()
        folder = Path(tempfile.mkdtemp(prefix="assistant-upload-"))
        try:
            copies, names, refused = stage_uploads(files, self.assistant.settings.server.upload_max_mb, folder)
            refusals = "".join(f"<li>refused {esc(r)}</li>" for r in refused)
            if not copies:
                return f'<div class="ra-report ra-error">Nothing was added.<ul>{refusals}</ul></div>', gr.skip()
            total = max(1, estimate(copies))
            if progress is not None:
                progress((0, total), desc="Adding abstracts", unit="abstracts")

            def tick(done: int, _source: str) -> None:
                if progress is not None:
                    progress((min(done, total), total), desc="Adding abstracts", unit="abstracts")

            try:
                # An upload's copy has no lasting path, so nothing is removed on its account.
                report = self.assistant.ingest(copies, library=name or None, progress=tick, sync=False)
            except AssistantError as e:
                text = str(e)
                for path, shown_name in names.items():
                    text = text.replace(path, shown_name)
                return f'<div class="ra-report ra-error">Nothing was added: {esc(text)}<ul>{refusals}</ul></div>', gr.skip()
            out = report_html(report, names)
            if refusals:
                out = out.removesuffix("</div>") + f"<ul>{refusals}</ul></div>"
            return out, gr.update(choices=self.library_choices())
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # -- layout ----------------------------------------------------------------------------------
    def build(self) -> Any:
        import gradio as gr

        settings = self.assistant.settings
        with gr.Blocks(title="Research assistant", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
            gr.Markdown("## Research assistant\nAsk about the abstracts in your library; answers cite them as [n].")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=380):
                    with gr.Row():
                        library = gr.Dropdown(
                            choices=self.library_choices(), value=ALL, label="Library", scale=3, elem_id="ra-library"
                        )
                        new_chat = gr.Button("New chat", scale=1, variant="secondary", elem_id="ra-new")
                    chatbot = gr.Chatbot(
                        value=[],
                        height=520,
                        label="Chat",
                        elem_id="ra-chat",
                        sanitize_html=True,
                        render_markdown=True,
                        latex_delimiters=[],
                        feedback_options=None,
                        buttons=["copy"],
                        allow_tags=False,
                        placeholder="Ask a question about your abstracts, or pick an example below.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="e.g. How many parameters does BLOOM have?",
                            show_label=False,
                            scale=5,
                            max_lines=4,
                            elem_id="ra-question",
                            autofocus=True,
                        )
                        send = gr.Button("Send", variant="primary", scale=1, elem_id="ra-send")
                    gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[question], label="Examples from the seed libraries")
                with gr.Column(scale=2, min_width=320):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html([]), elem_id="ra-sources", js_on_load=None)
                    with gr.Accordion("Settings", open=False):
                        k = gr.Slider(
                            1, 8, value=min(settings.answer.k, 8), step=1, label="Number of sources (k)", elem_id="ra-k"
                        )
                        model = gr.Dropdown(
                            choices=self.model_choices(), value=settings.model.name, label="Model (installed)", elem_id="ra-model"
                        )
                    with gr.Accordion("Add abstracts", open=False, elem_id="ra-upload-box"):
                        files = gr.File(
                            label=f"{UPLOAD_KINDS[0].upper()}{UPLOAD_KINDS[1:]} (up to {settings.server.upload_max_mb:g} MB each)",
                            file_count="multiple",
                            file_types=list(ALLOWED_UPLOADS),
                            type="filepath",
                            elem_id="ra-files",
                        )
                        upload_library = gr.Textbox(
                            label="Library name (for records without one; a seed .txt names its own owner)",
                            max_lines=1,
                            elem_id="ra-upload-library",
                        )
                        add = gr.Button("Add to library", elem_id="ra-add")
                        report = gr.HTML("", elem_id="ra-report", js_on_load=None)

            turns = gr.State([])
            pending = gr.State("")

            def do_upload(files: Any, name: str, progress: Any = gr.Progress()) -> tuple[str, Any]:
                return self.upload(files, name, progress)

            answer_args: dict[str, Any] = {
                "fn": self.answer,
                "inputs": [pending, chatbot, turns, library, k, model],
                "outputs": [chatbot, sources, turns],
                "concurrency_limit": 2,
                "concurrency_id": "answer",
                "show_progress": "minimal",
                "api_visibility": "private",
            }
            events = []
            for trigger in (question.submit, send.click):
                step = trigger(
                    self.accept,
                    [question, chatbot],
                    [question, chatbot, pending],
                    queue=False,
                    show_progress="hidden",
                    api_visibility="private",
                )
                events.append(step.then(**answer_args))
            new_chat.click(
                lambda: ([], [], sources_html([]), "", ""),
                None,
                [chatbot, turns, sources, question, pending],
                queue=False,
                cancels=events,
                api_visibility="private",
            )
            chatbot.clear(
                lambda: ([], sources_html([]), ""),
                None,
                [turns, sources, pending],
                queue=False,
                cancels=events,
                api_visibility="private",
            )
            add.click(do_upload, [files, upload_library], [report, library], api_visibility="private")
            demo.load(lambda: gr.update(choices=self.library_choices()), None, [library], api_visibility="private")
            gr.api(self._api_fn(), api_name="ask", concurrency_limit=2, concurrency_id="answer")
        return demo

    def _api_fn(self) -> Any:
        def ask(question: str, library: str = ALL) -> dict:
            """Answer a question from the abstracts: {"text", "abstained", "mode", "citations": [...]}."""
            return self.api_ask(question, library)

        return ask


def _skip() -> Any:
    import gradio as gr

    return gr.skip()


def serve(
    assistant: Assistant,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    block: bool = True,
) -> Any:
    """Start the web chat; prints its address. Returns the Blocks (when block=False, still running)."""
    check_exposure(host, auth)
    app = WebApp(assistant)
    threading.Thread(target=app.warm, name="warm-model", daemon=True).start()
    demo = app.build()
    demo.queue(default_concurrency_limit=1)
    settings = assistant.settings
    try:
        _launch(demo, host, port, auth, settings.server.upload_max_mb)
    except OSError as e:
        raise ConfigError(f"cannot serve on {host}:{port} ({e}); choose another --port") from None
    print(f"Web chat running at {demo.local_url}  (Ctrl-C to stop)", flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            demo.close()
    return demo


def _launch(demo: Any, host: str, port: int, auth: tuple[str, str] | None, upload_max_mb: float) -> None:
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        footer_links=["api"],
        run_history=False,
        enable_monitoring=False,
        max_file_size=int(upload_max_mb * 1024 * 1024),
        css=CSS,
        head=HEAD,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
    )
