"""A Generator backed by an OpenAI-compatible model server (llama_cpp.server, llama.cpp's
llama-server, vLLM...), spoken to with httpx: streamed /v1/chat/completions or /v1/completions,
read as server-sent events.

A server that was down or restarted is used again on the next question (httpx replaces a pooled
connection the server closed); a server that is unreachable, refuses a request or dies in the
middle of an answer becomes a ModelError that says which URL and what to do."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import httpx

from .catalog import ModelSpec, template_tokens
from .config import Settings
from .types import ModelError

log = logging.getLogger(__name__)
Message = dict[str, str]

_CHARS_PER_TOKEN = 3.5  # the estimate when the server cannot count tokens itself
_CONNECT_TIMEOUT = 5.0
_COUNT_CACHE = 256
# llama-cpp-python's in-process sampling defaults, so a served model answers exactly as the same
# model loaded in process (the server's own default repeat_penalty is 1.1, not 1.0).
_SAMPLING = {"top_p": 0.95, "top_k": 40, "min_p": 0.05, "repeat_penalty": 1.0}


def _http_error(resp: httpx.Response) -> str:
    """The server's own error message from a JSON error body, else the start of the body."""
    text = resp.text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        return f"HTTP {resp.status_code}: {text[:200]}" if text else f"HTTP {resp.status_code}"
    err = data.get("error", data.get("detail")) if isinstance(data, dict) else None
    if isinstance(err, dict):
        err = err.get("message") or err
    return f"HTTP {resp.status_code}: {str(err)[:300]}" if err else f"HTTP {resp.status_code}: {text[:200]}"


def _events(lines: Iterator[str]) -> Iterator[str]:
    """The data of each server-sent event (data: lines joined; comments and other fields skipped)."""
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


class RemoteGenerator:
    """The Generator protocol over HTTP. `url` is the server's base (http://host:port, with or
    without a trailing /v1); `spec` is the catalog entry of the model the server runs, which says
    whether it is a chat or a completion model and its context length."""

    def __init__(self, url: str, spec: ModelSpec, settings: Settings) -> None:
        self.name = spec.name
        self.spec = spec
        self.completion = spec.completion
        self.n_ctx = min(spec.n_ctx, settings.model.n_ctx) if settings.model.n_ctx else spec.n_ctx
        self.url = url
        self.temperature = settings.model.temperature
        try:
            u = httpx.URL(url if "://" in url else f"http://{url}")
        except httpx.InvalidURL:
            u = httpx.URL()
        if u.scheme not in ("http", "https") or not u.host:
            raise ModelError(f"the model server URL {url!r} is not usable; give it as http://host:port")
        base = u.copy_with(path=u.path.rstrip("/").removesuffix("/v1") or "/")
        self._http = httpx.Client(
            base_url=base, timeout=httpx.Timeout(settings.model.llm_timeout, connect=_CONNECT_TIMEOUT), trust_env=False
        )
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._count_lock = threading.Lock()
        self._server_counts: bool | None = None  # unknown until the first count

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Transport failures as one ModelError naming the server and what to do."""
        try:
            yield
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            raise ModelError(
                f"the model server at {self.url} is not reachable ({e}); start it or unset ASSISTANT_LLM_URL"
            ) from None
        except httpx.TransportError as e:
            raise self._died(e or e.__class__.__name__) from None

    def _died(self, reason: object) -> ModelError:
        return ModelError(
            f"the model server at {self.url} stopped in the middle of an answer ({reason}); "
            "check that it is running (and its log), or unset ASSISTANT_LLM_URL"
        )

    def special_tokens(self) -> frozenset[str]:
        """An OpenAI-compatible server does not list its model's vocabulary: the template tokens of
        the catalog entry's chat format (of every known template for "chat" and "completion")."""
        return template_tokens(self.spec.chat_format)

    # -- counting ------------------------------------------------------------------------------
    def count(self, text: str) -> int:
        """Tokens in `text` as the server's model counts them (llama_cpp.server's
        /extras/tokenize/count); servers without that endpoint get an estimate of one token per
        3.5 characters. Counts are cached: the system prompt is counted once."""
        with self._count_lock:
            if text in self._counts:
                self._counts.move_to_end(text)
                return self._counts[text]
        n = self._server_count(text) if self._server_counts is not False else None
        if n is None:
            return math.ceil(len(text) / _CHARS_PER_TOKEN)
        with self._count_lock:
            self._counts[text] = n
            while len(self._counts) > _COUNT_CACHE:
                self._counts.popitem(last=False)
        return n

    def _server_count(self, text: str) -> int | None:
        with self._errors():
            resp = self._http.post("/extras/tokenize/count", json={"input": text, "model": self.name})
        if resp.status_code == 200:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                n = int(resp.json()["count"])
                self._server_counts = True
                return n
        if resp.status_code in (200, 404, 405, 501):
            if self._server_counts is None:
                log.info("%s cannot count tokens (HTTP %s); estimating them", self.url, resp.status_code)
            self._server_counts = False
            return None
        raise ModelError(f"the model server at {self.url} refused to count tokens ({_http_error(resp)})")

    # -- generation ----------------------------------------------------------------------------
    def stream(
        self,
        messages: list[Message] | str,
        max_tokens: int,
        stop: list[str] | None = None,
        grammar: str | None = None,
        prefill: str = "",  # an OpenAI-compatible chat endpoint cannot open the reply: ignored
    ) -> Iterator[str]:
        body: dict[str, Any] = {"model": self.name, "max_tokens": max_tokens, "stream": True, "stop": stop or [], **_SAMPLING}
        body["temperature"] = self.temperature
        if grammar:
            body["grammar"] = grammar  # llama_cpp.server and llama-server take a GBNF grammar as is
        chat = not isinstance(messages, str)
        body["messages" if chat else "prompt"] = messages
        path = "/v1/chat/completions" if chat else "/v1/completions"
        with self._errors(), self._http.stream("POST", path, json=body) as resp:
            if resp.status_code != 200:
                resp.read()
                raise ModelError(f"the model server at {self.url} refused the request ({_http_error(resp)})")
            if "json" in resp.headers.get("content-type", ""):  # a server that does not stream
                yield from self._whole(resp.read(), chat)
            else:
                yield from self._pieces(resp.iter_lines(), chat)

    def _pieces(self, lines: Iterator[str], chat: bool) -> Iterator[str]:
        finished = False
        for data in _events(lines):
            if data == "[DONE]":
                break
            try:
                chunk = json.loads(data)
            except ValueError:
                raise self._died(f"unreadable event {data[:80]!r}") from None
            if isinstance(chunk, dict) and "error" in chunk:
                raise ModelError(f"the model server at {self.url} failed: {str(chunk['error'])[:300]}")
            choice = (chunk.get("choices") or [{}])[0]
            piece = (choice.get("delta") or {}).get("content") if chat else choice.get("text")
            if piece:
                yield piece
            finished = finished or bool(choice.get("finish_reason"))
        if not finished:
            raise ModelError(
                f"the model server at {self.url} ended the answer before it was finished; it may have rejected "
                f"the prompt (is its --n_ctx at least {self.n_ctx}?) or been interrupted by another request "
                "(start llama_cpp.server with --interrupt_requests False); see the server's log"
            )

    def _whole(self, body: bytes, chat: bool) -> Iterator[str]:
        try:
            choice = json.loads(body)["choices"][0]
            text = choice["message"]["content"] if chat else choice["text"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ModelError(f"the model server at {self.url} sent an answer in an unknown format") from None
        if text:
            yield str(text)
