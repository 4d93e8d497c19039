"""Time to the first answer text in the web chat: from the click on Send to the first streamed answer
text in the browser (headless Chromium; the answer streams checked sentences, so this is the first
checked sentence), over seed questions, each in a new chat.

    .venv/bin/python -m benchmarks.web_first_token                 # starts `assistant serve` over the seeds
    .venv/bin/python -m benchmarks.web_first_token --url http://127.0.0.1:7860/
    .venv/bin/python -m benchmarks.web_first_token --direct        # also time Assistant.stream in process

One warm-up question is asked first and reported apart (the model may still be loading)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "How many parameters does BLOOM have?",
    "What does SimpleQA evaluate?",
    "What sizes does the Gemini family come in?",
    "What is Lingvo?",
    "How many languages does BLOOM's training corpus cover?",
]
PLACEHOLDERS = ("Searching your library…", "Reading the abstracts…")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
OBSERVE = """
() => {
  window.__raLog = [];
  const chat = document.querySelector('#ra-chat');
  const before = chat.querySelectorAll('[data-testid=bot]').length;
  new MutationObserver(() => {
    const m = chat.querySelectorAll('[data-testid=bot]');
    if (m.length <= before) return;
    const text = m[m.length - 1].innerText, log = window.__raLog;
    if (!log.length || log[log.length - 1].text !== text) log.push({t: performance.now() - window.__raT0, text});
  }).observe(chat, {subtree: true, childList: true, characterData: true});
  window.__raT0 = performance.now();
  document.querySelector('#ra-send').click();
}
"""


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


@contextmanager
def own_server(data: Path) -> Iterator[str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    subprocess.run([*_cli(), "ingest", str(ROOT / "seeds"), "--data-dir", str(data)], env=env, check=True, capture_output=True)
    port = free_port()
    log = data / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([*_cli(), "serve", "--port", str(port), "--data-dir", str(data)], env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while "Web chat running at" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"assistant serve did not start:\n{log.read_text()}")
            time.sleep(0.3)
        urllib.request.urlopen(url, timeout=10).close()
        yield url
    finally:
        proc.terminate()
        proc.wait(15)


def ask(page: Any, question: str) -> tuple[float | None, float]:
    """(seconds to the first streamed text, seconds to the final answer) for one question."""
    page.click("#ra-new")
    page.wait_for_function("() => !document.querySelector('#ra-chat [data-testid=bot]')")
    page.fill("#ra-question textarea", question)
    page.evaluate(OBSERVE)
    page.wait_for_selector('#ra-sources .ra-panel[data-turn="1"] .ra-status[data-mode]', timeout=300_000)
    log = page.evaluate("() => window.__raLog")
    first = next((c["t"] / 1000 for c in log if c["text"].strip() and not c["text"].strip().startswith(PLACEHOLDERS)), None)
    return first, log[-1]["t"] / 1000


def run_browser(url: str, questions: list[str]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#ra-question textarea")
        cold = ask(page, questions[0])
        print(f"warm-up  first text {cold[0] or float('nan'):6.2f} s  total {cold[1]:6.2f} s  {questions[0]}")
        for q in questions:
            first, total = ask(page, q)
            rows.append((q, first, total))
            print(f"         first text {first or float('nan'):6.2f} s  total {total:6.2f} s  {q}")
        browser.close()
    firsts = [first for _, first, _ in rows if first is not None]
    return {
        "cold": {"first_text": cold[0], "total": cold[1]},
        "rows": [{"question": q, "first_text": first, "total": total} for q, first, total in rows],
        "first_text_p50": statistics.median(firsts) if firsts else None,
        "total_p50": statistics.median(total for _, _, total in rows),
    }


def run_direct(data: Path, questions: list[str]) -> dict[str, Any]:
    """The same questions through Assistant.stream in this process: what the web adds on top. The
    first item is the sources preview (an empty `Retrieved`), then checked sentences, then the Answer,
    whose timings count the first token from when the stream went on after the preview."""
    from assistant import Answer, Assistant

    a = Assistant(data_dir=data)
    a.warm()
    a.ask(questions[0])
    previews, tokens, firsts, totals = [], [], [], []
    for q in questions:
        t0 = time.perf_counter()
        stream = a.stream(q)
        next(stream)
        previews.append(time.perf_counter() - t0)
        resumed = time.perf_counter() - t0
        first = None
        for item in stream:
            if isinstance(item, Answer):
                totals.append(time.perf_counter() - t0)
                if "first_token" in item.timings:
                    tokens.append(resumed + item.timings["first_token"])
            elif first is None and item.strip():
                first = time.perf_counter() - t0
        firsts.append(first if first is not None else totals[-1])
    return {
        "preview_p50": statistics.median(previews),
        "first_token_p50": statistics.median(tokens) if tokens else None,
        "first_text_p50": statistics.median(firsts),
        "total_p50": statistics.median(totals),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running `assistant serve` (default: start one over the seeds)")
    ap.add_argument("--direct", action="store_true", help="also time Assistant.stream in process (own server only)")
    ap.add_argument("--json", dest="json_out", help="write the figures here")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="web-first-token-") as tmp:
        data = Path(tmp)
        if args.url:
            result = run_browser(args.url, QUESTIONS)
        else:
            with own_server(data) as url:
                result = run_browser(url, QUESTIONS)
            if args.direct:
                result["direct"] = run_direct(data, QUESTIONS)
    result["cpus"] = os.cpu_count()
    print(
        f"\nweb: first answer text p50 {result['first_text_p50']:.2f} s, final answer p50 {result['total_p50']:.2f} s "
        f"over {len(QUESTIONS)} questions"
    )
    if "direct" in result:
        d = result["direct"]
        print(
            f"Assistant.stream in process p50: sources preview {d['preview_p50']:.2f} s, first token "
            f"{d['first_token_p50'] or float('nan'):.2f} s, first text {d['first_text_p50']:.2f} s, final answer {d['total_p50']:.2f} s"
        )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
