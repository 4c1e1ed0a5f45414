"""docs/authoring.md, done for real: init a course, scaffold an exercise, write the page's
files into it, validate, grade a class of two, export; and validate's three refusals
(a spoiled solution, a flaky check, a check that tests nothing), each with its reason.

The exercise's files are read from the page itself, so the page cannot drift from this test.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.sandbox.policy import missing_guarantees
from grader.sandbox.process import probe_layers
from tests.helpers import ROOT

DOC = ROOT / "docs" / "authoring.md"
SPOILED = 'return f"Hello, {name}!"'


def doc_files() -> dict[str, str]:
    """The files the page shows: a ``**`path`**`` line, then a fenced block (``` or ~~~~)."""
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(
        r"^\*\*`(?P<path>[^`]+)`\*\*\n\n(?P<fence>```|~~~~)[a-z]*\n(?P<body>.*?)\n(?P=fence)$", re.M | re.S
    )
    return {match["path"]: match["body"] + "\n" for match in pattern.finditer(text)}


def doc_commands() -> list[str]:
    """The ``flask-grader`` lines of the page's bash blocks, in order."""
    blocks = re.findall(r"^```bash\n(.*?)\n```$", DOC.read_text(encoding="utf-8"), re.M | re.S)
    return [
        line.split("  #")[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("flask-grader")
    ]


def flask_grader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "FLASK_GRADER_COURSE"}
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def weak_sandbox_flag() -> list[str]:
    """Batch refuses where essential sandbox layers are missing, as the page says."""
    return ["--allow-weak-sandbox"] if missing_guarantees(probe_layers()) else []


def test_the_page_names_the_commands_this_test_runs():
    assert doc_commands() == [
        "flask-grader init hello-course",
        'flask-grader new 01_hello --title "Hello, you" --concept "dynamic routes and escaping"',
        "flask-grader validate 01",
        "flask-grader batch class --out grades",
        "flask-grader export gradescope --out autograder.zip",
    ]
    assert set(doc_files()) == {
        "exercises/01_hello/README.md",
        "exercises/01_hello/checks.py",
        "exercises/01_hello/exercise.yaml",
        "solutions/01_hello/app.py",
    }


def test_init_new_write_validate_batch_and_export_as_the_page_says(tmp_path):
    made = flask_grader("init", "hello-course", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    course = tmp_path / "hello-course"
    assert {path.name for path in course.iterdir()} == {
        "README.md",
        "requirements.txt",
        ".gitignore",
        "exercises",
        "solutions",
    }, "a course holds no copy of the grader"
    assert (course / "requirements.txt").read_text() == "flask-grader==0.1.0\n"

    new = flask_grader(
        "new", "01_hello", "--title", "Hello, you", "--concept", "dynamic routes and escaping", cwd=course
    )
    assert new.returncode == 0, new.stderr
    for name in ("README.md", "app.py", "exercise.yaml", "checks.py"):
        assert (course / "exercises" / "01_hello" / name).is_file()
    assert "TODO(author)" in (course / "exercises" / "01_hello" / "README.md").read_text()
    assert "01  hello" in flask_grader("list", cwd=course).stdout
    for args, reason in (
        (["new", "01_other"], "number 01 is taken"),
        (["new", "02_hello"], "the slug hello is taken"),
        (["new", "2_hello"], "is not an exercise name"),
    ):
        refused = flask_grader(*args, "--title", "T", "--concept", "C", cwd=course)
        assert refused.returncode != 0 and reason in refused.stderr, refused.stderr
    elsewhere = flask_grader("new", "03_x", "--title", "T", "--concept", "C", cwd=tmp_path)
    assert elsewhere.returncode != 0 and "flask-grader init" in elsewhere.stderr

    for relative, text in doc_files().items():
        (course / relative).write_text(text, encoding="utf-8")
    valid = flask_grader("validate", "01", cwd=course)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "=> valid" in valid.stdout and "PROBLEM" not in valid.stdout
    assert re.search(r"audit: (\d+)/\1 mutants killed \(100\.0%\)", valid.stdout), valid.stdout
    assert "solution 4/4, starter 0/4" in valid.stdout

    solution = (course / "solutions" / "01_hello" / "app.py").read_text()
    for learner, source in (
        ("ann", solution),
        ("bob", solution.replace('f"Hello, {escape(name)}!"', 'f"Hello, {name}!"')),
    ):
        folder = course / "class" / learner / "01_hello"
        folder.mkdir(parents=True)
        (folder / "app.py").write_text(source, encoding="utf-8")
    batch = flask_grader("batch", "class", "--out", "grades", *weak_sandbox_flag(), cwd=course)
    assert batch.returncode == 0, batch.stderr
    with open(course / "grades" / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"ann", "bob"}
    assert float(rows["ann"]["total"]) == 4 and float(rows["bob"]["total"]) == 2
    assert (course / "grades" / "report" / "index.html").is_file()

    export = flask_grader("export", "gradescope", "--out", "autograder.zip", cwd=course)
    assert export.returncode == 0, export.stderr
    names = zipfile.ZipFile(course / "autograder.zip").namelist()
    assert "flask-grader/exercises/01_hello/checks.py" in names
    assert "flask-grader/grader/__init__.py" in names and "setup.sh" in names


def exercise_from_the_page(course: Path, name: str) -> tuple[Path, Path]:
    """The page's exercise under another number and slug; its folder and its solution's."""
    order = int(name[:2])
    for relative, text in doc_files().items():
        text = text.replace("order: 1\n", f"order: {order}\n")
        path = course / relative.replace("01_hello", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (course / "exercises" / name / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    return course / "exercises" / name, course / "solutions" / name


def add_check(folder: Path, source: str, name: str) -> None:
    with open(folder / "checks.py", "a", encoding="utf-8") as checks:
        checks.write("\n\n" + source)
    with open(folder / "exercise.yaml", "a", encoding="utf-8") as metadata:
        metadata.write(f'  {name}:\n    points: 1\n    hint: "A hint."\n')


def blocks_of(report: str) -> dict[str, str]:
    return {block.split(" ", 1)[0]: block for block in report.split("\n\n")}


@pytest.fixture
def broken_course(tmp_path) -> Path:
    course = tmp_path / "course"
    assert flask_grader("init", str(course), cwd=tmp_path).returncode == 0
    _, solution = exercise_from_the_page(course, "02_spoiled")
    app = solution / "app.py"
    app.write_text(app.read_text().replace('return f"Hello, {escape(name)}!"', SPOILED))
    flaky, _ = exercise_from_the_page(course, "03_flaky")
    checks = flaky / "checks.py"
    checks.write_text(
        checks.read_text()
        .replace("from grader import expect", "from grader import expect, fail\n\nSEEN = []")
        .replace(
            '    """GET / answers 200 with exactly Hello."""\n',
            '    """GET / answers 200 with exactly Hello."""\n    SEEN.append("index")\n',
        )
    )
    add_check(
        flaky,
        "def test_after_index(client):\n"
        '    """GET / still answers Hello once index has run."""\n'
        '    if "index" not in SEEN:\n'
        '        fail("index did not run first.")\n'
        '    expect(client.get("/")).status(200).body("Hello")\n',
        "after_index",
    )
    idle, _ = exercise_from_the_page(course, "04_idle")
    add_check(
        idle,
        'def test_unknown(client):\n    """GET /nowhere answers 404."""\n    expect(client.get("/nowhere")).status(404)\n',
        "unknown",
    )
    return course


def test_validate_refuses_a_spoiled_solution_a_flaky_check_and_a_check_that_tests_nothing(broken_course):
    run = flask_grader("validate", "02", "03", "04", cwd=broken_course)
    assert run.returncode == 1, run.stdout + run.stderr
    blocks = blocks_of(run.stdout)

    spoiled = blocks["02_spoiled"]
    assert "PROBLEM  the solution scores 2/4: a correct app must pass every check" in spoiled
    assert "greet: GET /greet/" in spoiled and "without HTML-escaping it" in spoiled

    flaky = blocks["03_flaky"]
    assert "PROBLEM  flaky: the check after_index gave different results" in flaky
    assert "first:  passed" in flaky and "second: failed: index did not run first." in flaky
    assert flaky.count("PROBLEM") == 1, flaky

    idle = blocks["04_idle"]
    assert re.search(r"PROBLEM  the check unknown tests nothing: it passes on the starter and on all \d+ mutants", idle)
    assert "the starter scores 1, not 0" in idle and "(passing: unknown)" in idle
    assert "Not valid: 02_spoiled, 03_flaky, 04_idle." in run.stdout


def test_validate_names_what_the_scaffold_left_to_write(tmp_path):
    """Right after `new`, the exercise grades (solution full, starter zero) but is not finished."""
    course = tmp_path / "course"
    assert flask_grader("init", str(course), cwd=tmp_path).returncode == 0
    assert flask_grader("new", "01_hello", "--title", "T", "--concept", "C", cwd=course).returncode == 0
    run = flask_grader("validate", cwd=course)
    assert run.returncode == 1
    assert "PROBLEM  metadata: README.md still has TODO(author) marks" in run.stdout
    assert "PROBLEM  metadata: exercise.yaml still has TODO(author) marks" in run.stdout
    assert "solution 3/3, starter 0/3" in run.stdout
