"""A learned correction of the intake's vectors before they are compared with listings.

e5 places an intake's words near listings that use similar words, not always near the ones a coach
would pick ("wandelen" sits closer to a walking volunteer job than to the walking group). The
adapter moves a query vector q to q + U·V·q (a low-rank correction, renormalised), learned by
`python -m training.train` from the judged corpus so that graded listings come out on top. It is
learned for one encoder (its `name`: model and prefixes) and used only with that one; listing
vectors are never touched, so stored vectors stay valid.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ADAPTER_FILE = Path(__file__).with_name("query_adapter.json")


@dataclass(frozen=True)
class QueryAdapter:
    encoder: str        # Encoder.name it was learned for
    U: np.ndarray       # (dimension, rank)
    V: np.ndarray       # (rank, dimension)

    def apply(self, vec: np.ndarray | None) -> np.ndarray | None:
        if vec is None:
            return None
        moved = vec + self.U @ (self.V @ vec)
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def fits(self, encoder_name: str) -> bool:
        return encoder_name == self.encoder

    @classmethod
    def from_file(cls, path: Path = ADAPTER_FILE) -> "QueryAdapter":
        data = json.loads(path.read_text())
        U, V = np.array(data["U"], dtype=np.float32), np.array(data["V"], dtype=np.float32)
        if U.ndim != 2 or V.shape != (U.shape[1], U.shape[0]):
            raise ValueError(f"{path.name}: U and V do not fit together: retrain (python -m training.train)")
        return cls(data["encoder"], U, V)

    def write(self, path: Path, about: dict) -> None:
        data = {**about, "encoder": self.encoder,
                "U": np.round(self.U, 5).tolist(), "V": np.round(self.V, 5).tolist()}
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
