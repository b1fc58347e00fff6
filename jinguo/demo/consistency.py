"""Step 4 of the generator: consistency, i.e. figures of one event or studio that agree.

The rules, each checked by tests/test_demo_plausible.py on the built database:

* a matchmaking event has at least ``MIN_PARTICIPANTS`` participants;
* pairs are at most half the participants (a pair is two of them);
* participating units are at most a third of the participants and matchmakers
  at most a fifth (the reported case: 78 units and 33 matchmakers for 588
  singles), at least one of each;
* a studio's yearly trainees are 10-35 per training session.

Yearly sums are fixed first (smooth, from the drivers or the calibration) and
then split over the events, so a province's year does not jump with the luck
of a few large events.
"""

from __future__ import annotations

import numpy as np

from jinguo.demo.alloc import scale_to_total, split_total

MIN_PARTICIPANTS = 10
UNITS_PER_PARTICIPANT = (0.03, 0.14)        # the reported case: 78 / 588 = 0.13
MATCHMAKERS_PER_PARTICIPANT = (0.02, 0.07)  # the reported case: 33 / 588 = 0.056
MAX_UNIT_SHARE = 3       # units <= participants / 3
MAX_MATCHMAKER_SHARE = 5  # matchmakers <= participants / 5
TRAINEES_PER_SESSION = (10, 35)


def split_by_year(total: int, weights: np.ndarray) -> np.ndarray:
    """A total over years in proportion to ``weights``, rounded without noise."""
    return scale_to_total(np.asarray(weights, dtype=float), int(total))


def participants(total: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` event sizes summing to ``total``, each at least ``MIN_PARTICIPANTS``, right-skewed."""
    return split_total(total, rng.lognormal(0, 0.6, n), rng, minimum=MIN_PARTICIPANTS)


def pairs(total: int, part: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``total`` pairs over events in proportion to their size, never more than half of them."""
    return split_total(total, part, rng, cap=part // 2)


def units_and_matchmakers(part: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Participating units and matchmakers: a small share of the participants, at least one."""
    units = np.rint(part * rng.uniform(*UNITS_PER_PARTICIPANT, len(part))).astype(np.int64)
    mm = np.rint(part * rng.uniform(*MATCHMAKERS_PER_PARTICIPANT, len(part))).astype(np.int64)
    units = np.clip(units, 1, part // MAX_UNIT_SHARE)
    mm = np.clip(mm, 1, part // MAX_MATCHMAKER_SHARE)
    return units, mm


def trainees(trainings: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return trainings * rng.integers(TRAINEES_PER_SESSION[0], TRAINEES_PER_SESSION[1] + 1, len(trainings))
