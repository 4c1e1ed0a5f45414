"""The judge's own CPU time per check, bounded.

Checks read what a learner's app sent: a body to decode, HTML to parse, JSON to
load. The workers' limits do not cover that work, which happens in the judge; a
body made to be slow to read would keep the judge busy until the submission's
time limit and cost every exercise after it. :func:`judge_cpu_limit` ends the
check instead: after ``seconds`` of the judge's CPU time (``ITIMER_PROF``, so
time spent waiting for the app does not count) :class:`JudgeOverworked` is raised
in the check, and again every :data:`REPEAT` seconds of CPU until the check ends,
so that retries (Hypothesis shrinking) end as fast.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from grader.errors import WorkerTimeout

#: CPU seconds between repeated raises once the limit is reached.
REPEAT = 0.05


class JudgeOverworked(WorkerTimeout):
    """The grader's own work on what the app sent took more than ``seconds`` of CPU."""

    @staticmethod
    def explain(what: str, seconds: float) -> str:
        return (
            f"Timed out: the grader may spend {seconds:g} s of CPU time on this check, and the time ran out "
            f"while {what}. Does a response carry a huge body, or one that is slow to read?"
        )


@dataclass
class Overrun:
    """Whether the limit was reached during the block."""

    seconds: float
    exceeded: bool = False
    over: bool = False  # the block has ended: a signal still on its way is ignored

    def error(self) -> JudgeOverworked:
        return JudgeOverworked("reading what the app sent", self.seconds)


@contextmanager
def judge_cpu_limit(seconds: float) -> Iterator[Overrun]:
    """Raise :class:`JudgeOverworked` in the block once it has used ``seconds`` of CPU.

    Only in the main thread (signals are delivered there); elsewhere it does nothing."""
    overrun = Overrun(seconds)
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield overrun
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        if not overrun.over:
            overrun.exceeded = True
            raise overrun.error()

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds, REPEAT)
    try:
        yield overrun
    finally:
        overrun.over = True
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
