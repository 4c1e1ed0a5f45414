"""``flask-grader watch`` driven for real, in a pseudo-terminal: edit, see the feedback
change, break the file, pass, move on, quit; nothing is left running."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect

from grader.course import Course
from grader.progress import Progress
from tests.helpers import ROOT, solution
from tests.test_progress import COUNT, PARTIAL_02, flask_grader

TIMEOUT = 240  # seconds per expected screen: generous, the machine may be busy
KEYS = "h hint · l list · n next exercise · q quit"


def spawn_watch(course: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8"}
    env.pop("FLASK_GRADER_COURSE", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "grader", "watch", *args],
        cwd=course,
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(300, 250),
    )


def screen_after(child: pexpect.spawn, marker: str) -> str:
    """The screen that shows ``marker``, up to its key line."""
    child.expect_exact(marker)
    child.expect_exact(KEYS)
    return marker + child.before.replace("\r\n", "\n")


def settled_screen_after(child: pexpect.spawn, marker: str) -> str:
    """The first screen showing ``marker`` once every check has ended: checks show as they end,
    so earlier screens with the same score line may still say they are checking."""
    while True:
        screen = screen_after(child, marker)
        if "Checking " not in screen:
            return screen


def save(path: Path, source: str) -> None:
    path.write_text(source, encoding="utf-8")


def leftovers(course: Path) -> list[str]:
    """Command lines of live grading processes (check or judge) for ``course``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
            if "grader.judge" in cmdline and "--serve" in cmdline:  # watch's warm judge: --serve FD COURSE
                if cmdline[cmdline.index("--serve") + 2] == str(course):
                    found.append(" ".join(cmdline))
            elif "grader.judge" in cmdline:
                job = Path(cmdline[cmdline.index("grader.judge") + 1]).read_text()
                if json.loads(job)["course"] == str(course):
                    found.append(" ".join(cmdline))
            elif "grader" in cmdline and str(course) in cmdline:
                found.append(" ".join(cmdline))
        except (OSError, ValueError, IndexError, KeyError):
            continue  # gone meanwhile, or not ours to read
    return found


def test_watch_follows_edits_survives_a_syntax_error_and_moves_on_when_passed(learner_course):
    exercises = learner_course / "exercises"
    save(exercises / "01_app_instance/app.py", solution("01_app_instance"))
    child = spawn_watch(learner_course)
    try:
        # 01 already passes: said, and on to 02, whose starter fails every check.
        child.expect_exact("01 · The application instance passes. Well done! On to 02.")
        starter = settled_screen_after(child, "02_first_route · Routes and view functions  0/8")
        assert "✗ index" in starter and "Request:   GET /\n" in starter
        assert "Expected:  status 200" in starter and "Actual:    404 NOT FOUND" in starter
        assert "✗ about" in starter and "Request:   GET /about" not in starter, "the rest: one line each"

        save(exercises / "02_first_route/app.py", PARTIAL_02)
        partial = settled_screen_after(child, "02_first_route · Routes and view functions  5/8")
        assert "✓ index" in partial
        assert "Request:   GET /about" in partial and "Actual:    404 NOT FOUND" in partial
        assert "body: Flask's standard Not Found page (no route matches this URL)" in partial

        save(exercises / "02_first_route/app.py", PARTIAL_02 + "\ndef about(:\n")
        broken = screen_after(child, "Your app does not load yet. Fix this first:")
        assert "app.py has a syntax error" in broken and "SyntaxError" in broken
        assert child.isalive()

        child.send("h")
        assert "Hint 1/3: A route is a function" in screen_after(child, "Hint 1/3")
        child.send("l")
        overview = screen_after(child, f"Your progress: 1 of {COUNT} exercises passed")
        assert re.search(r"✓ 01  The application instance +4/4 +passed", overview)
        assert re.search(r"◐ 02  Routes and view functions +0/8 +started", overview), "the broken file scored 0"

        save(exercises / "02_first_route/app.py", solution("02_first_route"))
        child.expect_exact("02 · Routes and view functions passes. Well done! On to 03.")
        child.expect_exact("flask-grader watch · 03 · Dynamic routes")
        child.send("n")
        child.expect_exact("Skipped 03 for now")
        child.expect_exact("flask-grader watch · 04 · Converters")
        child.send("q")  # most likely while 04 is being checked
        child.expect_exact("Bye! Your progress is saved")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert leftovers(learner_course) == []

    # A restart finds the progress, the hints shown, and the exercise watch was on.
    overview = flask_grader(learner_course).stdout
    assert f"Your progress: 2 of {COUNT} exercises passed" in overview
    assert flask_grader(learner_course, "hint", "02").stdout.startswith("Hint 2/3")
    assert flask_grader(learner_course, "hint").stdout.startswith("Hint 1/3 for 04_converters")


def test_watch_opens_where_the_learner_was_skips_only_what_does_not_pass_and_keeps_the_overview_fresh(
    learner_course,
):
    exercises = learner_course / "exercises"
    course = Course(learner_course)
    save(exercises / "01_app_instance/app.py", solution("01_app_instance"))
    assert flask_grader(learner_course, "check", "01").returncode == 0
    Progress(course).current = course.resolve("10")  # watch was on 10 once, long ago
    save(exercises / "04_converters/app.py", solution("04_converters").replace("{amount:.2f}", "{amount}"))
    assert "has the starter again" in flask_grader(learner_course, "reset", "04").stdout
    assert flask_grader(learner_course, "check", "04").returncode == 1

    child = spawn_watch(learner_course)
    try:
        # Reset and checked last: 04, not the 10 watch was on before.
        child.expect_exact("flask-grader watch · 04 · Converters")
        starter = screen_after(child, "04_converters · Converters: int, float and path  0/13")
        assert re.search(r"✗ item +0/2  GET /item/", starter), "points per check"

        save(exercises / "04_converters/app.py", solution("04_converters"))
        child.expect_exact("04 · Converters: int, float and path passes. Well done! On to 05.")
        save(exercises / "05_run_server/app.py", solution("05_run_server").replace('host="0.0.0.0", ', ""))
        partial = screen_after(child, "05_run_server · Running the development server  7/8")
        assert re.search(r"✓ index +2/2 ", partial) and re.search(r"✗ host +0/1 ", partial)

        # An edit to a passing exercise elsewhere: the overview says so, and no longer counts it.
        save(exercises / "01_app_instance/app.py", solution("01_app_instance") + "# tidied up\n")
        child.send("l")
        overview = screen_after(child, f"Your progress: 1 of {COUNT} exercises passed")
        assert re.search(r"01  The application instance +4/4 +passed  \(changed since the last check\)", overview)
        assert re.search(r"04  Converters: int, float and path +13/13 +passed\n", overview)
        assert re.search(r"05  Running the development server +7/8 +partial\n", overview)

        child.send("n")  # 05 does not pass: skipped, on to the next that does not pass
        child.expect_exact("Skipped 05 for now")
        child.expect_exact("flask-grader watch · 06 · The URL map")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)

    child = spawn_watch(learner_course, "04")
    try:
        screen_after(child, "04_converters · Converters: int, float and path  13/13")
        child.send("n")  # 04 passes: nothing is skipped, the learner moves on to what is left
        moved = screen_after(child, "flask-grader watch · 05 · Running the development server")
        assert "04 passes; on to 05, which does not yet." in moved and "Skipped" not in moved
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert leftovers(learner_course) == []
