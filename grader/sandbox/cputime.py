"""Time limits that measure the learner's work: a worker's CPU time, read by the judge.

A limit on the wall clock times out a worker that a busy machine merely did not
schedule: the same app could then score differently under load. So the judge
counts, for each request and each check, the CPU time its workers used (Linux's
``/proc/PID/stat``: the worker's own and its waited-for children's), and keeps a
wall-clock backstop :data:`BACKSTOP` times longer for apps that wait without
computing (a ``sleep``, a blocking read). Where ``/proc`` cannot be read, the
wall clock is the measure, as before.
"""

from __future__ import annotations

import os

#: How much longer than a limit the wall clock may run before the worker is stopped anyway.
BACKSTOP = 5.0

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """CPU time the process ``pid`` (as the judge sees it) has used, with its waited-for
    children; None when it cannot be read (gone, or no ``/proc``)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
    except OSError:
        return None
    try:  # fields 14-17 (utime stime cutime cstime), counted after the ")" that ends the name
        return sum(int(value) for value in fields[11:15]) / _TICKS
    except (ValueError, IndexError):
        return None
