"""How long the check audit takes, and what grading many mutants per judge saves.

    python3 benchmarks/audit_speed.py [EXERCISE ...] [--jobs N] [--compare]

Target: the audit of the whole catalogue (16 exercises, about 400 mutants) finishes
within 10 minutes on 2 cores. ``--compare`` also runs it with one judge per mutant.
Prints mutants, judge runs, seconds and mutants per second; the machine's load
average is printed too, since other work on the machine slows every judge.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.audit import audit  # noqa: E402
from grader.course import Course  # noqa: E402

TARGET_SECONDS = 600.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--compare", action="store_true", help="also grade one mutant per judge")
    args = parser.parse_args()
    course = Course.locate()
    exercises = [course.resolve(name) for name in args.exercises] if args.exercises else course.exercises()
    modes = [True, False] if args.compare else [True]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for batch in modes:
        result = audit(course, exercises, jobs=args.jobs, batch=batch)
        mutants = sum(len(e.outcomes) for e in result.exercises)
        label = "many mutants per judge" if batch else "one mutant per judge"
        print(
            f"{label:24} {mutants} mutants of {len(exercises)} exercises, {result.judge_runs} judge runs, "
            f"{result.duration:.1f} s ({mutants / result.duration:.2f} mutants/s), kill rate {result.kill_rate:.1%}, "
            f"load average after: {os.getloadavg()[0]:.1f}"
        )
        if batch and len(exercises) == len(course.exercises()):
            verdict = "within" if result.duration <= TARGET_SECONDS else "OVER"
            print(f"whole catalogue: {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
