"""How one grading's exercises are spread over its judges (``-j``).

Exercises differ tenfold in what their checks cost (a state machine against a
property or two), so an equal count per judge leaves one core idle while the other
ends the costliest half. Each judge reports the seconds each exercise's checks took;
they are kept per exercise folder in the user's cache (``costs.json`` beside
Hypothesis's tables), and the next grading gives each exercise, the costliest first,
to the judge with the least work so far. This decides only where an exercise is
graded, never its result, so it is kept with ``--no-cache`` too; an exercise never
seen counts as the average of those that were.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.exercise import Exercise

COSTS = "costs.json"
#: Exercises kept: old entries go first (a course's own folders, many courses' worth).
KEPT = 2000


def split(ids: list[str], jobs: int, costs: dict[str, float]) -> list[list[str]]:
    """The exercises ``ids`` over at most ``jobs`` judges, balanced by ``costs`` (seconds
    by id, some may be unknown); each judge's exercises stay in the order given."""
    jobs = max(1, min(jobs, len(ids)))
    known = [costs[i] for i in ids if i in costs]
    default = sum(known) / len(known) if known else 1.0
    order = {exercise_id: index for index, exercise_id in enumerate(ids)}
    loads = [0.0] * jobs
    shares: list[list[str]] = [[] for _ in range(jobs)]
    # The costliest first, each to the judge with the least so far; ties in the order given.
    for exercise_id in sorted(ids, key=lambda i: (-costs.get(i, default), order[i])):
        judge = loads.index(min(loads))
        loads[judge] += costs.get(exercise_id, default)
        shares[judge].append(exercise_id)
    return [sorted(share, key=order.__getitem__) for share in shares if share]


def cost_key(exercise: Exercise) -> str:
    """Costs are kept by the exercise's folder: two courses may both have a 02_first_route."""
    return str(exercise.path.resolve())


def load(folder: Path) -> dict[str, float]:
    """The costs kept in ``folder`` by :func:`cost_key` (none when missing or unreadable:
    they are only a hint)."""
    try:
        data = json.loads((folder / COSTS).read_text(encoding="utf-8"))
        return {str(key): float(value) for key, value in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def remember(folder: Path, seconds: dict[str, float]) -> None:
    """Keep ``seconds`` (by :func:`cost_key`) in ``folder``, replacing the file at once:
    judges in other threads or processes may write it too; the last one wins, and
    nothing is ever torn."""
    if not seconds:
        return
    costs = load(folder)
    for key, value in seconds.items():
        costs.pop(key, None)
        costs[key] = round(value, 3)  # newest last: the oldest are dropped first
    kept = dict(list(costs.items())[-KEPT:])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".costs-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(kept, file)
            os.replace(name, folder / COSTS)
        except OSError:
            os.unlink(name)
            raise
    except OSError:
        pass  # a read-only cache costs a balanced split, nothing else
