"""The command line: each command is a thin consumer of the Python API; errors become one line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

from .types import Answer, AssistantError, Passage


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="data folder (default: per-user, or ASSISTANT_DATA_DIR)")
    p.add_argument("--model", default=argparse.SUPPRESS, help="model name from models.txt, or a .gguf path")
    p.add_argument("--chroma-url", default=argparse.SUPPRESS, help="use a Chroma server instead of the embedded store")
    p.add_argument("--llm-url", default=argparse.SUPPRESS, help="use an OpenAI-compatible model server")
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log what happens")
    return p


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="assistant", parents=[common], description="A local research assistant over your paper abstracts."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help, description=help)

    p = cmd(
        "ingest",
        "add files (seed .txt, .jsonl, .bib, .ris, CSL .json, PubMed .nbib/.txt/.xml, arXiv metadata, "
        "zotero.sqlite) or folders of them to a library",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--library", help="library for records without one (default: the file's name; Zotero: 'Zotero')")
    p.add_argument(
        "--collections-as-libraries",
        action="store_true",
        help="Zotero: each collection becomes a library (items in none go to --library)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    for name, help in (
        ("ask", "answer a question from the abstracts, with citations"),
        ("search", "show the passages that best match a query"),
    ):
        p = cmd(name, help)
        p.add_argument("question", metavar="QUESTION" if name == "ask" else "QUERY")
        p.add_argument("--library", help="only this person's library (default: all)")
        p.add_argument("-k", type=int, default=None, help="number of passages")
        p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = cmd("chat", "a conversation in the terminal (follow-up questions work)")
    p.add_argument("--library", help="only this person's library (default: all)")

    p = cmd("models", "list the models in models.txt and which are installed; `models pull NAME` downloads one")
    p.add_argument("action", nargs="?", choices=["list", "pull"], default="list")
    p.add_argument("name", nargs="?")

    p = cmd("forget", "remove a library, or documents by id, from the store and the lexical index")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID")
    p.add_argument("--library", help="the library to remove (or to remove the documents from)")

    cmd("libraries", "list the libraries and how many abstracts each holds")

    p = cmd("serve", "start the web chat in the browser (a Gradio app)")
    p.add_argument("--host", default=argparse.SUPPRESS, help="address to bind (default: 127.0.0.1; any other needs a login)")
    p.add_argument("--port", type=int, default=argparse.SUPPRESS, help="port (default: 7860)")
    p.add_argument(
        "--auth",
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="require the login USER:PASSWORD held in FILE (or ASSISTANT_AUTH=FILE); USER:PASSWORD itself works too, "
        "but shows in ps and the shell history",
    )

    p = cmd("eval", "score a question set: retrieval, answer accuracy, abstention, citations, speed")
    p.add_argument("questions", metavar="QUESTIONS.jsonl")
    p.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="PATH",
        help="ingest into a throwaway data dir first (repeatable)",
    )
    p.add_argument("--library", help="ask within this library only")
    p.add_argument("--retrieval-only", action="store_true", help="skip the model: retrieval metrics only")
    p.add_argument("--json", dest="json_out", metavar="OUT", help="write every figure and per-question row here")
    p.add_argument("-k", type=int, default=None, help="passages per answer (default: the setting k)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument(
        "--split",
        choices=["all", "dev", "heldout"],
        default="all",
        help="only one half of the set (a fixed split by question id)",
    )
    p.add_argument("--seeds", default=None, help="seed files that LIBRARY#N gold ids refer to (default: seeds/)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting for this run")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags (data dir, model, servers; host, port and login for serve)."""
    keys = ("data_dir", "model", "chroma_url", "llm_url", "host", "port", "auth")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _assistant(args: argparse.Namespace) -> Any:
    from .chat import Assistant

    return Assistant(**_overrides(args))


def _sources(answer: Answer) -> str:
    lines = [
        f"[{c.number}] {c.label}{' (derived label)' if c.derived else ''} ({', '.join(c.libraries)}; id {c.doc_id})"
        + (f" {c.url}" if c.url else "")
        for c in answer.citations
    ]
    return "\n".join(lines)


def _print_stream(items: Iterator[str | Answer], tty: bool = False) -> Answer:
    """Print the answer's checked sentences as they come (nothing printed is taken back), then its sources."""
    out = sys.stdout
    final: Answer | None = None
    for item in items:
        if isinstance(item, Answer):
            final = item
        elif item:
            out.write(item)
            out.flush()
    assert final is not None
    out.write("\n")
    if final.citations:
        out.write("\n" + _sources(final) + "\n")
    out.flush()
    return final


def _cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .ingest import estimate

    a = _assistant(args)
    with tqdm(total=estimate(args.paths), unit=" abstracts", disable=args.json or None, leave=False) as bar:

        def progress(done: int, _: str) -> None:
            bar.update(done - bar.n)

        report = a.ingest(
            args.paths, library=args.library, progress=progress, collections_as_libraries=args.collections_as_libraries
        )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        return 0
    print(report.summary())
    if getattr(args, "verbose", False):
        for s in report.skipped:
            print(f"  skipped {s}")
    elif report.skipped:
        for reason, n in _skip_kinds(report.skipped):
            print(f"  {n} skipped: {reason}")
        print("  (--verbose lists each skipped record with its file and line)")
    return 0


def _skip_kinds(skipped: list[Any]) -> list[tuple[str, int]]:
    """Skip reasons counted by kind: names and numbers that differ record to record are left out."""
    kinds: dict[str, int] = {}
    for s in skipped:
        kind = re.sub(r"'[^']*'|\b(?:record|item|entry|PMID|arXiv)\s+\S+(?=\s|:|$)", "", s.reason)
        kind = re.sub(r"\d[\d,]*", "N", re.sub(r"\s+", " ", kind)).strip(" :")
        kinds[kind] = kinds.get(kind, 0) + 1
    return sorted(kinds.items(), key=lambda kv: -kv[1])


def _cmd_ask(args: argparse.Namespace) -> int:
    a = _assistant(args)
    if args.json:
        print(json.dumps(a.ask(args.question, k=args.k, library=args.library).to_dict(), indent=2, ensure_ascii=False))
        return 0
    _print_stream(a.stream(args.question, k=args.k, library=args.library), sys.stdout.isatty())
    return 0


def _passage_line(i: int, p: Passage) -> str:
    return f"{i}. {p.name}  [{', '.join(p.libraries)}]  score {p.score:.4f}  (dense {p.dense:.2f}, bm25 {p.lexical:.2f})  id {p.doc_id}"


def _cmd_search(args: argparse.Namespace) -> int:
    a = _assistant(args)
    passages = a.search(args.question, k=args.k or 5, library=args.library)
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], indent=2, ensure_ascii=False))
    elif not passages:
        print("no matching abstracts")
    for i, p in enumerate(passages, 1):
        if not args.json:
            print(_passage_line(i, p))
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    a = _assistant(args)
    chat = a.chat(library=args.library)
    tty = sys.stdout.isatty()
    print("Ask about your abstracts. Empty line or Ctrl-D to leave; /new starts over.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        if question == "/new":
            chat.reset()
            continue
        try:
            _print_stream(chat.stream(question), tty)
        except AssistantError as e:
            print(f"error: {e}", file=sys.stderr)


def _cmd_models(args: argparse.Namespace) -> int:
    """Reads the catalog and the models dir only: no store is opened."""
    from .catalog import ModelSpec, find, installed, load_catalog, pull
    from .config import load_settings

    settings = load_settings(**_overrides(args))
    specs = load_catalog(settings.models_file)
    if args.action == "pull":
        from .generate import requantize

        if not args.name:
            raise AssistantError("say which model to pull: assistant models pull NAME")
        from tqdm import tqdm

        bars: list[Any] = []  # made on the first byte, so a refused pull prints no empty bar

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(tqdm(unit="B", unit_scale=True, desc=args.name, total=total or None))
            bars[0].update(done - bars[0].n)

        try:
            path = pull(find(specs, args.name), settings.models_dir, progress, specs=specs, requantize=requantize)
        finally:
            for bar in bars:
                bar.close()
        print(f"{args.name}: {path}")
        return 0
    default = settings.model.name

    def state(spec: ModelSpec) -> str:
        """installed; pull (a download or wheels to install first, also for a re-quantised model whose
        base needs them); else made on first use."""
        if installed(spec, settings.models_dir):
            return "installed"
        if spec.is_url or spec.kind == "parts":
            return "pull"
        if spec.kind == "requant" and state(find(specs, spec.base)) == "pull":
            return "pull"
        return "made on first use"

    width = max(len(s.name) for s in specs)
    for spec in specs:
        star = "*" if spec.name == default else " "
        print(f"{star} {spec.name:<{width}} {state(spec):<18} ctx {spec.n_ctx:<6} {spec.chat_format:<10} {spec.note}")
    print("\n* the default; choose another with --model NAME or ASSISTANT_MODEL")
    return 0


def _cmd_forget(args: argparse.Namespace) -> int:
    a = _assistant(args)
    deleted, relabelled = a.forget(library=args.library, doc_ids=args.doc_ids or None)
    print(f"{deleted} document(s) removed, {relabelled} kept for other libraries")
    return 0


def _cmd_libraries(args: argparse.Namespace) -> int:
    libs = _assistant(args).libraries()
    if not libs:
        print("no libraries yet: assistant ingest PATH")
    for name, n in libs.items():
        print(f"{name}: {n} abstract(s)")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
    from .config import load_settings
    from .web import check_exposure, parse_auth, serve

    settings = load_settings(**_overrides(args))
    auth = parse_auth(settings.server.auth)
    check_exposure(settings.server.host, auth)  # refuse before loading anything
    serve(_assistant(args), host=settings.server.host, port=settings.server.port, auth=auth)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from tqdm import tqdm

    from .chat import Assistant
    from .config import _resource
    from .evaluate import format_table, load_questions, run_eval, seed_gold_map, split

    questions = split(load_questions(Path(args.questions)), args.split)[: args.limit]
    overrides = _overrides(args)
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise AssistantError(f"--set wants KEY=VALUE, got {item!r}")
        overrides[key.strip().replace("-", "_")] = value.strip()
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as tmp:
        if args.corpus and "data_dir" not in overrides:
            overrides["data_dir"] = tmp
        a = Assistant(**overrides)
        if args.corpus:
            print(a.ingest(args.corpus).summary(), file=sys.stderr)
        seeds = [Path(c) for c in args.corpus if Path(c).suffix == ".txt" or Path(c).is_dir()]
        gold_map = seed_gold_map(seeds or [Path(args.seeds) if args.seeds else _resource("seeds")])
        with tqdm(total=len(questions), unit=" questions", file=sys.stderr, leave=False) as bar:
            result = run_eval(
                a,
                questions,
                gold_map,
                library=args.library,
                retrieval_only=args.retrieval_only,
                k=args.k,
                progress=lambda n: bar.update(n - bar.n),
            )
    result["config"] = {
        "questions": args.questions,
        "model": a.settings.model.name,
        "k": args.k or a.settings.answer.k,
        "split": args.split,
        "overrides": overrides | {"data_dir": "(throwaway)" if args.corpus else str(a.settings.data_dir)},
    }
    print(format_table(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


COMMANDS = {
    "eval": _cmd_eval,
    "ingest": _cmd_ingest,
    "ask": _cmd_ask,
    "search": _cmd_search,
    "chat": _cmd_chat,
    "models": _cmd_models,
    "forget": _cmd_forget,
    "libraries": _cmd_libraries,
    "serve": _cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return COMMANDS[args.command](args)
    except AssistantError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
