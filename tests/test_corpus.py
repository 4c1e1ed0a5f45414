"""The adversarial corpus: hostile submissions (tests/corpus/) graded for real.

Each entry is graded as exercise 02 next to an honest exercise 01. Every entry must
get its clear verdict, no score above an honest app with the same behaviour, leave
exercise 01 graded, and leave no process, file or network connection behind. The
checks for leftovers look only for what this run can attribute to itself: a name
given to the submission's processes, files named after it, a socket of its own.
"""

from __future__ import annotations

import ctypes
import glob
import json
import os
import pwd
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader import report
from grader.classroom.submissions import discover, grade_submission
from grader.client import LearnerApp
from grader.grading import grade
from grader.results import ExerciseResult
from grader.sandbox.process import Sandbox, WorkerSpec
from grader.style import Style
from tests.helpers import ROOT, live_tasks_named, solution, statuses, write_submission

CORPUS = Path(__file__).parent / "corpus"
EXERCISE = "02_first_route"


@dataclass(frozen=True)
class Verdict:
    """What grading an entry must give exercise 02."""

    status: str = "graded"  # of the exercise: "error" when the module cannot be examined
    checks: dict[str, str] = field(default_factory=dict)  # named checks' statuses; others pass
    words: tuple[str, ...] = ()  # in the exercise's message, or the named checks' messages
    everything: str = ""  # a status every check has instead (an app that does nothing)


WORKS = Verdict()  # hostile on the side, a correct app otherwise: full marks, as if honest
DOES_NOTHING = Verdict(everything="failed")  # an empty app with tricks: scores as an empty app

ENTRIES = {
    "loop_at_import": Verdict("error", words=("Timed out after 5 s while importing the module",)),
    "loop_in_view": Verdict(checks={"about": "timeout"}, words=("Timed out after 2 s while answering GET /about",)),
    "sys_exit_at_import": Verdict("error", words=("called sys.exit(0) while being imported",)),
    "os_exit_at_import": Verdict("error", words=("ended unexpectedly while importing the module",)),
    "sys_exit_in_view": Verdict(checks={"about": "failed"}, words=("SystemExit",)),
    "os_exit_in_view": Verdict(checks={"about": "error"}, words=("ended unexpectedly while answering GET /about",)),
    "memory_bomb": Verdict("error", words=("raised MemoryError while being imported",)),
    "fork_loop": WORKS,
    "double_fork": WORKS,
    "print_100mb": WORKS,
    "big_response": Verdict(checks={"about": "error"}, words=("GET /about was larger than 4 MiB",)),
    "fake_results": DOES_NOTHING,
    "fake_result_file": DOES_NOTHING,
    "patch_grader": DOES_NOTHING,
    "read_checks": WORKS,
    "connect_localhost": WORKS,
    "kill_parent": WORKS,
    "escape_sandbox": WORKS,
    "write_outside": WORKS,
    "deep_recursion": Verdict(checks={"about": "failed"}, words=("RecursionError",)),
    "stack_overflow": Verdict("error", words=("ended unexpectedly while importing the module",)),
    "runaway_thread": WORKS,
    "not_utf8": Verdict("error", words=("syntax error", "utf-8")),
    # issue 12: each break as its own entry
    "linked_exercise_folder": Verdict("error", words=("02_first_route is a symbolic link", "hand in the file itself")),
    "unreadable_to_learner": Verdict("error", words=("02_first_route cannot be read by its owner",)),
    "punycode_body": Verdict(checks={"about": "failed"}),
    "terminal_escapes": Verdict(checks={"index": "failed", "about": "failed"}, words=("RuntimeError",)),
    "keyring_notes": WORKS,
    "abstract_socket": WORKS,
    "forged_integer": Verdict("error", words=("ended unexpectedly while importing the module",)),
    "unasked_reply": Verdict(checks={"about": "error"}, words=("does not accept",)),
    # issue 13: what the new mechanisms stop
    "trace_judge": WORKS,
    "read_other_proc": WORKS,
    "kernel_surface": WORKS,
    "shared_tmp": WORKS,
    "exhaust_fds_threads": WORKS,
    "sparse_file": WORKS,
    # issue 13: links in a submitted templates/ (exercise 14)
    "templates_symlinks": Verdict("error", words=("templates/base.html is a symbolic link", "hand in the file")),
    "templates_folder_link": Verdict("error", words=("templates is a symbolic link", "hand in the file")),
    "templates_hardlink": Verdict("error", words=("templates/hidden.html cannot be read by its owner",)),
}


def test_every_corpus_file_has_an_expected_verdict():
    assert sorted(path.stem for path in CORPUS.glob("*.py")) == sorted(ENTRIES)


@dataclass
class Run:
    """One hostile grading, with everything it could leave behind to look at."""

    marker: str
    tmp: Path

    @property
    def judge_tmp(self) -> Path:
        return self.tmp / "judge-tmp"

    @property
    def outside(self) -> Path:
        return self.tmp / "outside.txt"

    @property
    def secret(self) -> Path:
        return self.tmp / "hidden-checks" / EXERCISE / "checks.py"

    @property
    def submission(self) -> Path:
        return self.tmp / "submission"

    def fill(self, source: bytes, port: int) -> bytes:
        for placeholder, value in {
            "__MARKER__": self.marker,
            "__PORT__": str(port),
            "__SECRET__": str(self.secret),
            "__COURSE__": str(ROOT),
            "__OUTSIDE__": str(self.outside),
            "__SUBMISSION__": str(self.submission),
            "__TMPDIR__": str(self.judge_tmp),
        }.items():
            source = source.replace(placeholder.encode(), value.encode())
        # Every process and thread of the submission carries the marker as its name.
        name_it = f"import ctypes as _c; _c.CDLL(None).prctl(15, b'{self.marker}', 0, 0, 0)\n"
        return name_it.encode() + source


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """A run whose judge keeps its files in a folder of its own, with decoys around it."""
    hostile = Run("fg" + os.urandom(6).hex(), tmp_path)
    hostile.judge_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(hostile.judge_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    hostile.outside.write_text("original")
    hostile.secret.parent.mkdir(parents=True)
    hostile.secret.write_text(f"SECRET-{hostile.marker}: the hidden checks")
    yield hostile
    planted = Path(ROOT, "exercises", f"{hostile.marker}.txt")
    if planted.exists():  # the sandbox failed: keep the course clean anyway
        planted.unlink()


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A TCP and a UDP socket on the same port of 127.0.0.1, waiting for the submission."""
    yield from open_listener()


def open_listener() -> Iterator[tuple[socket.socket, socket.socket]]:
    for _ in range(20):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(("127.0.0.1", 0))
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(tcp.getsockname())
            break
        except OSError:
            tcp.close()
            udp.close()
    tcp.listen(8)
    for sock in (tcp, udp):
        sock.setblocking(False)
    yield tcp, udp
    tcp.close()
    udp.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def arrange(run: Run, source: str) -> None:
    """Lay the submission out as the entry's layout lines say (in its docstring):
    ``# link: PATH -> TARGET`` makes PATH a symbolic link, ``# hardlink: PATH -> TARGET``
    a hard link (as root, or where protected_hardlinks is 0, anyone may make one to a
    file they do not own), ``# owner: USER`` gives the
    submission to USER, ``# mode: PATH MODE`` leaves PATH root's, with MODE, and
    ``# keyring: NAME`` puts a key NAME holding the run's secret in the session keyring
    the grader (this process) runs in."""
    for line in source.splitlines():
        key, _, value = line.removeprefix("# ").partition(": ")
        if key in ("link", "hardlink"):
            path, _, target = value.partition(" -> ")
            link = run.submission / path
            if link.is_dir():
                shutil.rmtree(link)
            link.unlink(missing_ok=True)
            link.parent.mkdir(parents=True, exist_ok=True)
            if key == "link":
                link.symlink_to(target)
            else:
                link.hardlink_to(target)
        elif key == "owner":
            user = pwd.getpwnam(value)
            for path in [run.submission, *run.submission.rglob("*")]:
                os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
        elif key == "keyring":  # the grader's session keyring holds an instructor's key
            libc = ctypes.CDLL(None, use_errno=True)
            assert libc.syscall(250, 1, f"fg-{run.marker}".encode()) > 0  # KEYCTL_JOIN_SESSION_KEYRING
            secret = f"SECRET-{run.marker}".encode()
            assert libc.syscall(248, b"user", value.encode(), secret, len(secret), ctypes.c_long(-3)) > 0
        elif key == "mode":
            path, _, mode = value.partition(" ")
            os.chown(run.submission / path, 0, 0)
            os.chmod(run.submission / path, int(mode, 8))


def exercise_of(app_py: bytes) -> str:
    """The exercise an entry is graded as: 02, or the one its ``# exercise: SLUG`` line
    names (whose reference solution's other files, such as templates/, it is handed in with)."""
    found = re.search(rb"^# exercise: (\S+)$", app_py, re.MULTILINE)
    return found[1].decode() if found else EXERCISE


def grade_hostile(course, run: Run, listener, app_py: bytes, grade_with=grade) -> ExerciseResult:
    """Grade ``app_py`` as exercise 02 (or its ``# exercise:``), check nothing was left
    behind, return its result.
    ``grade_with`` grades (``tests/test_sandbox_modes.py`` runs the grader in other modes)."""
    tcp, udp = listener
    write_submission(run.submission, {"01_app_instance/app.py": solution("01_app_instance")})
    exercise = exercise_of(app_py)
    if exercise != EXERCISE:
        shutil.copytree(ROOT / "solutions" / exercise, run.submission / exercise)
    app = run.submission / exercise / "app.py"
    app.parent.mkdir(parents=True, exist_ok=True)
    app.write_bytes(run.fill(app_py, tcp.getsockname()[1]))
    arrange(run, app.read_text(encoding="utf-8", errors="replace"))
    before = snapshot(run.submission)

    result = grade_with(course, run.submission, ["01", exercise[:2]])

    assert live_tasks_named(run.marker) == [], "a process of the submission outlived the grading"
    with pytest.raises(BlockingIOError):
        tcp.accept()
    with pytest.raises(BlockingIOError):
        udp.recvfrom(100)
    assert list(run.judge_tmp.iterdir()) == [], "grading left files behind"
    assert snapshot(run.submission) == before, "the submission was changed"
    assert run.outside.read_text() == "original"
    assert sorted(p.name for p in run.tmp.iterdir()) == ["hidden-checks", "judge-tmp", "outside.txt", "submission"]
    for leftover in ("/tmp", "/var/tmp", "/dev/shm", str(ROOT / "exercises")):
        assert not glob.glob(f"{leftover}/{run.marker}*")
    text = result.to_json()
    assert "LEAKED" not in text and f"SECRET-{run.marker}" not in text
    honest, hostile = result.exercises
    assert honest.passed, "the other exercise must still be graded"
    return hostile


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_hostile_submission_gets_its_verdict_and_leaves_nothing_behind(name, course, run, listener):
    check_verdict(grade_hostile(course, run, listener, (CORPUS / f"{name}.py").read_bytes()), ENTRIES[name])


def check_verdict(exercise: ExerciseResult, verdict: Verdict) -> None:
    assert exercise.status == verdict.status, (exercise.message, exercise.checks)
    if verdict.status == "error":
        assert exercise.score == 0
        assert {check.status for check in exercise.checks} == {"error"}
        messages = exercise.message
    elif verdict.everything:
        assert exercise.score == 0
        assert set(statuses(exercise).values()) == {verdict.everything}
        messages = ""
    else:
        expected = {check.name: verdict.checks.get(check.name, "passed") for check in exercise.checks}
        assert statuses(exercise) == expected, [c.message for c in exercise.checks if c.status != "passed"]
        lost = sum(check.max_points for check in exercise.checks if check.name in verdict.checks)
        assert exercise.score == exercise.max_score - lost
        messages = "\n".join(c.message + json.dumps(c.details) for c in exercise.checks if c.name in verdict.checks)
    for word in verdict.words:
        assert word.lower() in messages.lower(), (word, messages)


def test_a_10_mb_source_file_is_graded_like_the_same_app_without_the_bulk(course, run, listener):
    bulk = b"".join(b"# padding line %08d: a learner pasted a lot of text here\n" % i for i in range(180_000))
    assert len(bulk) > 10 * 1024 * 1024
    exercise = grade_hostile(course, run, listener, bulk + solution(EXERCISE).encode())
    assert exercise.passed, [check.message for check in exercise.checks if not check.passed]


def test_an_app_py_linking_to_the_solution_is_not_read(course, run):
    run.submission.joinpath(EXERCISE).mkdir(parents=True)
    link = run.submission / EXERCISE / "app.py"
    link.symlink_to(ROOT / "solutions" / EXERCISE / "app.py")
    write_submission(run.submission, {"01_app_instance/app.py": solution("01_app_instance")})

    result = grade(course, run.submission, ["01", "02"])

    honest, linked = result.exercises
    assert honest.passed
    assert linked.status == "error" and linked.score == 0
    assert "is a link to" in linked.message and "hand in the file itself" in linked.message


def test_a_learner_whose_exercises_link_to_another_learners_gets_no_grade_of_theirs(course, tmp_path):
    classroom = tmp_path / "class"
    write_submission(classroom / "bob" / "exercises", {f"{EXERCISE}/app.py": solution(EXERCISE)})
    (classroom / "alice").mkdir()
    (classroom / "alice" / "exercises").symlink_to("../bob/exercises")
    submissions, _ = discover(classroom)
    alice, bob = submissions

    graded = {s.learner: grade_submission(course, s, [EXERCISE], timeout=120) for s in (alice, bob)}

    (linked,) = graded["alice"].exercises
    assert linked.status == "error" and linked.score == 0
    assert "exercises is a symbolic link" in linked.message, linked.message
    assert graded["bob"].exercises[0].passed


def test_what_learner_code_sends_is_shown_inert_on_a_terminal_in_the_grader_s_colours(course, run, listener):
    exercise = grade_hostile(course, run, listener, (CORPUS / "terminal_escapes.py").read_bytes())
    shown = report.render_exercise(exercise, Style(color=True, symbols=True))
    assert "\\x1b[2J" in shown and "Total: 8/8" in shown  # the learner's text is there, spelled out
    grader_colours = re.sub("\x1b\\[[0-9;]*m", "", shown)  # SGR sequences: the grader's own styles
    assert grader_colours != shown
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", grader_colours), grader_colours


def test_two_live_workers_cannot_meet_through_an_abstract_socket(run):
    """Two apps alive at once (as a check with ``app`` and ``spawn_app`` has): the second
    cannot reach the first's abstract socket, each worker having a network of its own."""
    app_py = run.submission / "app.py"
    app_py.parent.mkdir(parents=True)
    app_py.write_bytes(run.fill((CORPUS / "abstract_socket.py").read_bytes(), 0))
    with Sandbox() as sandbox:
        first = LearnerApp.load(sandbox, WorkerSpec(((app_py, "app.py"),)))
        second = LearnerApp.load(sandbox, WorkerSpec(((app_py, "app.py"),)))  # LoadFailed on a LEAKED
        assert first.test_client().get("/").status_code == second.test_client().get("/").status_code == 200
    assert live_tasks_named(run.marker) == []
