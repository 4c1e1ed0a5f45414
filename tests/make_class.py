"""A generated class of 30 submissions for the batch tests, with what each should get.

Learners are built from the reference solutions, the typical mistakes of the exercise
tests, broken and hostile modules, and unsafe zips; some are folders, some zips (bare,
wrapped in a folder, a whole repository). Expected scores are derived from the
course's metadata and the checks each learner is known to fail, never copied from a run.
"""

from __future__ import annotations

import io
import stat
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course
from tests.exercises import test_01_app_instance as ex01
from tests.exercises import test_02_first_route as ex02
from tests.helpers import solution, write_submission

EXERCISES = ["01_app_instance", "02_first_route"]
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
    module = ex01 if exercise == EXERCISES[0] else ex02
    source, checks = module.MISTAKES[name]
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
        "01_app_instance": textwrap.dedent(ex01.ALTERNATIVES["import flask"]),
        "02_first_route": textwrap.dedent(ex02.ALTERNATIVES["add_url_rule"]),
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
