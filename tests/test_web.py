"""The web chat: a real `assistant serve` over the seeds and the real model, driven by headless Chromium.

Plus quick checks of the escaping, upload staging and error handling that need no browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.types import Answer, AssistantError, Citation, ConfigError
from benchmarks.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
_SCRIPT = Path(sys.executable).with_name("assistant")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "assistant.cli"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

BLOOM = "How many parameters does BLOOM have?"
HOSTILE = [
    {
        "id": "hostile-1",
        "title": "Zebrafish fin regeneration ${window.__pwned=2} {{constructor.constructor('window.__pwned=3')()}}",
        "abstract": "Zebrafish fins regrow within fourteen days after amputation. <script>window.__pwned=1</script> "
        '<img src=x onerror="window.__pwned=1"> The blastema forms from dedifferentiated osteoblasts.',
        "url": "javascript:window.__pwned=4",
    }
]

# Records every change of the last answer in the chat with its time, from the click on Send.
OBSERVE = """
() => {
  window.__raLog = [];
  const chat = document.querySelector('#ra-chat');
  const last = () => { const m = chat.querySelectorAll('[data-testid=bot]'); return m.length ? m[m.length - 1].innerText : ''; };
  const before = chat.querySelectorAll('[data-testid=bot]').length;
  (window.__raObservers || []).forEach(o => o.disconnect());  // one question's observers at a time
  const answers = new MutationObserver(() => {
    if (chat.querySelectorAll('[data-testid=bot]').length <= before) return;
    const text = last();
    const log = window.__raLog;
    if (!log.length || log[log.length - 1].text !== text) log.push({t: performance.now() - window.__raT0, text});
  });
  answers.observe(chat, {subtree: true, childList: true, characterData: true});
  window.__raPreview = null;
  const panel = document.querySelector('#ra-sources');
  const sources = new MutationObserver(() => {
    if (window.__raPreview === null && panel.querySelector('[data-preview]')) window.__raPreview = performance.now() - window.__raT0;
  });
  sources.observe(panel, {subtree: true, childList: true});
  window.__raObservers = [answers, sources];
  window.__raT0 = performance.now();
  document.querySelector('#ra-send').click();
}
"""
PLACEHOLDERS = ("Searching your library…", "Reading the abstracts…")


def _env(data: Path) -> dict[str, str]:
    env = dict(os.environ, ASSISTANT_DATA_DIR=str(data), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    env.pop("ASSISTANT_AUTH", None)
    return env


# -- the server and the browser ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`assistant serve` on a free loopback port over the seeds plus one hostile record."""
    data = tmp_path_factory.mktemp("web-data")
    hostile = tmp_path_factory.mktemp("web-input") / "hostile.jsonl"
    hostile.write_text("\n".join(json.dumps(r) for r in HOSTILE) + "\n")
    env = _env(data)
    for args in ([str(SEEDS)], [str(hostile), "--library", "Zed"]):
        subprocess.run([*CLI, "ingest", *args, "--data-dir", str(data)], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = data / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--data-dir", str(data)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"assistant serve exited with {proc.returncode}:\n{log.read_text()}")
            if "Web chat running at" in log.read_text():
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"assistant serve did not come up:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (scripts/test.sh installs the Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh tab (its own session and conversation) on the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(server)
    pg.wait_for_selector("#ra-question textarea")
    yield pg
    context.close()
    assert not dialogs, f"the page opened dialogs: {dialogs}"


def ask(page: Any, question: str, timeout: float = 120) -> list[dict[str, Any]]:
    """Send a question and wait for its final answer; returns the timed changes of the answer."""
    turn = page.locator("#ra-chat [data-testid=user]").count() + 1
    page.fill("#ra-question textarea", question)
    page.evaluate(OBSERVE)
    page.wait_for_selector(f'#ra-sources .ra-panel[data-turn="{turn}"] .ra-status[data-mode]', timeout=timeout * 1000)
    page.wait_for_timeout(200)
    return list(page.evaluate("() => window.__raLog"))


def upload_files(page: Any, files: str | list[str], library: str) -> Any:
    """Add files under "Add abstracts" into `library`; returns the ingest report's locator."""
    page.click("#ra-upload-box .label-wrap")
    page.set_input_files("#ra-files input[type=file]", files)
    page.fill("#ra-upload-library input, #ra-upload-library textarea", library)
    page.wait_for_timeout(500)
    page.click("#ra-add")
    return page.locator("#ra-report .ra-report")


def last_answer(page: Any) -> Any:
    return page.locator("#ra-chat [data-testid=bot]").last


def first_token_seconds(changes: list[dict[str, Any]]) -> float | None:
    for c in changes:
        if c["text"].strip() and not c["text"].strip().startswith(PLACEHOLDERS):
            return float(c["t"]) / 1000
    return None


# -- in the browser -----------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.model
def test_answer_streams_with_clickable_citation(page: Any) -> None:
    from playwright.sync_api import expect

    changes = ask(page, BLOOM)
    streamed = [c["text"] for c in changes if c["text"].strip() and not c["text"].strip().startswith(PLACEHOLDERS)]
    assert streamed, f"no answer text: {changes}"
    answer = last_answer(page)
    final = answer.inner_text().strip()
    # only checked sentences stream: each state of the answer is the start of the final one
    assert all(final.startswith(t.strip()) for t in streamed), (streamed, final)
    assert "176" in answer.inner_text()
    link = answer.locator('a[href^="#src-1-"]').first
    expect(link).to_have_text("[1]")
    first = first_token_seconds(changes)
    preview = page.evaluate("() => window.__raPreview")
    assert first is not None and preview is not None and preview / 1000 <= first, (preview, first)
    print(f"\nsources shown {preview / 1000:.2f} s, first streamed text {first:.2f} s, final {changes[-1]['t'] / 1000:.2f} s")

    link.click()
    card = page.locator("#src-1-1")
    expect(card).to_have_class("ra-src ra-active")
    expect(card).to_be_in_viewport()
    expect(card).to_contain_text("BLOOM")
    expect(card.locator("mark").first).to_contain_text("176B")
    assert "#" not in page.url, "the citation link navigated instead of showing the source"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"))

    # a follow-up leans on the question before it; "New chat" starts over
    ask(page, "and how many languages does it cover?")
    expect(page.locator('#ra-sources .ra-panel[data-turn="2"] .ra-src').first).to_contain_text("BLOOM")
    page.locator('#ra-chat a[href="#src-1-1"]').first.click()  # an earlier answer's source unfolds
    expect(page.locator("#src-1-1")).to_be_in_viewport()
    page.click("#ra-new")
    expect(page.locator("#ra-chat [data-testid=bot]")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.model
def test_explain_list_and_compare_are_answered_with_their_sources(page: Any) -> None:
    from playwright.sync_api import expect

    ask(page, "What is UniMax?")
    answer = last_answer(page)
    assert "UniMax" in answer.inner_text() and "sampling" in answer.inner_text().lower()
    expect(page.locator('#ra-sources .ra-src[data-number="1"]').first).to_contain_text("UniMax")

    changes = ask(page, "Which papers in the library are about graph neural networks?")
    answer = last_answer(page)
    lines = [line for line in answer.inner_text().splitlines() if line.strip()]
    assert len(lines) == 2 and all("[" in line for line in lines), lines  # one cited line per paper
    cards = page.locator('#ra-sources .ra-panel[data-turn="2"] > .ra-src')
    expect(cards).to_have_count(2)
    labels = [c.locator(".ra-src-head").inner_text() for c in cards.all()]
    assert len(set(labels)) == 2, labels  # the two untitled GNN abstracts get distinct labels
    assert all(c.locator(".ra-derived").count() == 1 for c in cards.all())  # marked as derived
    streamed = [c["text"] for c in changes if c["text"].strip() and not c["text"].strip().startswith(PLACEHOLDERS)]
    final = answer.inner_text().strip()
    assert all(final.startswith(t.strip()) for t in streamed), (streamed, final)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "list.png"))

    ask(page, "Compare Flan-MoE and U-PaLM.")
    text = last_answer(page).inner_text()
    assert "Flan-MoE" in text and "U-PaLM" in text
    cited = page.locator('#ra-sources .ra-panel[data-turn="3"] > .ra-src:not(.ra-also)')
    expect(cited).to_have_count(2)

    # a follow-up of an explanation keeps to the papers of the conversation
    ask(page, "and how do they handle heterophily?")
    assert "does not hold" not in last_answer(page).inner_text()


@pytest.mark.browser
@pytest.mark.model
def test_library_selector_limits_sources(page: Any) -> None:
    from playwright.sync_api import expect

    page.click("#ra-library input")
    options = [o.get_attribute("aria-label") for o in page.get_by_role("option").all()]
    assert options[:1] == ["All"] and {"Alex", "Tony", "Zed"} <= set(options), options
    page.get_by_role("option", name="Tony").click()
    expect(page.locator("#ra-library input")).to_have_value("Tony")
    ask(page, "What sizes does the Gemini family come in?")  # Gemini is only in Alex's library
    cards = page.locator("#ra-sources .ra-src")
    assert cards.count() >= 1
    libraries = [c.get_attribute("data-libraries") or "" for c in cards.all()]
    assert all("Tony" in lib.split("|") for lib in libraries), libraries


@pytest.mark.browser
@pytest.mark.model
def test_abstention_is_styled_apart(page: Any) -> None:
    ask(page, "What is the capital of France?")
    answer = last_answer(page)
    assert answer.locator(".ra-abstain").count() == 1
    assert "does not hold the answer" in answer.inner_text()
    assert page.locator("#ra-sources .ra-status.ra-abstained").count() == 1
    assert page.locator("#ra-sources .ra-src").count() >= 1  # the closest abstracts


@pytest.mark.browser
@pytest.mark.model
def test_upload_then_ask(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    upload = tmp_path / "Field notes (draft) ..jsonl"  # an odd name: shown, never used as a path
    upload.write_text(
        json.dumps(
            {
                "id": "quokka-1",
                "title": "Quokka census on Rottnest Island",
                "abstract": "The quokka population on Rottnest Island was estimated at 12,000 animals in 2023. "
                "Counts were made along fixed transects at dawn.",
            }
        )
        + "\nnot json\n"
    )
    report = upload_files(page, str(upload), "Field notes")
    expect(report).to_contain_text("1 added", timeout=60_000)
    expect(report).to_contain_text("1 skipped")
    expect(report).to_contain_text("line 2")
    assert "upload-" not in report.inner_text() and "/tmp" not in report.inner_text()
    page.click("#ra-library input")
    expect(page.get_by_role("option", name="Field notes")).to_be_visible()
    page.get_by_role("option", name="Field notes").click()
    ask(page, "How many quokkas live on Rottnest Island?")
    card = page.locator("#ra-sources .ra-src").first
    expect(card).to_contain_text("Quokka census")
    assert card.get_attribute("data-libraries") == "Field notes"


@pytest.mark.browser
@pytest.mark.model
def test_gradio_client_api(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    result = client.predict(BLOOM, "All", api_name="/ask")
    assert isinstance(result, dict), result
    assert result["abstained"] is False and result["mode"] in ("generated", "extractive")
    assert result["citations"], result
    c = result["citations"][0]
    assert set(c) >= {"number", "doc_id", "label", "libraries", "text", "score", "url"}
    assert "BLOOM" in c["text"] and c["libraries"] == ["Tony"]


@pytest.mark.browser
@pytest.mark.model
def test_hostile_abstract_is_shown_as_text(page: Any) -> None:
    from playwright.sync_api import expect

    page.click("#ra-library input")
    page.get_by_role("option", name="Zed").click()
    ask(page, "How fast do zebrafish fins regrow after amputation?")
    panel = page.locator("#ra-sources")
    expect(panel).to_contain_text("<script>window.__pwned=1</script>")
    expect(panel).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(panel).to_contain_text("${window.__pwned=2}")
    expect(panel).to_contain_text("{{constructor.constructor('window.__pwned=3')()}}")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#ra-sources script, #ra-sources img, #ra-chat img").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0


# -- without a browser ----------------------------------------------------------------------------------
def test_serve_refuses_open_host_without_auth(tmp_path: Path) -> None:
    r = subprocess.run(
        [*CLI, "serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--auth" in lines[0] and "0.0.0.0" in lines[0], r.stderr


def test_bad_auth_value_is_refused() -> None:
    from assistant.web import check_exposure, parse_auth

    with pytest.raises(AssistantError):
        parse_auth("no-colon")
    assert parse_auth("ann:s3cret:x") == ("ann", "s3cret:x")
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", ("ann", "pw"))
    with pytest.raises(AssistantError):
        check_exposure("192.168.1.5", None)


def test_login_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.config import load_settings
    from assistant.web import parse_auth

    login = tmp_path / "login"
    login.write_text("\nann:s3cret:x\n")
    login.chmod(0o600)
    assert parse_auth(str(login)) == ("ann", "s3cret:x")
    monkeypatch.setenv("ASSISTANT_AUTH", str(login))
    assert parse_auth(load_settings().server.auth) == ("ann", "s3cret:x")
    monkeypatch.setenv("ASSISTANT_AUTH", "bob:pw")
    settings = load_settings()
    assert parse_auth(settings.server.auth) == ("bob", "pw") and "pw" not in repr(settings)
    with pytest.raises(ConfigError, match=f"cannot read the login file {tmp_path}/missing"):
        parse_auth(str(tmp_path / "missing"))


def _citation(n: int, text: str, support: tuple[str, ...] = ()) -> Citation:
    return Citation(
        number=n,
        doc_id=f"d{n}",
        label=f"<b>Title {n}</b>",
        text=text,
        libraries=("Tony", "A<l>ex"),
        score=1.5,
        url="javascript:alert(1)",
        support=support,
    )


def test_rendering_escapes_everything() -> None:
    from assistant.web import answer_markdown, chat_markdown, sources_html

    text = "Evil <script>alert(1)</script> & <img src=x onerror=alert(1)> and the claim. ${x} {{y}}"
    c = _citation(1, text, ("and the claim.",))
    text = "It is <i>so</i> [1] [x](javascript:alert(1)) ![i](http://x/y.png) [7]"
    answer = Answer(question="q", text=text, abstained=False, citations=(c,), retrieved=(c,))
    md = answer_markdown(answer, 3)
    assert "<i>" not in md and "&lt;i&gt;" in md
    assert "[\\[1\\]](#src-3-1)" in md and "#src-3-7" not in md  # only shown sources become links
    assert "](javascript" not in md.replace("\\](javascript", "") and "![" not in md.replace("!\\[", "")
    panel = sources_html([{"turn": 3, "question": "<q>", "answer": answer}])
    for bad in ("<script", "<img", "<b>", "javascript:", "${", "{{"):
        assert bad not in panel, bad
    assert "<mark>and the claim.</mark>" in panel and 'id="src-3-1"' in panel
    assert chat_markdown("a <b>[2]</b>", 1) == "a &lt;b&gt;[\\[2\\]](#src-1-2)&lt;/b&gt;"


def test_a_list_follow_up_with_no_more_papers_says_so_in_the_chat() -> None:
    from assistant.plan import NO_LIBRARY, NO_MORE, SMALL_TALK
    from assistant.web import answer_markdown, sources_html

    c = _citation(1, "Graph Neural Networks (GNNs) extend basic Neural Networks.", ())
    text = "No other paper in your library is about graph <b>neural</b> networks beyond those already listed."
    none = Answer(
        question="Any more?",
        text=text,
        abstained=True,
        mode="abstained",
        retrieved=(c,),
        reason=f"{NO_MORE} 'graph neural networks'",
    )
    md = answer_markdown(none, 2)
    assert "No other paper in your library is about graph" in md and "&lt;b&gt;" in md
    assert "does not hold the answer" not in md
    plain = Answer(question="q", text="x", abstained=True, mode="abstained", retrieved=(c,), reason="weak evidence (0.10 < 0.68)")
    assert "does not hold the answer" in answer_markdown(plain, 2)
    # what the abstention says around its list of closest abstracts is shown: how a name was read,
    # which library was asked, and where else the answer is
    scoped = Answer(
        question="What is lingov?",
        text=(
            "Reading “lingov” as “Lingvo”.\n\nTony's library does not seem to hold the answer to this question. The closest "
            "abstracts I found:\n- BLOOM (Tony)\n\nOutside Tony's library, Lingvo (Alex) may answer it: ask with all libraries."
        ),
        abstained=True,
        mode="abstained",
        retrieved=(c,),
        reason="weak evidence (0.14 < 0.68)",
    )
    md = answer_markdown(scoped, 3)
    assert md.index("Reading “lingov” as “Lingvo”.") < md.index("**Tony's library does not hold the answer to this question.**")
    assert md.index("Closest abstracts:") < md.index("Outside Tony's library, Lingvo (Alex) may answer it")
    ben = Answer(
        question="What papers does Ben have?",
        text="Your collection has no library called 'Ben' (the libraries: Alex, Tony).",
        abstained=True,
        mode="abstained",
        reason=f"{NO_LIBRARY} 'Ben' (the libraries: Alex, Tony)",
    )
    assert "no library called" in answer_markdown(ben, 4) and "does not hold" not in answer_markdown(ben, 4)
    hello = Answer(question="hi", text="Hello! Ask me about the papers.", abstained=True, mode="abstained", reason=SMALL_TALK)
    assert answer_markdown(hello, 5) == "Hello! Ask me about the papers."
    assert "Nothing was asked of the library" in sources_html([{"turn": 5, "question": "hi", "answer": hello}])
    assert "No other paper on this topic" in sources_html([{"turn": 2, "question": "Any more?", "answer": none}])
    assert "does not hold the answer" in sources_html([{"turn": 2, "question": "q", "answer": plain}])
    from assistant.plan import NOT_IN_PINNED

    unsaid = Answer(
        question="and how do they handle heterophily?",
        text="The abstracts of Flan-MoE and U-PaLM say nothing about heterophily.\n\nIn your library, ACM (Alex) speaks of heterophily: ask about it by name.",
        abstained=True,
        mode="abstained",
        retrieved=(c,),
        reason=f"{NOT_IN_PINNED} 'heterophily'",
    )
    md = answer_markdown(unsaid, 6)
    assert md.index("**The abstracts of Flan-MoE and U-PaLM say nothing about heterophily.**") < md.index("ACM (Alex) speaks of")
    assert "does not hold" not in md and "Closest abstracts:" not in md
    assert "say nothing of heterophily" in sources_html([{"turn": 6, "question": "q", "answer": unsaid}])


def test_an_answer_from_a_papers_record_says_so_in_the_chat() -> None:
    from assistant.plan import FROM_RECORD, NO_RECORD
    from assistant.web import answer_markdown, sources_html

    c = _citation(1, "BLOOM is a decoder-only Transformer language model.", ())
    none = Answer(
        question="Who wrote the BLOOM paper?",
        text="Your library's record of BLOOM gives no authors, and its abstract does not say.",
        abstained=True,
        mode="abstained",
        retrieved=(c,),
        reason=f"{NO_RECORD} authors",
    )
    md = answer_markdown(none, 4)
    assert "record of BLOOM gives no authors" in md and "does not hold the answer" not in md
    assert "The paper&#x27;s record gives no authors" in sources_html([{"turn": 4, "question": "q", "answer": none}])
    said = Answer(
        question="Who wrote it?",
        text="Your library's record of X gives its author as Ann Lee [1].",
        abstained=False,
        mode="extractive",
        citations=(c,),
        retrieved=(c,),
        reason=FROM_RECORD,
    )
    assert "From the paper's record" in answer_markdown(said, 5) and "Quoted from the abstracts" not in answer_markdown(said, 5)
    panel = sources_html([{"turn": 5, "question": "q", "answer": said}])
    assert "From the library&#x27;s record of the cited paper" in panel and "Quoted from an abstract" not in panel
    # 'Does BLOOM have more parameters than U-PaLM?': the answer itself shows, under what it rests on
    from assistant.plan import FROM_MEASURES

    weighed = replace(said, text="No. By the sizes the abstracts give, U-PaLM is the larger [1].", reason=FROM_MEASURES)
    md = answer_markdown(weighed, 6)
    assert "**From the numbers the cited abstracts give**" in md and "U-PaLM is the larger" in md
    assert "Weighed by the numbers the two cited abstracts give" in sources_html(
        [{"turn": 6, "question": "q", "answer": weighed}]
    )


def test_stage_uploads_uses_safe_names(tmp_path: Path) -> None:
    from assistant.web import stage_uploads

    src = tmp_path / "in"
    src.mkdir()
    good = src / "../in/My Notes; rm -rf ~.JSONL"
    good.write_text('{"abstract": "x"}\n')
    big = src / "big.bib"
    big.write_bytes(b"x" * 3 * 1024 * 1024)
    exe = src / "tool.exe"
    exe.write_text("MZ")
    out = tmp_path / "out"
    out.mkdir()
    copies, names, refused = stage_uploads([str(good), str(big), str(exe)], 2.0, out)
    assert [Path(c).name for c in copies] == ["upload-1.jsonl"] and Path(copies[0]).parent == out
    assert list(names.values()) == ["My Notes; rm -rf ~.JSONL"]
    assert any("big.bib" in r and "2 MB" in r for r in refused) and any("tool.exe" in r for r in refused)


def test_the_web_chat_retrieves_once_per_question(seeded_copy: Any) -> None:
    from assistant.web import WebApp

    from .test_answer import Scripted

    calls: list[str] = []
    search = seeded_copy.index.search

    def counting(query: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return search(query, *args, **kwargs)

    seeded_copy.index.search = counting
    seeded_copy._generator = Scripted("BLOOM has 176B parameters [1].")
    app = WebApp(seeded_copy)
    outputs = list(app.answer(BLOOM, [{"role": "user", "content": BLOOM}], [], "All", 4, seeded_copy.settings.model.name))
    panels = [panel for _messages, panel, _turns in outputs if isinstance(panel, str) and "data-preview" in panel]
    assert panels and "BLOOM" in panels[0]  # the sources preview came from the same search
    assert len(calls) == 1, calls
    assert "176B" in outputs[-1][0][-1]["content"]


class _Broken:
    """Stands in for an Assistant whose answers fail."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        from assistant.config import load_settings

        self.settings = load_settings(model="m", k=4)

    def search(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[str | Answer]:
        yield "partial "
        raise self.error


@pytest.mark.parametrize(
    ("error", "shown"),
    [(AssistantError("the model file is missing"), "the model file is missing"), (RuntimeError("boom\nTraceback"), "went wrong")],
)
def test_errors_become_a_short_chat_message(error: Exception, shown: str) -> None:
    from assistant.web import WebApp

    app = WebApp(_Broken(error))  # type: ignore[arg-type]
    outputs = list(app.answer("q?", [{"role": "user", "content": "q?"}], [], "All", 4, "m"))
    messages, _panel, turns = outputs[-1]
    last = messages[-1]["content"]
    assert shown in last and "Traceback" not in last and turns == []


# -- in the browser: the page's file picker and Gradio's own upload checks take every format ------
@pytest.mark.browser
def test_browser_upload_takes_ris_pubmed_and_zotero(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from .test_formats import FIXTURES, make_zotero

    files = [str(FIXTURES / "rayyan_endnote.txt"), str(FIXTURES / "pubmed_asreview.xml"), str(make_zotero(tmp_path / "Zotero"))]
    report = upload_files(page, files, "Format uploads")
    expect(report).to_contain_text("6 added", timeout=60_000)
    expect(report).to_contain_text("5 skipped")
    text = report.inner_text()
    assert "rayyan_endnote.txt, line 28" in text and "PMID 31690499 has no abstract" in text
    assert "in the Zotero trash" in text and "upload-" not in text and "/tmp" not in text
