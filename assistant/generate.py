"""Text generation: a small Generator protocol, llama-cpp-python in process (the only import of llama_cpp)."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from .catalog import ModelSpec, find, load_catalog, resolve
from .config import Settings
from .types import ModelError

log = logging.getLogger(__name__)
Message = dict[str, str]


class Generator(Protocol):
    """What answering needs from a model: token counts, the strings its tokenizer reads as control
    tokens (to neutralise in untrusted text: guard.neutralise_special) and a stream of text pieces."""

    name: str
    n_ctx: int
    completion: bool

    def count(self, text: str) -> int: ...

    def special_tokens(self) -> frozenset[str]: ...

    def stream(
        self,
        messages: list[Message] | str,
        max_tokens: int,
        stop: list[str] | None = None,
        grammar: str | None = None,
        prefill: str = "",
    ) -> Iterator[str]:
        """Text pieces of the reply. `prefill` opens the reply (the model continues it; it is not
        repeated in the pieces); a generator that cannot prefill ignores it."""
        ...


_QTYPES = {"Q8_0": 7, "Q4_0": 2, "Q4_1": 3, "Q5_0": 8, "Q5_1": 9}


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence what C code writes to file descriptor 2 for a while (sys.stderr alone would not)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def requantize(source: Path, target: Path, qtype: str) -> None:
    """Re-quantise a GGUF file with llama.cpp (one-off; a few seconds for the shipped models)."""
    import llama_cpp

    if qtype not in _QTYPES:
        raise ModelError(f"cannot re-quantise to {qtype}; choose one of {', '.join(_QTYPES)}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = _QTYPES[qtype]
    params.allow_requantize = True
    log.warning("re-quantising %s to %s once (a few seconds)", source.name, qtype)
    with _quiet_stderr():  # llama.cpp prints a line per tensor
        rc = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), params)
    if rc != 0:
        target.unlink(missing_ok=True)
        raise ModelError(f"re-quantising {source.name} to {qtype} failed (llama.cpp code {rc})")


class LlamaGenerator:
    """One GGUF model loaded once; calls are serialised (a llama.cpp context is single-threaded).

    llama-cpp-python keeps the tokens of the previous call and re-evaluates only what differs, so
    prompts that start with the same system text pay for it once. `path` is the GGUF file loaded
    (a benchmark loads it again to compare with the bare engine)."""

    def __init__(self, spec: ModelSpec, path: Path, settings: Settings) -> None:
        from llama_cpp import Llama

        self.name = spec.name
        self.spec = spec
        self.path = path
        self.completion = spec.completion
        self.n_ctx = min(spec.n_ctx, settings.model.n_ctx) if settings.model.n_ctx else spec.n_ctx
        self.temperature = settings.model.temperature
        fmt = None if spec.chat_format in ("chat", "completion") else spec.chat_format
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=self.n_ctx,
                n_threads=settings.model.n_threads,
                n_threads_batch=settings.model.n_threads,
                n_batch=min(settings.model.n_batch, self.n_ctx),
                chat_format=fmt,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise ModelError(
                f"cannot load model {spec.name!r} from {path} ({e}); the file is not a complete GGUF model: "
                "copy or download it again, or choose another with --model"
            ) from None
        self._lock = threading.Lock()
        self._formatter = _chat_formatter(self._llm) if spec.chat_format == "chat" else None
        self.prefills = self._formatter is not None
        self._specials: frozenset[str] | None = None

    def count(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def special_tokens(self) -> frozenset[str]:
        """The texts of the vocabulary's CONTROL and UNKNOWN tokens (<bos>, <start_of_turn>,
        <|im_start|>, Gemma's <unusedN>...), which a prompt tokenised with special tokens parsed
        turns into those tokens. USER_DEFINED ones are left out: they tokenise the same either way
        (Gemma's runs of newlines, HTML tags), so they are plain text to the model."""
        if self._specials is None:
            import llama_cpp

            vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
            flags = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_UNKNOWN
            texts = (
                llama_cpp.llama_vocab_get_text(vocab, i).decode("utf-8", "replace")
                for i in range(llama_cpp.llama_vocab_n_tokens(vocab))
                if llama_cpp.llama_vocab_get_attr(vocab, i) & flags
            )
            self._specials = frozenset(t for t in texts if t)
        return self._specials

    def stream(
        self,
        messages: list[Message] | str,
        max_tokens: int,
        stop: list[str] | None = None,
        grammar: str | None = None,
        prefill: str = "",
    ) -> Iterator[str]:
        kwargs: dict[str, Any] = {"max_tokens": max_tokens, "temperature": self.temperature, "stream": True, "stop": stop or []}
        if grammar:
            from llama_cpp import LlamaGrammar

            kwargs["grammar"] = LlamaGrammar.from_string(grammar, verbose=False)
        llm: Any = self._llm  # llama-cpp-python's stream types are looser than its annotations
        if prefill and not isinstance(messages, str) and self._formatter is not None:
            # The reply is opened for the model: the chat template is applied here and the model
            # continues the text after `prefill` as a plain completion.
            formatted = self._formatter(messages=messages)
            messages = formatted.prompt + prefill
            kwargs["stop"] = [*kwargs["stop"], *(formatted.stop or [])] if isinstance(formatted.stop, list) else kwargs["stop"]
        with self._lock:
            if isinstance(messages, str):
                for chunk in llm.create_completion(messages, **kwargs):
                    if text := chunk["choices"][0].get("text") or "":
                        yield text
            else:
                for chunk in llm.create_chat_completion(messages=messages, **kwargs):
                    if text := chunk["choices"][0]["delta"].get("content") or "":
                        yield text


def _chat_formatter(llm: Any) -> Any:
    """The GGUF's own chat template as a function of the messages (None when it has none)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return None

    def text(token: int) -> str:
        return llm.detokenize([token], special=True).decode("utf-8", "replace") if token >= 0 else ""

    return Jinja2ChatFormatter(template, eos_token=text(llm.token_eos()), bos_token=text(llm.token_bos()))


def load_generator(settings: Settings, model: str | None = None) -> Generator:
    """The configured model: a remote OpenAI-compatible server when llm_url is set, else in process."""
    specs = load_catalog(settings.models_file)
    spec = find(specs, model or settings.model.name)
    if settings.model.llm_url:
        from .remote import RemoteGenerator

        return RemoteGenerator(settings.model.llm_url, spec, settings)
    path = resolve(spec, settings.models_dir, specs, requantize)
    return LlamaGenerator(spec, path, settings)
