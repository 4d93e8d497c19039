"""A smoke run of benchmarks/load.py: a few concurrent conversations against a real `assistant serve`
on a Chroma server, all on loopback. Skipped until the web app (assistant/web.py) exists."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.model,
    pytest.mark.skipif(not (ROOT / "assistant" / "web.py").exists(), reason="the web app (assistant/web.py) is not there yet"),
    pytest.mark.skipif(importlib.util.find_spec("gradio_client") is None, reason="gradio_client is not installed"),
]


def test_concurrent_conversations_get_their_own_answers(tmp_path: Path) -> None:
    from benchmarks.load import format_report, load_questions, run_load, stack

    questions = load_questions(None)[:6]
    with stack(tmp_path, [SEEDS], questions, log=lambda _: None) as (url, refs):
        result = run_load(url, questions, refs, concurrency=3, duration=240, max_requests=6)
    print(format_report(result))
    assert result["requests"] == 6 and result["served"] == 6, result["errors"]
    assert result["errors"] == [] and result["leaks"] == []
    assert {r["conversation"] for r in result["rows"]} == {0, 1, 2}
    assert any(r["cited"] and not r["abstained"] for r in result["rows"])
    assert result["latency_p50"] is not None and result["queue_wait_p50"] is not None


def test_the_leak_check_catches_a_crossed_answer() -> None:
    from benchmarks.load import leak_problem

    refs = ["bloom", "mc4", "gemini"]
    assert leak_problem({"abstained": False, "citations": [{"number": 1, "doc_id": "bloom"}]}, refs) == ""
    assert "passage 2 is 'mc4'" in leak_problem({"citations": [{"number": 2, "doc_id": "bloom"}]}, refs)
    assert "outside" in leak_problem({"citations": [{"number": 4, "doc_id": "x"}]}, refs)
    assert leak_problem({"abstained": True, "citations": [{"number": 1, "doc_id": "bloom"}]}, refs)
