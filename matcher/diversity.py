"""Keep the top of the list varied: ten walking groups are one suggestion, not ten."""
from __future__ import annotations

import numpy as np

SAME_KIND_FREE = 3          # this many suggestions may share a main category without penalty
SAME_KIND_PENALTY = 0.3     # per further higher-ranked suggestion that shares it (in score units: the ten-set weights spread scores wider)
NEAR_COPY_COSINE = 0.95     # above this two listings say the same thing (duplicates, branches)
NEAR_COPY_PENALTY = 0.6


def diversify(ranked: list, limit: int) -> list:
    """Greedy re-ranking (in the spirit of maximal marginal relevance) of candidates sorted best first."""
    chosen: list = []
    pool = list(ranked[: max(limit * 4, 40)])
    while pool and len(chosen) < limit:
        best, best_score = None, -np.inf
        for candidate in pool:
            adjusted = candidate.score - _redundancy(candidate, chosen)
            if adjusted > best_score:
                best, best_score = candidate, adjusted
        chosen.append(best)
        pool.remove(best)
    return chosen


def _redundancy(candidate, chosen: list) -> float:
    main = candidate.activity.categories[0]
    same = sum(1 for c in chosen if c.activity.categories[0] == main)
    penalty = SAME_KIND_PENALTY * max(0, same - SAME_KIND_FREE + 1) if same >= SAME_KIND_FREE else 0.0
    if candidate.embedding is not None:
        for other in chosen:
            if other.embedding is not None and float(np.dot(candidate.embedding, other.embedding)) > NEAR_COPY_COSINE:
                penalty = max(penalty, NEAR_COPY_PENALTY)
    return penalty
