"""Learn the query adapter (matcher/query_adapter.py) from the judged corpus.

For each judged intake: its two query vectors (interests, narrative) as e5 makes them, the vectors
of its feasible listings and the grades. The adapter q -> q + U·V·q is trained so that the meaning
signal, computed exactly as the matcher does (z-scores against the catalog's own cosines, interests
0.55 and narrative 0.45), puts the graded listings on top: a listwise softmax loss with the gain
2^grade - 1 as target, and L2 on U and V so that it stays a small correction. Fixed seed, fixed
order, one thread count: the same corpus gives the same adapter.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from matcher.query_adapter import QueryAdapter
from matcher.signals import INTEREST_SHARE, Z_SCALE

RANK = 16
L2 = 1e-3
EPOCHS = 40
BATCH = 32
LEARNING_RATE = 3e-3
TEMPERATURE = 0.5   # the softmax is over meaning·Z_SCALE / TEMPERATURE


@dataclass
class Example:
    interest: np.ndarray | None   # the query vectors, uncorrected
    narrative: np.ndarray | None
    listings: np.ndarray           # one row per feasible listing
    grades: np.ndarray
    reference: np.ndarray          # the catalog sample the matcher calibrates cosines on


def _z(U, V, q, listings, reference):
    q = torch.tensor(q)   # a copy: cached query vectors are read-only
    moved = q + U @ (V @ q)
    moved = moved / moved.norm()
    ref = reference @ moved
    return (listings @ moved - ref.mean()) / (ref.std(unbiased=False) + 1e-6)


def _meaning(U, V, e: Example, tensors) -> torch.Tensor:
    listings, reference = tensors
    parts = [(_z(U, V, q, listings, reference), w)
             for q, w in ((e.interest, INTEREST_SHARE), (e.narrative, 1 - INTEREST_SHARE)) if q is not None]
    return sum(z * w for z, w in parts) / sum(w for _, w in parts) / Z_SCALE


def learn_adapter(examples: list[Example], encoder_name: str, seed: int) -> QueryAdapter:
    torch.manual_seed(seed)
    usable = [e for e in examples if len(e.grades) and (e.grades > 0).any()
              and (e.interest is not None or e.narrative is not None)]
    dim = len(next(e.interest if e.interest is not None else e.narrative for e in usable))
    tensors = [(torch.as_tensor(e.listings, dtype=torch.float32), torch.as_tensor(e.reference, dtype=torch.float32))
               for e in usable]
    targets = [torch.as_tensor((2.0 ** e.grades - 1) / (2.0 ** e.grades - 1).sum(), dtype=torch.float32)
               for e in usable]
    U = torch.nn.Parameter(torch.randn(dim, RANK) * 0.01)
    V = torch.nn.Parameter(torch.zeros(RANK, dim))
    optimiser = torch.optim.Adam([U, V], lr=LEARNING_RATE)
    rng = np.random.default_rng(seed)
    for _ in range(EPOCHS):
        for batch in np.array_split(rng.permutation(len(usable)), max(1, len(usable) // BATCH)):
            loss = sum(-(targets[i] * torch.log_softmax(_meaning(U, V, usable[i], tensors[i]) * Z_SCALE / TEMPERATURE,
                                                        0)).sum() for i in batch) / len(batch)
            loss = loss + L2 * (U.pow(2).sum() + V.pow(2).sum())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return QueryAdapter(encoder_name, U.detach().numpy().copy(), V.detach().numpy().copy())
