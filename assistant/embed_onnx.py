"""all-MiniLM-L6-v2 on onnxruntime: exported once from the shipped weights into the data dir.

The export (torch + transformers, a few seconds) happens the first time and is cached as
`<cache>/all-MiniLM-L6-v2[-int8].onnx`; later runs need only onnxruntime and tokenizers, which
import in a fraction of a second (sentence-transformers takes ~7 s). Mean pooling and L2
normalisation are part of the exported graph, so the output equals sentence-transformers'
`encode(normalize_embeddings=True)`. The int8 variant quantises the MatMul weights per channel
(dynamic activations), which keeps cosine with fp32 at ~0.995 on abstracts; per-tensor
quantisation drops it to ~0.94 and hurts retrieval."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .embed import DIM, MODEL_NAME, model_dir
from .types import ConfigError

log = logging.getLogger(__name__)
_FORMAT = 1  # bump when the exported graph changes, so old caches are rebuilt


def _max_length(folder: Path) -> int:
    try:
        return int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, KeyError, ValueError):
        return 256


@contextlib.contextmanager
def _locked(path: Path):  # type: ignore[no-untyped-def]
    """An exclusive lock on a file next to the cache, so two processes do not export at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as f:
        try:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX)
        except ImportError:  # Windows: no advisory locks; the atomic rename still keeps the file whole
            pass
        yield


def export(target: Path, quantized: bool) -> None:
    """Write the ONNX graph for the shipped model to `target` (atomically)."""
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as e:
        raise ConfigError(f"exporting the embedding model to ONNX needs torch and transformers ({e})") from None
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_dir())).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    tmp = target.with_suffix(f".tmp{os.getpid()}")
    plain = tmp.with_suffix(".fp32.onnx") if quantized else tmp
    dummy = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(model).eval(),
                (dummy, dummy, torch.zeros_like(dummy)),
                str(plain),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["embedding"],
                dynamic_axes={**axes, "embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        if quantized:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # the quantiser warns on the root logger
            try:
                quantize_dynamic(
                    str(plain), str(tmp), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"], per_channel=True
                )
            finally:
                root.setLevel(level)
            plain.unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        plain.unlink(missing_ok=True)


class OnnxEmbedder:
    """Sentence embeddings with onnxruntime; same vectors (fp32) or nearly (int8) as sentence-transformers."""

    def __init__(
        self, cache_dir: Path, quantized: bool = True, threads: int | None = None, max_length: int | None = None
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = f"{MODEL_NAME}-int8" if quantized else MODEL_NAME
        folder = model_dir()
        self.path = Path(cache_dir) / f"{self.name}.v{_FORMAT}.onnx"
        if not self.path.exists():
            with _locked(self.path.with_suffix(".lock")):
                if not self.path.exists():
                    log.info("exporting %s to %s (once)", self.name, self.path)
                    try:
                        export(self.path, quantized)
                    except OSError as e:
                        raise ConfigError(f"cannot write the embedding model cache {self.path} ({e.strerror})") from None
        self.max_length = min(max_length or 10**6, _max_length(folder))
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.enable_truncation(self.max_length)
        self._tok.no_padding()
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = threads or 0
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # a truncated or foreign file: rebuild it next time
            self.path.unlink(missing_ok=True)
            raise ConfigError(f"the cached embedding model {self.path} was unreadable ({e}); it was removed, run again") from None

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit vectors for the texts. Texts are batched by length, so padding costs little.

        No lock: onnxruntime runs one session from several threads at once, so a search's query
        embedding does not wait behind an ingest's batches (with a lock it waited up to a second)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tok.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out[rows] = self._session.run(None, feeds)[0]
        return out
