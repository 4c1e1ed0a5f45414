"""Grades under load: ``python3 benchmarks/stress.py [--seconds 90]``.

A grade must not depend on what else the machine does. This grades every
reference solution and a submission of typical mistakes (the first of each
exercise's, from ``tests/exercises/cases/``) once on a quiet machine, then again and
again, two gradings side by side, while hostile neighbours that it starts itself
saturate the machine:

* ``view-spinner``: submissions whose views spin (``loop_in_view``), whose
  workers fork and sleep (``fork_loop``, ``double_fork``) or fill their memory
  (``memory_bomb``, within the cgroup's limits), graded in a loop;
* ``judge-spinner``: a grading whose hidden check spins in the judge itself
  until the judge's CPU limit ends it;
* ``fork-churn``: two processes that start threads and fork children as fast as
  they can, wrapping process ids (``kernel.pid_max``) again and again;
* ``batch``: a third grading of the solutions, in a loop.

Every stressed result must equal the quiet one (all but the durations); the
figures (gradings, wall time, load, pid wraps) are printed, with ``--json`` as
JSON. Exits 1 on any difference. It runs for ``--seconds`` after the quiet run,
finishing the gradings under way.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import Course  # noqa: E402
from grader.grading import grade  # noqa: E402
from tests.exercises import cases  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
HOSTILE = ("loop_in_view", "fork_loop", "double_fork", "memory_bomb")
JUDGE_SPIN = '''
import pytest


@pytest.mark.time_limits(check=5)
def test_spin(client):
    """Spins in the judge on the answer to GET / (a stand-in for a slow parse)."""
    text = client.get("/").text
    while text:
        text = text[::-1]
'''


def canonical(result: Any) -> str:
    """The result as compared: everything but how long it took."""
    data = result.to_dict()
    data.pop("duration", None)
    return json.dumps(data, sort_keys=True)


def mistakes_submission(folder: Path) -> Path:
    """A submission holding the first typical mistake of every exercise that lists some."""
    for exercise in cases.names():
        mistakes = cases.load(exercise).mistakes
        if not mistakes:
            continue
        submission, _ = next(iter(mistakes.values()))
        files = submission if isinstance(submission, dict) else {"app.py": submission}
        for name, content in files.items():
            path = folder / exercise / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


def hostile_submission(folder: Path, entry: str) -> Path:
    """The corpus entry as exercise 02 of a submission of its own."""
    path = folder / entry / "02_first_route" / "app.py"
    path.parent.mkdir(parents=True)
    shutil.copy(CORPUS / f"{entry}.py", path)
    return path.parent.parent


# ------------------------------------------------------------------ neighbours


def neighbour(name: str, until: float, scratch: Path) -> int:
    """Run the neighbour ``name`` until the ``until`` wall-clock time; returns its count
    (gradings, or for fork-churn, pid wraps seen)."""
    course = Course(ROOT)
    count = 0
    if name == "fork-churn":
        # Threads take their ids from the same space as processes and start ~20 times
        # faster than a fork, so the ids wrap within seconds; a fork every 64 keeps
        # the process table busy too.
        last = 0
        while time.time() < until:
            for _ in range(64):
                thread = threading.Thread(target=lambda: None)
                thread.start()
                thread.join()
                count += (thread.native_id or 0) < last
                last = thread.native_id or 0
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
        return count
    if name == "view-spinner":
        roots = [hostile_submission(scratch, entry) for entry in HOSTILE]
    elif name == "judge-spinner":
        hidden = scratch / "hidden" / "02_first_route"
        hidden.mkdir(parents=True)
        (hidden / "checks.py").write_text(JUDGE_SPIN, encoding="utf-8")
        course = Course(ROOT, hidden.parent)
        roots = [course.solutions_dir]
    else:  # batch
        roots = [course.solutions_dir]
    while time.time() < until:
        for root in roots:
            grade(course, root, ["02"] if name != "batch" else None)
            count += 1
    return count


def start_neighbours(seconds: float, scratch: Path) -> list[tuple[str, subprocess.Popen[str]]]:
    until = time.time() + seconds
    started = []
    for name in ("view-spinner", "judge-spinner", "fork-churn", "fork-churn", "batch"):
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch))
        command = [sys.executable, __file__, "--neighbour", name, "--until", str(until), "--scratch", str(folder)]
        started.append((name, subprocess.Popen(command, stdout=subprocess.PIPE, text=True)))
    return started


# ------------------------------------------------------------------ the run


def stress(seconds: float) -> dict[str, Any]:
    course = Course(ROOT)
    with tempfile.TemporaryDirectory(prefix="flask-grader-stress-") as tmp:
        scratch = Path(tmp)
        subjects = {
            "solutions": course.solutions_dir,
            "mistakes": mistakes_submission(scratch / "mistakes"),
        }
        started = time.monotonic()
        quiet = {name: canonical(grade(course, root)) for name, root in subjects.items()}
        quiet_seconds = time.monotonic() - started

        neighbours = start_neighbours(seconds, scratch)
        loads: list[float] = []
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(1.0):
                loads.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        gradings: list[tuple[str, bool, float]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def grader(order: list[str]) -> None:
            while time.monotonic() < deadline:
                for name in order:
                    began = time.monotonic()
                    same = canonical(grade(course, subjects[name])) == quiet[name]
                    with lock:
                        gradings.append((name, same, time.monotonic() - began))

        stressed_start = time.monotonic()
        graders = [threading.Thread(target=grader, args=(order,)) for order in (list(subjects), list(subjects)[::-1])]
        for thread in graders:
            thread.start()
        for thread in graders:
            thread.join()
        stressed_seconds = time.monotonic() - stressed_start
        counts = {}
        for name, process in neighbours:
            output, _ = process.communicate(timeout=900)
            counts[name] = counts.get(name, 0) + int(output.strip() or 0)
        sampling.set()
    return {
        "quiet seconds": round(quiet_seconds, 1),
        "stressed seconds": round(stressed_seconds, 1),
        "gradings": len(gradings),
        "different": [name for name, same, _ in gradings if not same],
        "slowest grading seconds": round(max((s for *_, s in gradings), default=0), 1),
        "load average": {
            "min": round(min(loads, default=0), 1),
            "mean": round(sum(loads) / max(len(loads), 1), 1),
            "max": round(max(loads, default=0), 1),
        },
        "neighbour gradings": {name: count for name, count in counts.items() if name != "fork-churn"},
        "pid wraps": counts.get("fork-churn", 0),
        "cores": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the neighbours run (default 90)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--neighbour", help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.neighbour:
        print(neighbour(args.neighbour, args.until, args.scratch))
        return 0
    figures = stress(args.seconds)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:24} {value}")
    return 1 if figures["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
