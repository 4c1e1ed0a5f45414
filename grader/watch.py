"""``flask-grader watch``: check the exercise on every save, and move on when it passes.

The loop looks at the learner's files and the keyboard a few times a second (file
times are polled: no extra dependency). Grading runs in one warm judge process
kept for the whole watch (:class:`grader.grading.WarmJudge`), so a save costs only
the checks; an unchanged exercise comes from the result cache. Each check shows as
soon as it ends, the first failure in full. An edit made while a check runs stops
it at once and a new one starts. Whatever the learner's code does, a syntax error,
a crash or a hang, is feedback on the screen, never the end of the watch.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import time
import tty
from typing import Any, TextIO

from grader import report
from grader.cache import Cache
from grader.course import Course
from grader.exercise import Exercise
from grader.grading import WarmGrading, WarmJudge
from grader.progress import Progress, render_overview
from grader.results import ExerciseResult
from grader.style import Style
from grader.workspace import shown

#: Seconds between two looks at the files and the keyboard (a check's end is seen at once).
POLL = 0.05
CLEAR = "\x1b[H\x1b[2J"
KEYS = "h hint · l list · n next exercise · q quit"


class Grading:
    """One check of an exercise by the watch's warm judge; its result records progress."""

    def __init__(self, judge: WarmJudge, progress: Progress, exercise: Exercise) -> None:
        self.exercise = exercise
        self.progress = progress
        self.fingerprint = progress.workspace.fingerprint(exercise)  # of the files graded
        self.run: WarmGrading = judge.grade(exercise)

    def done(self) -> bool:
        return self.run.done()

    def so_far(self) -> ExerciseResult | None:
        """The checks ended so far (None before the first)."""
        return self.run.so_far()

    def result(self) -> ExerciseResult | str:
        """The exercise's result, or what went wrong in the grader as text."""
        result = self.run.result()
        if isinstance(result, ExerciseResult):
            self.progress.record(result, self.fingerprint)
        return result

    def cancel(self) -> None:
        self.run.cancel()


class Keys:
    """Key presses from a stream: one at a time (cbreak mode) on a terminal, as they
    come otherwise; no keys at all once it is closed."""

    def __init__(self, stream: TextIO) -> None:
        try:
            self.fd: int | None = stream.fileno()
        except (AttributeError, ValueError, OSError):
            self.fd = None
        self.terminal: tuple[int, list[Any]] | None = None  # fd and its settings before cbreak

    def __enter__(self) -> Keys:
        if self.fd is not None and os.isatty(self.fd):
            self.terminal = (self.fd, termios.tcgetattr(self.fd))
            tty.setcbreak(self.fd)  # Ctrl-C still interrupts
        return self

    def __exit__(self, *exc: object) -> None:
        if self.terminal is not None:
            fd, settings = self.terminal
            termios.tcsetattr(fd, termios.TCSADRAIN, settings)

    def read(self, timeout: float) -> str:
        """The keys pressed within ``timeout`` seconds ("" when none)."""
        if self.fd is None:
            time.sleep(timeout)
            return ""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return ""
        data = os.read(self.fd, 64)
        if not data:  # end of input: watch on without keys
            self.fd = None
        return data.decode("utf-8", "replace")


class Watch:
    """The watch session: one exercise at a time, its latest feedback on screen."""

    def __init__(self, course: Course, progress: Progress, exercise: Exercise, out: TextIO = sys.stdout) -> None:
        self.course = course
        self.progress = progress
        self.exercise = exercise
        self.out = out
        self.style = Style.for_stream(out)
        self.terminal = out.isatty()
        self.judge = WarmJudge(course, cache=Cache.for_course(course))
        self.grading: Grading | None = None
        self.result: ExerciseResult | str | None = None
        self.seen: tuple[Any, ...] = ()
        self.banner = ""  # news that stays until the next edit: passed, moved on
        self.notice = ""  # the answer to the last key
        self.listing = False  # the progress overview instead of the feedback
        self.revisiting = False  # watching an exercise that passed already: no moving on

    def run(self) -> int:
        """Watch until the learner quits; the exit status is 0."""
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
        try:
            self.judge.start()
            with Keys(sys.stdin) as keys:
                self.switch(self.exercise)
                while self.step(keys.read(POLL)):
                    pass
        except KeyboardInterrupt:
            pass
        finally:
            if self.grading is not None:
                self.grading.cancel()
            self.judge.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.write("\nBye! Your progress is saved: run `flask-grader` to see it.\n")
        return 0

    def step(self, keys: str) -> bool:
        """React to ``keys``, to an edit, to a finished check; False to quit."""
        for key in keys.lower():
            if key == "q":
                return False
            self.on_key(key)
        signature = self.progress.workspace.signature(self.exercise)
        if signature != self.seen:
            self.seen = signature
            self.banner = ""
            self.start()
        if self.grading is not None and not self.grading.done():
            so_far = self.grading.so_far()
            if so_far is not None and so_far != self.result:
                self.result = so_far  # the first failure in full as soon as it fails, the rest as they end
                self.draw()
        if self.grading is not None and self.grading.done():
            self.result = self.grading.result()
            self.grading = None
            self.listing = False
            passing = isinstance(self.result, ExerciseResult) and self.result.passed
            if passing and not self.revisiting:
                self.passed()
            self.revisiting = self.revisiting and passing
            self.draw()
        return True

    def on_key(self, key: str) -> None:
        if key == "h":
            self.show_hint()
        elif key == "l":
            self.listing = not self.listing
            self.notice = ""
        elif key == "n":
            self.skip()
        elif not key.isspace():
            self.notice = f"Keys: {KEYS}."
        else:
            return
        self.draw()

    # -- what the keys do

    def show_hint(self) -> None:
        self.listing = False
        number = self.progress.reveal_hint(self.exercise)
        if number is None:
            self.notice = f"That was every hint for {self.exercise.number}. The README has the full task."
        else:
            self.notice = ""

    def skip(self) -> None:
        """Move on to the next exercise that does not pass. Only one that does not pass
        itself is "skipped"; from one that passes, the learner simply moves on."""
        current = self.exercise
        passes = self.progress.standing(current).done
        following = self.progress.next_exercise(after=current)
        if following is None:
            self.notice = (
                "Every exercise passes. Well done!"
                if passes
                else f"Every other exercise passes: {current.number} is the last one to do."
            )
            return
        self.banner = (
            f"{current.number} passes; on to {following.number}, which does not yet."
            if passes
            else f"Skipped {current.number} for now; `flask-grader` shows what is left."
        )
        self.switch(following)

    def passed(self) -> None:
        """The exercise passes: say so and move to the next one that does not."""
        done = self.exercise
        following = self.progress.next_exercise(after=done)
        if following is None:
            self.banner = "Every exercise passes. Well done!"
            return
        self.banner = f"{done.number} · {done.title} passes. Well done! On to {following.number}."
        self.switch(following)

    def switch(self, exercise: Exercise) -> None:
        """Watch ``exercise`` from now on, and check it."""
        self.exercise = exercise
        self.progress.current = exercise
        self.revisiting = self.progress.standing(exercise).done
        self.seen = self.progress.workspace.signature(exercise)
        self.result = None
        self.listing = False
        self.notice = ""
        self.start()

    def start(self) -> None:
        """Check the exercise (again), stopping a check of older files."""
        if self.grading is not None:
            self.grading.cancel()
        self.grading = Grading(self.judge, self.progress, self.exercise)
        self.draw()

    # -- the screen

    def draw(self) -> None:
        style = self.style
        exercise = self.exercise
        parts = [style.label(f"flask-grader watch · {exercise.number} · {exercise.title}")]
        if self.banner:
            parts.append(style.paint(self.banner, fg="green", bold=True))
        if self.listing:
            parts.append(render_overview(self.progress.standings(), style, with_next=False))
        elif isinstance(self.result, ExerciseResult):
            if self.result.status == "error":
                parts.append("Your app does not load yet. Fix this first:")
            parts.append(
                report.render_exercise(self.result, style, root=str(self.course.exercises_dir), all_feedback=False)
            )
        elif isinstance(self.result, str):
            parts.append(self.result)
        if self.grading is not None:
            parts.append(style.dim(f"Checking {shown(exercise.path / 'app.py')}…"))
        shown_hints = self.progress.hints_shown(exercise)
        for number, text in enumerate(exercise.hints[:shown_hints], 1):
            parts.append(f"{style.label(f'Hint {number}/{len(exercise.hints)}:')} {text}")
        if self.notice:
            parts.append(self.notice)
        parts.append(f"Edit {shown(exercise.path / 'app.py')} and save: it is checked again.\n{style.dim(KEYS)}")
        self.write((CLEAR if self.terminal else "\n") + "\n\n".join(parts) + "\n")

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # leave through the same door as Ctrl-C: the terminal is restored
