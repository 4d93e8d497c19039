"""A Generator backed by an OpenAI-compatible model server (llama_cpp.server, llama.cpp's
llama-server, vLLM...), spoken to with the standard library only: streamed /v1/chat/completions
or /v1/completions, parsed as server-sent events.

Every call opens its own connection, so a server that was down or restarted is simply used again
on the next question; a server that is unreachable, refuses a request or dies in the middle of an
answer becomes a ModelError that says which URL and what to do."""

from __future__ import annotations

import http.client
import json
import logging
import math
import ssl
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from .catalog import ModelSpec
from .config import Settings
from .types import ModelError

log = logging.getLogger(__name__)
Message = dict[str, str]

_CHARS_PER_TOKEN = 3.5  # the estimate when the server cannot count tokens itself
_CONNECT_TIMEOUT = 5.0
_COUNT_CACHE = 256
_MAX_EVENT = 1 << 24
# llama-cpp-python's in-process sampling defaults, so a served model answers exactly as the same
# model loaded in process (the server's own default repeat_penalty is 1.1, not 1.0).
_SAMPLING = {"top_p": 0.95, "top_k": 40, "min_p": 0.05, "repeat_penalty": 1.0}


class _Unreachable(Exception):
    """No connection could be made (refused, unknown host, connect timeout)."""


def _http_error(status: int, body: bytes) -> str:
    """The server's own error message from a JSON error body, else the start of the body."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return f"HTTP {status}: {text[:200]}" if text else f"HTTP {status}"
    if isinstance(data, dict):
        err = data.get("error", data.get("detail"))
        if isinstance(err, dict):
            err = err.get("message") or err
        if err:
            return f"HTTP {status}: {str(err)[:300]}"
    return f"HTTP {status}: {text[:200]}"


class RemoteGenerator:
    """The Generator protocol over HTTP. `url` is the server's base (http://host:port, with or
    without a trailing /v1); `spec` is the catalog entry of the model the server runs, which says
    whether it is a chat or a completion model and its context length."""

    def __init__(self, url: str, spec: ModelSpec, settings: Settings) -> None:
        self.name = spec.name
        self.spec = spec
        self.completion = spec.completion
        self.n_ctx = min(spec.n_ctx, settings.n_ctx) if settings.n_ctx else spec.n_ctx
        self.url = url
        self.timeout = settings.llm_timeout
        self.temperature = settings.temperature
        u = urlparse(url if "://" in url else f"http://{url}")
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ModelError(f"the model server URL {url!r} is not usable; give it as http://host:port")
        self._https = u.scheme == "https"
        self._host = u.hostname
        self._port = u.port or (443 if self._https else 80)
        base = u.path.rstrip("/")
        self._base = base.removesuffix("/v1")
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._count_lock = threading.Lock()
        self._server_counts: bool | None = None  # unknown until the first count

    # -- HTTP ----------------------------------------------------------------------------------
    def _unreachable(self, reason: object) -> ModelError:
        return ModelError(f"the model server at {self.url} is not reachable ({reason}); start it or unset ASSISTANT_LLM_URL")

    def _died(self, reason: object) -> ModelError:
        return ModelError(
            f"the model server at {self.url} stopped in the middle of an answer ({reason}); "
            "check that it is running (and its log), or unset ASSISTANT_LLM_URL"
        )

    def _open(self, path: str, body: dict[str, Any], timeout: float) -> http.client.HTTPResponse:
        """POST JSON and return the response once its headers arrived (any status)."""
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(
                self._host, self._port, timeout=_CONNECT_TIMEOUT, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=_CONNECT_TIMEOUT)
        try:
            conn.connect()
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            raise _Unreachable(getattr(e, "strerror", None) or e) from None
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        try:
            conn.request("POST", self._base + path, body=data, headers=headers)
            return conn.getresponse()
        except (OSError, http.client.HTTPException):
            conn.close()
            raise

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
        try:
            resp = self._open("/extras/tokenize/count", {"input": text, "model": self.name}, self.timeout)
        except _Unreachable as e:
            raise self._unreachable(e) from None
        except (OSError, http.client.HTTPException) as e:
            raise self._died(e) from None
        try:
            body = resp.read()
        except (OSError, http.client.HTTPException) as e:
            raise self._died(e) from None
        finally:
            resp.close()
        if resp.status == 200:
            try:
                n = int(json.loads(body)["count"])
                self._server_counts = True
                return n
            except (ValueError, KeyError, TypeError):
                pass
        if resp.status in (404, 405, 501) or resp.status == 200:
            if self._server_counts is None:
                log.info("%s cannot count tokens (HTTP %s); estimating them", self.url, resp.status)
            self._server_counts = False
            return None
        raise ModelError(f"the model server at {self.url} refused to count tokens ({_http_error(resp.status, body)})")

    # -- generation ----------------------------------------------------------------------------
    def stream(
        self, messages: list[Message] | str, max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]:
        body: dict[str, Any] = {"model": self.name, "max_tokens": max_tokens, "stream": True, "stop": stop or [], **_SAMPLING}
        body["temperature"] = self.temperature
        if grammar:
            body["grammar"] = grammar  # llama_cpp.server and llama-server take a GBNF grammar as is
        if isinstance(messages, str):
            path, body["prompt"], chat = "/v1/completions", messages, False
        else:
            path, body["messages"], chat = "/v1/chat/completions", messages, True
        try:
            resp = self._open(path, body, self.timeout)
        except _Unreachable as e:
            raise self._unreachable(e) from None
        except (OSError, http.client.HTTPException) as e:
            raise self._died(e) from None
        try:
            if resp.status != 200:
                raise ModelError(f"the model server at {self.url} refused the request ({_http_error(resp.status, resp.read())})")
            if "json" in (resp.getheader("Content-Type") or ""):  # a server that does not stream
                yield from self._whole(resp.read(), chat)
                return
            finished = False
            for data in _events(resp):
                if data == "[DONE]":
                    break
                try:
                    chunk = json.loads(data)
                except ValueError:
                    raise self._died(f"unreadable event {data[:80]!r}") from None
                if isinstance(chunk, dict) and "error" in chunk:
                    raise ModelError(f"the model server at {self.url} failed: {_http_error(500, data.encode())}")
                choice = (chunk.get("choices") or [{}])[0]
                piece = (choice.get("delta") or {}).get("content") if chat else choice.get("text")
                if piece:
                    yield piece
                if choice.get("finish_reason"):
                    finished = True
            if not finished:
                raise ModelError(
                    f"the model server at {self.url} ended the answer before it was finished; it may have rejected "
                    f"the prompt (is its --n_ctx at least {self.n_ctx}?) or been interrupted by another request "
                    "(start llama_cpp.server with --interrupt_requests False); see the server's log"
                )
        except http.client.IncompleteRead:
            raise self._died("the connection closed") from None
        except (OSError, http.client.HTTPException) as e:
            raise self._died(getattr(e, "strerror", None) or e.__class__.__name__) from None
        finally:
            resp.close()

    def _whole(self, body: bytes, chat: bool) -> Iterator[str]:
        try:
            choice = json.loads(body)["choices"][0]
            text = choice["message"]["content"] if chat else choice["text"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ModelError(f"the model server at {self.url} sent an answer in an unknown format") from None
        if text:
            yield str(text)


def _events(resp: http.client.HTTPResponse) -> Iterator[str]:
    """The data of each server-sent event (data: lines joined; comments and pings skipped).

    Read with read1() rather than readline(): on a chunked response a connection that drops
    before the final chunk then raises IncompleteRead instead of looking like a normal end."""
    data: list[str] = []
    buf = b""
    while True:
        block = resp.read1(65536)
        if not block:  # the response ended properly
            if data:
                yield "\n".join(data)
            return
        buf += block
        if len(buf) > _MAX_EVENT:
            raise http.client.HTTPException(f"an event longer than {_MAX_EVENT:,} bytes")
        *lines, buf = buf.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if not line:
                if data:
                    yield "\n".join(data)
                    data = []
            elif not line.startswith(":"):
                field, _, value = line.partition(":")
                if field == "data":
                    data.append(value[1:] if value.startswith(" ") else value)
