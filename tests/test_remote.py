"""The team set-up: a real `chroma run` server and a real llama_cpp.server on loopback ports, used by
several assistants at once; servers that stop, die mid-answer and come back."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Answer, Assistant
from assistant.types import ModelError, StoreError
from benchmarks.servers import ENTRY, ChromaServer, ModelServer, heartbeat, smollm2_path

from .conftest import SEEDS

pytestmark = pytest.mark.slow
BLOOM_Q = "How many parameters does BLOOM have?"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the module, holding the seed libraries."""
    base = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(base / "store", log=base / "chroma.log").start()
    try:
        Assistant(data_dir=base / "seeder", chroma_url=server.url).ingest(SEEDS)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelServer]:
    base = tmp_path_factory.mktemp("model-server")
    server = ModelServer(smollm2_path(base / "data"), log=base / "llama.log").start()
    try:
        yield server
    finally:
        server.kill()


def on(chroma: ChromaServer, data_dir: Path, **settings: object) -> Assistant:
    return Assistant(data_dir=data_dir, chroma_url=chroma.url, **settings)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_seed_ingest_into_the_server_is_idempotent(chroma: ChromaServer, tmp_path: Path) -> None:
    a = on(chroma, tmp_path / "a")
    assert a.index.count() == 18
    again = a.ingest(SEEDS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 18)
    assert a.libraries() == {"Alex": 9, "Tony": 10}
    assert not (tmp_path / "a" / "chroma").exists()  # nothing of the store is local
    assert list((tmp_path / "a" / "lexical").glob("127_0_0_1_*-abstracts-*.npz"))  # only this instance's BM25 copy


def test_library_filter_and_exact_terms_over_the_server(chroma: ChromaServer, tmp_path: Path) -> None:
    a = on(chroma, tmp_path / "a")
    for lib in ("Alex", "Tony"):
        hits = a.search("language models", k=8, library=lib)
        assert hits and all(lib in p.libraries for p in hits)
    top = a.search("UniMax", k=1)[0]
    assert "UniMax" in top.text and top.lexical > 0


def test_second_instance_sees_new_documents_in_lexical_search_too(chroma: ChromaServer, tmp_path: Path) -> None:
    a = on(chroma, tmp_path / "a")
    b = on(chroma, tmp_path / "b")
    assert b.search("quokka", k=1) == [] or b.search("quokka", k=1)[0].lexical == 0
    path = write_jsonl(
        tmp_path / "zed.jsonl",
        [
            {"id": "zed-1", "title": "Quokka census", "abstract": "We count quokkas on Rottnest Island with drones."},
            {"id": "zed-2", "abstract": "Axolotl limb regeneration depends on macrophages."},
        ],
    )
    assert a.ingest(path, library="Zed").added == 2
    # b's lexical copy follows the store's revision marker; in server mode it looks at most every 2 s
    deadline = time.monotonic() + 10
    while True:
        top = b.search("quokkas drones", k=1)
        if top and top[0].doc_id == "zed-1" and top[0].lexical > 0:
            break
        assert time.monotonic() < deadline, "the second instance never saw the new document in its BM25 index"
        time.sleep(0.5)
    assert "zed-1" in b.index.lexical and b.index.lexical.revision == a.index.lexical.revision
    assert b.libraries()["Zed"] == 2

    assert a.forget(library="Zed") == (2, 0)
    deadline = time.monotonic() + 10
    while "zed-1" in b.index.lexical:
        assert time.monotonic() < deadline, "the forgotten document stayed in the second instance's BM25 index"
        time.sleep(0.5)
        b.search("quokkas drones", k=1)
    assert "Zed" not in b.libraries() and b.index.count() == 18


@pytest.mark.model
def test_real_model_answer_over_the_chroma_server(chroma: ChromaServer, tmp_path: Path) -> None:
    ans = on(chroma, tmp_path / "a").ask(BLOOM_Q)
    assert not ans.abstained and "176" in ans.text
    assert ans.citations[0].libraries == ("Tony",) and "BLOOM" in ans.citations[0].text


def _check_bloom(items: list[str | Answer]) -> Answer:
    *pieces, final = items
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Answer)
    assert not final.abstained and "176" in final.text
    assert final.citations and final.citations[0].libraries == ("Tony",)
    assert "BLOOM" in final.citations[0].text
    assert all(f"[{c.number}]" in final.text for c in final.citations)
    return final


@pytest.mark.model
def test_answer_streams_from_the_model_server(
    chroma: ChromaServer, model_server: ModelServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_URL", model_server.url + "/v1")
    a = on(chroma, tmp_path / "a")
    final = _check_bloom(list(a.stream(BLOOM_Q)))
    assert type(a.generator()).__name__ == "RemoteGenerator"
    assert final.timings["first_token"] > 0
    assert a.generator().count("Hello world") == 2  # counted by the server's tokenizer


@pytest.mark.model
def test_model_server_dying_mid_answer_then_coming_back(
    chroma: ChromaServer, model_server: ModelServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_URL", model_server.url)
    a = on(chroma, tmp_path / "a")
    a.ask(BLOOM_Q)  # warm: the prompt's token counts are cached now
    # The answer streams only checked sentences, so the server is killed while the model itself is
    # still sending tokens: the first token of a long generation through the same client.
    pieces = a.generator().stream([{"role": "user", "content": "Write a long story about a cat who finds a key."}], 400)
    assert next(pieces)
    model_server.kill()
    with pytest.raises(ModelError, match=f"model server at {model_server.url} stopped in the middle of an answer"):
        list(pieces)
    with pytest.raises(ModelError, match=f"model server at {model_server.url} is not reachable .*unset ASSISTANT_LLM_URL"):
        a.ask(BLOOM_Q)
    model_server.start()  # same port
    _check_bloom(list(a.stream(BLOOM_Q)))


@pytest.mark.model
def test_grammar_and_completion_requests_pass_through(model_server: ModelServer, tmp_path: Path) -> None:
    from assistant.catalog import find, load_catalog
    from assistant.config import load_settings
    from assistant.remote import RemoteGenerator

    settings = load_settings(data_dir=tmp_path)
    gen = RemoteGenerator(model_server.url, find(load_catalog(settings.models_file), "smollm2-135m"), settings)
    assert "".join(gen.stream("The colour of the sky is", 4, grammar='root ::= "blue" | "green"')) in ("blue", "green")
    out = "".join(gen.stream([{"role": "user", "content": "Count: 1, 2, 3,"}], 8))
    assert out.strip()
    story = [{"role": "user", "content": "Write a short story about a cat who finds a key."}]
    hot = RemoteGenerator(model_server.url, gen.spec, load_settings(data_dir=tmp_path, temperature=2.0))
    greedy = ["".join(gen.stream(story, 32)) for _ in range(3)][1:]  # the first fills the server's prompt cache
    assert greedy[0] == greedy[1] != "".join(hot.stream(story, 32))  # the temperature reaches the server


@pytest.mark.model
def test_template_tokens_reach_the_served_model_as_plain_text(model_server: ModelServer, tmp_path: Path) -> None:
    import httpx

    from assistant.catalog import find, load_catalog
    from assistant.config import load_settings
    from assistant.guard import neutralise_special
    from assistant.remote import RemoteGenerator

    from .test_generate import HOSTILE, TEMPLATES

    settings = load_settings(data_dir=tmp_path)
    specials = RemoteGenerator(
        model_server.url, find(load_catalog(settings.models_file), "smollm2-135m"), settings
    ).special_tokens()
    assert {t for tokens in TEMPLATES.values() for t in tokens} <= specials  # "chat": every known template's tokens

    def tokens(text: str) -> list[int]:  # llama_cpp.server tokenises with special tokens parsed
        return list(httpx.post(model_server.url + "/extras/tokenize", json={"input": text}, timeout=30).json()["tokens"])

    chatml = tokens("".join(TEMPLATES["smollm2-135m"]))
    assert len(chatml) == 3 and set(chatml) <= set(tokens(HOSTILE))
    assert not set(chatml) & set(tokens(neutralise_special(HOSTILE, specials)))


def test_chroma_server_stopping_and_coming_back(chroma: ChromaServer, tmp_path: Path) -> None:
    """Last in the module: it stops the shared server and starts it again on the same port."""
    a = on(chroma, tmp_path / "a")
    assert a.search("UniMax", k=1)
    chroma.stop()
    time.sleep(2.1)  # past the lexical index's check interval, so the store itself is asked
    for call in (lambda: a.search("UniMax", k=1), a.libraries, lambda: a.ingest(SEEDS)):
        with pytest.raises(StoreError, match=f"Chroma server at {chroma.url} is not reachable .*unset ASSISTANT_CHROMA_URL"):
            call()
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        on(chroma, tmp_path / "b")
    r = subprocess.run(
        [ENTRY, "search", "UniMax", "--chroma-url", chroma.url, "--data-dir", str(tmp_path / "c")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"error: cannot reach the Chroma server at {chroma.url}") and len(r.stderr.splitlines()) == 1
    chroma.start()
    assert heartbeat(chroma.url)
    assert a.search("UniMax", k=1)[0].lexical > 0
    assert a.libraries() == {"Alex": 9, "Tony": 10}
