"""Integer allocation helpers for the demo generator: split a total exactly."""

from __future__ import annotations

import numpy as np


def split_total(total: int, weights, rng: np.random.Generator, minimum=0, cap=None) -> np.ndarray:
    """Integers >= ``minimum`` (and <= ``cap``) in proportion to ``weights`` summing to ``total``.

    Raises ``ValueError`` when the bounds make the total impossible.
    """
    w = np.asarray(weights, dtype=float)
    n = len(w)
    if n == 0:
        if total:
            raise ValueError(f"cannot split {total} over no cells")
        return np.zeros(0, dtype=np.int64)
    lo = np.broadcast_to(np.asarray(minimum, dtype=np.int64), (n,)).copy()
    hi = None if cap is None else np.broadcast_to(np.asarray(cap, dtype=np.int64), (n,)).copy()
    rest = int(total) - int(lo.sum())
    if rest < 0 or (hi is not None and int(total) > int(hi.sum())):
        raise ValueError(f"cannot split {total} over {n} cells within bounds")
    w = np.where(w > 0, w, 1e-9)
    x = lo + rng.multinomial(rest, w / w.sum())
    if hi is None:
        return x
    for _ in range(100):
        over = np.maximum(x - hi, 0)
        excess = int(over.sum())
        if excess == 0:
            return x
        x -= over
        room = (hi - x).astype(float)
        x += rng.multinomial(excess, room / room.sum())
    raise ValueError("allocation did not converge")  # pragma: no cover


def scale_to_total(values, total: int) -> np.ndarray:
    """Round ``values`` to integers summing exactly to ``total`` (largest remainder)."""
    v = np.asarray(values, dtype=float)
    if v.sum() <= 0:
        v = np.ones_like(v)
    raw = v / v.sum() * total
    base = np.floor(raw).astype(np.int64)
    short = int(total) - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:short]] += 1
    return base
