"""A generated class of 30 submissions for the batch tests, with what each should get.

Learners are built from the reference solutions, the typical mistakes of the exercise
tests, broken and hostile modules, and unsafe zips; some are folders, some zips (bare,
wrapped in a folder, a whole repository). Expected scores are derived from the
course's metadata and the checks each learner is known to fail, never copied from a run.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course
from tests.exercises import cases
from tests.helpers import ROOT, solution, write_submission

EXERCISES = ["01_app_instance", "02_first_route"]
EX01, EX02 = (cases.load(exercise) for exercise in EXERCISES)
SECRET = "HIDDEN-SECRET"  # in the hidden checks' code, messages and hints: learners never see it

HIDDEN_CHECKS = f'''
"""Hidden checks for 02 ({SECRET} in the code)."""

from grader import expect, fail


def test_about_is_stable(client):
    """GET /about answers the same twice ({SECRET})."""
    for _ in range(2):
        expect(client.get("/about")).status(200).body("<p>About this app</p>")


def test_index_is_a_paragraph(client):
    """GET / is one paragraph ({SECRET})."""
    body = client.get("/").text
    if not body.startswith("<p>"):
        fail("{SECRET}: the index page is not a paragraph.", expected="<p>...</p>", actual=body)
'''
HIDDEN_YAML = f"""
checks:
  about_is_stable: {{points: 2, hint: "{SECRET} hint"}}
  index_is_a_paragraph: 1
"""
HIDDEN_NAMES = ("about_is_stable", "index_is_a_paragraph")

# Prints what a grader might mistake for results and leaves result files where it can.
FAKE_RESULTS = """
import os, sys
from pathlib import Path
from flask import Flask

app = Flask(__name__)
print('{"score": 100, "max_score": 100, "status": "passed"}')
print("8 passed in 0.01s")
sys.stderr.write("All checks passed!\\n")
for folder in (Path.cwd(), Path.cwd().parent, Path.cwd().parent.parent, Path.home()):
    try:
        (folder / "result.json").write_text('{"score": 100}')
    except OSError:
        pass
"""


@dataclass
class Learner:
    name: str
    layout: str  # folder, zip, wrapped-zip, repo, raw (entries written as they are)
    files: dict[str, str | bytes] = field(default_factory=dict)
    failing: dict[str, set[str]] = field(default_factory=dict)  # exercise -> checks it fails
    errors: dict[str, str] = field(default_factory=dict)  # exercise -> words of its error message
    problem: str = ""  # words of the reason nothing was graded
    entries: list[tuple[zipfile.ZipInfo, bytes]] = field(default_factory=list)  # raw zips only

    @property
    def status(self) -> str:
        if self.problem or len(self.errors) == len(EXERCISES):
            return "error"
        return "incomplete" if self.errors else "graded"

    def expected_scores(self, course: Course) -> dict[str, float]:
        by_id = {exercise.id: exercise for exercise in course.exercises()}
        scores = {}
        for exercise_id in EXERCISES:
            exercise = by_id[exercise_id]
            failed = self.failing.get(exercise_id, set())
            errored = self.problem or exercise_id in self.errors
            scores[exercise_id] = (
                0.0
                if errored
                else exercise.max_score - sum(check.points for check in exercise.checks if check.name in failed)
            )
        return scores


def correct(**replacements: str) -> dict[str, str]:
    files = {f"{exercise}/app.py": solution(exercise) for exercise in EXERCISES}
    files.update({f"{exercise}/app.py": source for exercise, source in replacements.items()})
    return files


def mistake(exercise: str, name: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    source, checks = cases.load(exercise).mistakes[name]
    failing = set(checks)
    if exercise == EXERCISES[1]:  # the hidden checks see the same mistakes
        failing |= {"about_is_stable"} if "about" in checks else set()
        failing |= {"index_is_a_paragraph"} if name == "no <p> around the text" else set()
    return correct(**{exercise: source}), {exercise: failing}


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def plain_entry(name: str, content: bytes | str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, content.encode() if isinstance(content, str) else content


def learners() -> list[Learner]:
    app02 = solution(EXERCISES[1])
    alternative = {
        "01_app_instance": textwrap.dedent(EX01.alternatives["import flask"]),
        "02_first_route": textwrap.dedent(EX02.alternatives["add_url_rule"]),
    }
    class_ = [
        Learner("correct-folder", "folder", correct()),
        Learner("correct-alternatives", "folder", correct(**alternative)),
        Learner("correct-zip", "zip", correct()),
        Learner("correct-wrapped-zip", "wrapped-zip", correct()),
        Learner("correct-repository", "repo", correct()),
        Learner("zoë o'brien, jr", "folder", correct()),
        Learner("dup", "folder", correct(), problem="two submissions for dup"),  # dup.zip as well
    ]
    for exercise, name, layout in [
        ("01_app_instance", "hard-coded import name", "folder"),
        ("01_app_instance", "run at import", "zip"),
        ("01_app_instance", "static route turned off", "folder"),
        ("02_first_route", "no <p> around the text", "folder"),
        ("02_first_route", "view named home", "zip"),
        ("02_first_route", "POST allowed too", "wrapped-zip"),
        ("02_first_route", "catch-all route", "folder"),
        ("02_first_route", "about missing", "folder"),
    ]:
        files, failing = mistake(exercise, name)
        class_.append(Learner("partial-" + name.replace(" ", "-").replace("<p>", "p"), layout, files, failing))
    class_ += [
        Learner(
            "broken-syntax",
            "folder",
            correct(**{"02_first_route": "def index(:\n"}),
            errors={"02_first_route": "syntax error"},
        ),
        Learner(
            "broken-missing-01",
            "folder",
            {"02_first_route/app.py": app02},
            errors={"01_app_instance": "There is no folder 01_app_instance"},
        ),
        Learner(
            "broken-empty",
            "folder",
            {"notes.txt": "I ran out of time."},
            errors={e: "There is no folder" for e in EXERCISES},
        ),
        Learner(
            "broken-misnamed-app",
            "zip",
            correct(**{"01_app_instance": "from flask import Flask\napplication = Flask(__name__)\n"}),
            errors={"01_app_instance": "named `application`"},
        ),
        Learner(
            "broken-import",
            "wrapped-zip",
            correct(**{"02_first_route": "import flask_nonexistent_module\n"}),
            errors={"02_first_route": "ModuleNotFoundError"},
        ),
        Learner(
            "hostile-import-loop",
            "folder",
            correct(**{"01_app_instance": "import time\nwhile True:\n    time.sleep(0.05)\n"}),
            errors={"01_app_instance": "Timed out"},
        ),
        Learner(
            "hostile-exit",
            "zip",
            correct(**{"02_first_route": "import os\nos._exit(0)\n"}),
            errors={"02_first_route": "ended unexpectedly"},
        ),
        Learner(
            "hostile-fake-results",
            "folder",
            correct(**{"02_first_route": FAKE_RESULTS}),
            failing={
                "02_first_route": {
                    "index",
                    "about",
                    "endpoints",
                    "unknown_paths_404",
                    "post_not_allowed",
                    "head_and_options",
                    "about_is_stable",
                    "index_is_a_paragraph",
                }
            },
        ),
        Learner("hostile-folder-link", "folder", correct(), problem="is a symbolic link"),  # link added by write_class
        Learner(
            "unsafe-traversal",
            "raw",
            problem="points outside the folder",
            entries=[
                plain_entry("01_app_instance/app.py", solution("01_app_instance")),
                plain_entry("../../escaped.py", "print('out')"),
            ],
        ),
        Learner(
            "unsafe-absolute",
            "raw",
            problem="absolute path",
            entries=[plain_entry("/tmp/flask-grader-absolute.py", "x = 1")],
        ),
        Learner(
            "unsafe-symlink",
            "raw",
            problem="is a symbolic link",
            entries=[symlink_entry("01_app_instance/app.py", "/etc/passwd")],
        ),
        Learner(
            "unsafe-bomb",
            "raw",
            problem="more than 20 MiB",
            entries=[
                plain_entry("01_app_instance/app.py", solution("01_app_instance")),
                plain_entry("01_app_instance/data.bin", bytes(25 * 1024 * 1024)),
            ],
        ),
        Learner(
            "unsafe-many-files",
            "raw",
            problem="more than the 1000 allowed",
            entries=[plain_entry(f"02_first_route/static/{n}.txt", "") for n in range(1001)],
        ),
        Learner("unsafe-not-a-zip", "raw", problem="not a readable zip file"),
    ]
    assert len(class_) == 30, len(class_)
    return class_


def write_class(folder: Path) -> list[Learner]:
    """Write the class into ``folder`` (a folder or zip per learner) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    class_ = learners()
    for learner in class_:
        if learner.layout == "folder":
            write_submission(folder / learner.name, learner.files)
        elif learner.layout == "repo":
            write_submission(
                folder / learner.name,
                {
                    "README.md": "# my flask work",
                    "grader/x.py": "",
                    **{f"exercises/{k}": v for k, v in learner.files.items()},
                },
            )
        elif learner.layout == "raw":
            with open(folder / f"{learner.name}.zip", "wb") as stream:
                if learner.entries:
                    stream.write(_zip(learner.entries))
                else:
                    stream.write(b"PK\x03\x04 this is not really a zip")
        else:
            prefix = f"{learner.name}/" if learner.layout == "wrapped-zip" else ""
            entries = [plain_entry(prefix + name, content) for name, content in learner.files.items()]
            entries += [plain_entry("__MACOSX/._app.py", b"\x00junk"), plain_entry(prefix + ".DS_Store", b"\x00")]
            (folder / f"{learner.name}.zip").write_bytes(_zip(entries))
    (folder / "dup.zip").write_bytes(_zip([plain_entry(n, c) for n, c in correct().items()]))
    link = folder / "hostile-folder-link" / "02_first_route" / "templates"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(folder.parent / "hidden")  # a learner's link to the instructor's files
    (folder / "roster.csv").write_text("not a submission\n")
    return class_


def write_hidden_checks(folder: Path) -> Path:
    target = folder / "02_first_route"
    target.mkdir(parents=True, exist_ok=True)
    (target / "checks.py").write_text(HIDDEN_CHECKS, encoding="utf-8")
    (target / "exercise.yaml").write_text(HIDDEN_YAML, encoding="utf-8")
    return folder


def _zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


# --- Classes as an LMS hands them over: a Canvas download zip, a Moodle download folder,
# GitHub Classroom repositories. Ten learners each, graded on exercise 01 only (about a
# second each), with the odd cases of each source and a roster with one absent learner.

LMS_EXERCISE = "01_app_instance"
APP01 = solution(LMS_EXERCISE)
HARD_CODED, _ = EX01.mistakes["hard-coded import name"]  # fails import_name (2 of 4 points)
STATIC_OFF, _ = EX01.mistakes["static route turned off"]  # fails static_route (1 of 4 points)
OLD, NEW = 1_000_000_000, 1_700_000_000  # file times: which of two submissions is the latest


@dataclass
class Expected:
    """A learner of an LMS class and the gradebook row they should get."""

    learner: str
    total: float
    status: str = "graded"
    problem: str = ""  # words of the problem column
    note: str = ""  # words of the note column
    roster: dict[str, str] | None = field(default_factory=dict)  # None: not on the roster
    passes_static_route: bool = True  # for the regrade of that check


def canvas_name(sortable: str) -> str:
    """The name part of a Canvas download file: word characters only, lower case."""
    return re.sub(r"[^\w]", "", sortable).lower()


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    return _zip([plain_entry(name, content) for name, content in files.items()])


def write_canvas_download(folder: Path) -> tuple[Path, Path, list[Expected]]:
    """A Canvas "Download Submissions" zip of ten learners, the roster, what each gets."""
    folder.mkdir(parents=True, exist_ok=True)
    entries: dict[str, str | bytes] = {}
    expected: list[Expected] = []

    def add(sortable: str, user: int, files: dict[str, str | bytes], late: bool = False) -> str:
        name = canvas_name(sortable)
        for file_id, (file_name, content) in enumerate(files.items(), user * 10):
            entries[f"{name}_{'late_' if late else ''}{user}_{file_id}_{file_name}"] = content
        return f"{name}_{user}"

    def roster(sortable: str, user: int, section: str = "A") -> dict[str, str]:
        return {"id": str(user), "name": sortable, "email": f"{user}@example.edu", "section": section}

    key = add("Doe, Jane", 101, {"app.py": APP01})
    expected.append(Expected(key, 4, roster=roster("Doe, Jane", 101)))
    key = add("Late, Larry", 102, {"app.py": APP01}, late=True)
    expected.append(Expected(key, 4, note="late", roster=roster("Late, Larry", 102)))
    # A resubmission: Canvas renames the second app.py app-1.py, with a later file id.
    name = canvas_name("Again, Sam")
    entries[f"{name}_103_5000_app.py"] = HARD_CODED
    entries[f"{name}_103_9000_app-1.py"] = APP01
    expected.append(Expected(f"{name}_103", 4, note="graded the latest (app-1.py)", roster=roster("Again, Sam", 103)))
    key = add("Brontë, Zoë Anne", 104, {"my work.zip": zip_bytes({"work/01_app_instance/app.py": APP01})})
    expected.append(Expected(key, 4, roster=roster("Brontë, Zoë Anne", 104, "B")))
    key = add("Smith, Pat", 105, {"app.py": HARD_CODED})
    expected.append(Expected(key, 2, roster=roster("Smith, Pat", 105)))
    key = add("Two, Files", 106, {"01_app_instance.py": APP01, "app_instance.py": HARD_CODED})
    expected.append(
        Expected(key, 0, "error", problem="Two files are for 01_app_instance", roster=roster("Two, Files", 106))
    )
    entries[f"{canvas_name('Empty, Text')}_107_text.html"] = "<p>I could not upload my file</p>"
    expected.append(
        Expected(
            f"{canvas_name('Empty, Text')}_107",
            0,
            "error",
            problem="empty",
            note="text entry",
            roster=roster("Empty, Text", 107),
            passes_static_route=False,
        )
    )
    evil = _zip([plain_entry("01_app_instance/app.py", APP01), plain_entry("../../escaped.py", "x = 1")])
    key = add("Unsafe, Ursula", 108, {"evil.zip": evil})
    expected.append(
        Expected(
            key,
            0,
            "error",
            problem="points outside the folder",
            roster=roster("Unsafe, Ursula", 108),
            passes_static_route=False,
        )
    )
    key = add("O'Hara, Seán", 109, {"01.py": STATIC_OFF})
    expected.append(Expected(key, 3, roster=roster("O'Hara, Seán", 109, "B"), passes_static_route=False))
    key = add("Stranger, Sue", 110, {"app.py": APP01})
    expected.append(Expected(key, 4, note="not on the roster", roster=None))
    for e in expected:  # the two-files and empty learners do not pass static_route either
        if e.status == "error":
            e.passes_static_route = False
    download = folder / "submissions.zip"
    download.write_bytes(zip_bytes(entries))
    absent = {"id": "111", "name": "Absent, Alex", "email": "111@example.edu", "section": "A"}
    expected.append(Expected("111", 0, "missing", problem="No submission", roster=absent, passes_static_route=False))
    return download, write_roster(folder / "roster.csv", expected), expected


def write_moodle_download(folder: Path) -> tuple[Path, Path, list[Expected]]:
    """A Moodle "Download all submissions", unzipped: ten learners, the roster, what each gets."""
    download = folder / "moodle"
    download.mkdir(parents=True, exist_ok=True)
    expected: list[Expected] = []
    number = iter(range(1, 100))

    def roster(name: str) -> dict[str, str]:
        n = next(number)
        return {"id": f"S{n:04}", "name": name, "email": f"s{n}@example.edu", "section": "Mon"}

    def write(path: str, content: str | bytes, when: int = NEW) -> None:
        write_submission(download, {path: content})
        os.utime(download / path, (when, when))

    prefix = "_assignsubmission_file_"
    write(f"Jane Doe_201{prefix}/app.py", APP01)
    expected.append(Expected("Jane Doe_201", 4, roster=roster("Jane Doe")))
    write(f"Zoë O'Brien, Jr_202{prefix}/submission.zip", zip_bytes({"flask/01_app_instance/app.py": APP01}))
    expected.append(Expected("Zoë O'Brien, Jr_202", 4, roster=roster("Zoë O'Brien, Jr")))
    write(f"Ana María López_203{prefix}01_app_instance.py", HARD_CODED)
    expected.append(Expected("Ana María López_203", 2, roster=roster("Ana María López")))
    write(f"Twice Tom_204{prefix}/app.py", HARD_CODED, OLD)
    write(f"Twice Tom_204{prefix}app.py", APP01, NEW)
    expected.append(Expected("Twice Tom_204", 4, note="2 submissions", roster=roster("Twice Tom")))
    (download / f"Empty Emma_205{prefix}").mkdir()
    expected.append(Expected("Empty Emma_205", 0, "error", problem="empty", roster=roster("Empty Emma")))
    write(f"Two Files_206{prefix}/01.py", APP01)
    write(f"Two Files_206{prefix}/app_instance.py", HARD_CODED)
    expected.append(Expected("Two Files_206", 0, "error", problem="Two files are for", roster=roster("Two Files")))
    write("Text Only_207_assignsubmission_onlinetext_/onlinetext.html", "<p>see attached</p>")
    expected.append(
        Expected("Text Only_207", 0, "error", problem="empty", note="onlinetext", roster=roster("Text Only"))
    )
    write(f"Syntax Sid_208{prefix}/app.py", "def index(:\n")
    expected.append(Expected("Syntax Sid_208", 0, "error", problem="syntax error", roster=roster("Syntax Sid")))
    write(f"Static Stan_209{prefix}/app.py", STATIC_OFF)
    expected.append(Expected("Static Stan_209", 3, roster=roster("Static Stan"), passes_static_route=False))
    write(f"Stranger Sam_210{prefix}/app.py", APP01)
    expected.append(Expected("Stranger Sam_210", 4, note="not on the roster", roster=None))
    for e in expected:
        if e.status == "error":
            e.passes_static_route = False
    absent = roster("Absent Alex")
    expected.append(
        Expected(absent["id"], 0, "missing", problem="No submission", roster=absent, passes_static_route=False)
    )
    return download, write_roster(folder / "roster.csv", expected), expected


def write_classroom(folder: Path) -> tuple[Path, Path, list[Expected]]:
    """``gh classroom clone`` output: ten learners' repositories, the roster, what each gets."""
    repos = folder / "hw1-submissions"
    expected: list[Expected] = []
    starter = (ROOT / "exercises" / LMS_EXERCISE / "app.py").read_text(encoding="utf-8")

    def repository(name: str, app: str | None, when: int = NEW) -> None:
        (repos / name / ".git").mkdir(parents=True)
        (repos / name / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
        if app is not None:
            write_submission(repos / name, {"README.md": "# Flask", f"exercises/{LMS_EXERCISE}/app.py": app})
            for path in (repos / name).rglob("*"):
                if ".git" not in path.parts:
                    os.utime(path, (when, when))

    def roster(login: str, name: str, section: str = "1") -> dict[str, str]:
        return {"id": login, "name": name, "email": f"{login}@example.edu", "section": section}

    repository("hw1-alice", APP01)
    expected.append(Expected("alice", 4, roster=roster("alice", "Alice Liddell")))
    repository("hw1-bob", HARD_CODED)
    expected.append(Expected("bob", 2, roster=roster("bob", "Bob Bobson")))
    repository("hw1-carol-smith", APP01)
    expected.append(Expected("carol-smith", 4, roster=roster("carol-smith", "Carol Smith")))
    repository("hw1-dave", None)
    expected.append(Expected("dave", 0, "error", problem="empty", roster=roster("dave", "Dave Null")))
    repository("hw1-erin", starter)
    expected.append(Expected("erin", 0, "error", problem="STARTER", roster=roster("erin", "Erin Starter")))
    repository("hw1-frank", HARD_CODED, OLD)
    repository("hw1-Frank", APP01, NEW)
    expected.append(Expected("frank", 4, note="2 submissions", roster=roster("frank", "Frank Twice")))
    repository("hw1-grace", "def index(:\n")
    expected.append(Expected("grace", 0, "error", problem="syntax error", roster=roster("grace", "Grace Hopper")))
    repository("hw1-heidi", STATIC_OFF)
    expected.append(Expected("heidi", 3, roster=roster("heidi", "Heidi Klum", "2"), passes_static_route=False))
    repository("hw1-ivan", APP01)
    expected.append(Expected("ivan", 4, note="not on the roster", roster=None))
    repository("hw1-judy", APP01)
    expected.append(Expected("judy", 4, roster=roster("judy", "Judy Ñúñez, PhD", "2")))
    for e in expected:
        if e.status == "error":
            e.passes_static_route = False
    absent = roster("mallory", "Mallory Absent")
    expected.append(
        Expected("mallory", 0, "missing", problem="No submission", roster=absent, passes_static_route=False)
    )
    return repos, write_roster(folder / "roster.csv", expected), expected


def write_roster(path: Path, expected: list[Expected]) -> Path:
    """The roster CSV (a spreadsheet's export: a BOM, names with commas quoted)."""
    rows = [e.roster for e in expected if e.roster is not None]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["id", "name", "email", "section"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path
