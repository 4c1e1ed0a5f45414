"""A class as Canvas, Moodle and GitHub Classroom hand it over, graded and sent back.

Each source is a class of ten with its odd cases (see tests/make_class.py) and a roster
with one learner who handed in nothing; each is graded once, with the real command, on
exercise 01 only. The Canvas and Moodle files are read back with the csv module against
the exact headers those imports require.
"""

from __future__ import annotations

import csv
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from grader.classroom import canvas, github_classroom, moodle, regrade, roster
from grader.classroom.batch import BatchError, plan
from grader.classroom.imports import detect, exercise_for_file, without_copy_suffix
from tests.helpers import ROOT, lint_workflow, solution
from tests.make_class import (
    HARD_CODED,
    LMS_EXERCISE,
    Expected,
    write_canvas_download,
    write_classroom,
    write_moodle_download,
    zip_bytes,
)

# The sandbox layers are the sandbox tests' concern; these learners are our own.
OPTIONS = ["--exercises", "01", "-j", "2", "--timeout", "120", "--allow-weak-sandbox"]
SOURCES = {
    "canvas": (write_canvas_download, ["--format", "canvas"]),
    "moodle": (write_moodle_download, ["--format", "moodle"]),
    "classroom": (write_classroom, ["--format", "moodle"]),
}
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "flask-grader"]
MOODLE_HEADER = ["Full name", "Email address", "ID number", "flask-grader"]
GRADEBOOK_HEADER = ["learner", "id", "name", LMS_EXERCISE, "total", "max_score", "status", "problem", "note"]


def flask_grader(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


class GradedClass:
    def __init__(self, source: str, folder: Path) -> None:
        writer, self.formats = SOURCES[source]
        self.source = source
        self.folder = folder
        self.download, self.roster, expected = writer(folder)
        self.expected: dict[str, Expected] = {e.learner: e for e in expected}
        self.out = folder / "out"
        self.run = flask_grader(
            "batch", self.download, "--out", self.out, "--roster", self.roster, *self.formats, *OPTIONS
        )
        assert self.run.returncode == 0, self.run.stderr

    def gradebook(self) -> list[dict[str, str]]:
        with open(self.out / "gradebook.csv", newline="", encoding="utf-8") as stream:
            return list(csv.DictReader(stream))


@pytest.fixture(scope="module", params=list(SOURCES))
def graded(request, tmp_path_factory) -> GradedClass:
    return GradedClass(request.param, tmp_path_factory.mktemp(request.param))


@pytest.mark.xdist_group("lms")
def test_every_learner_gets_the_row_their_submission_earns_with_every_odd_case_in_words(graded):
    kind = {"canvas": "a Canvas download", "moodle": "a Moodle download", "classroom": "GitHub Classroom repositories"}
    assert f"as {kind[graded.source]}: 10 learners." in graded.run.stderr
    rows = graded.gradebook()
    assert list(rows[0]) == GRADEBOOK_HEADER
    assert sorted(row["learner"] for row in rows) == sorted(graded.expected)
    for row in rows:
        learner = graded.expected[row["learner"]]
        assert float(row["total"]) == learner.total, row
        assert float(row["max_score"]) == 4
        assert row["status"] == learner.status, row
        problem = learner.problem if learner.problem != "STARTER" else "no variable named `app`"
        assert problem.lower() in row["problem"].lower() if problem else row["problem"] == "", row
        assert learner.note.lower() in row["note"].lower() if learner.note else row["note"] == "", row
        if learner.roster:
            assert row["name"] == learner.roster["name"]  # the roster names the learner


@pytest.mark.xdist_group("lms")
def test_the_lms_export_carries_every_learner_of_the_roster_with_their_points(graded):
    on_roster = {e.learner: e for e in graded.expected.values() if e.roster is not None}
    if graded.source == "canvas":
        rows = read_csv(graded.out / "canvas.csv")
        assert rows[0] == CANVAS_HEADER
        assert rows[1] == ["Points Possible", "", "", "", "", "4"]
        assert {row[1]: float(row[5]) for row in rows[2:]} == {e.roster["id"]: e.total for e in on_roster.values()}
        assert {row[1]: (row[0], row[4]) for row in rows[2:]} == {
            e.roster["id"]: (e.roster["name"], e.roster["section"]) for e in on_roster.values()
        }
    else:
        rows = read_csv(graded.out / "moodle.csv")
        assert rows[0] == MOODLE_HEADER
        assert len(rows) - 1 == len(on_roster)
        assert {row[1]: float(row[3]) for row in rows[1:]} == {e.roster["email"]: e.total for e in on_roster.values()}
        assert {row[1]: (row[0], row[2]) for row in rows[1:]} == {
            e.roster["email"]: (e.roster["name"], e.roster["id"]) for e in on_roster.values()
        }


@pytest.mark.xdist_group("lms")
def test_submissions_of_learners_not_on_the_roster_are_graded_and_listed_apart(graded):
    strangers = [e.learner for e in graded.expected.values() if e.roster is None]
    listed = read_csv(graded.out / "not-in-roster.csv")
    assert listed[0] == ["learner", "id", "name", "note"]
    assert [row[0] for row in listed[1:]] == strangers
    assert "Not on the roster (1, graded" in graded.run.stdout and strangers[0] in graded.run.stdout
    absent = [e.learner for e in graded.expected.values() if e.status == "missing"]
    assert f"No submission from 1 learners of the roster: {absent[0]}." in graded.run.stdout
    # What was graded for each learner is there to open.
    for learner in graded.expected:
        if graded.expected[learner].status != "missing" and graded.source != "classroom":
            assert (graded.out / "submissions" / learner).is_dir(), learner


@pytest.mark.xdist_group("lms")
@pytest.mark.parametrize("graded", ["canvas"], indirect=True)  # its class has every kind of learner
def test_a_regrade_after_one_check_changed_its_points_reports_exactly_the_learners_and_checks_it_affected(
    graded, tmp_path
):
    course = tmp_path / "course"
    for part in ("exercises", "solutions"):
        shutil.copytree(ROOT / part, course / part, ignore=shutil.ignore_patterns("__pycache__"))
    metadata = course / "exercises" / LMS_EXERCISE / "exercise.yaml"
    data = yaml.safe_load(metadata.read_text(encoding="utf-8"))
    data["checks"]["static_route"]["points"] = 3  # was 1
    metadata.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(graded.out, out)
    before = {path.name: path.read_bytes() for path in (out / "results").iterdir()}
    run = flask_grader(
        "--course", course, "batch", graded.download, "--out", out, "--roster", graded.roster, "--regrade",
        *graded.formats, *OPTIONS,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    affected = sorted(e.learner for e in graded.expected.values() if e.passes_static_route)
    changes = list(csv.DictReader(open(out / "regrade.csv", newline="", encoding="utf-8")))
    assert list(changes[0]) == regrade.HEADER
    assert sorted((c["learner"], c["exercise"], c["check"]) for c in changes) == [
        (learner, LMS_EXERCISE, "static_route") for learner in affected
    ]
    for change in changes:
        old = graded.expected[change["learner"]].total
        assert (float(change["old_points"]), float(change["new_points"])) == (old, old + 2)
        assert (change["old"], change["new"]) == ("passed 1/1", "passed 3/3")
        assert change["why"] == "the check is worth 3 points (was 1)"
    assert f"Regrade: {len(affected)} learners' grades changed" in run.stdout
    assert all(f"  {learner}: " in run.stdout for learner in affected)
    # Nothing of the previous run is lost: it is kept beside the new one.
    previous = out / "previous" / "1"
    assert {path.name: path.read_bytes() for path in (previous / "results").iterdir()} == before
    assert (previous / "gradebook.csv").read_bytes() == (graded.out / "gradebook.csv").read_bytes()
    report = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert report.count('<tr class="changed">') == len(affected)
    assert f"The regrade changed the grades of {len(affected)} learners" in report
    exported = read_csv(out / "canvas.csv")
    assert exported[1][5] == "6"  # points possible follows the new points


@pytest.mark.parametrize(
    ("layout", "source"),
    [("canvas-zip", "canvas"), ("canvas-folder", "canvas"), ("moodle-folder", "moodle"), ("moodle-zip", "moodle")]
    + [("classroom", "classroom"), ("folders", "folders")],
)
def test_batch_detects_what_it_was_given(tmp_path, layout, source):
    if layout.startswith("canvas"):
        download, _, _ = write_canvas_download(tmp_path)
        if layout == "canvas-folder":
            zipfile.ZipFile(download).extractall(tmp_path / "unzipped")
            download = tmp_path / "unzipped"
    elif layout.startswith("moodle"):
        download, _, _ = write_moodle_download(tmp_path)
        if layout == "moodle-zip":
            shutil.make_archive(str(tmp_path / "moodle"), "zip", download)
            download = tmp_path / "moodle.zip"
    elif layout == "classroom":
        download, _, _ = write_classroom(tmp_path)
    else:
        download = tmp_path / "class"
        (download / "alice" / LMS_EXERCISE).mkdir(parents=True)
    assert detect(download) == source


def test_from_overrides_detection_and_a_wrong_source_says_so(tmp_path, course):
    download, _, _ = write_moodle_download(tmp_path)
    found = plan(course, download, [LMS_EXERCISE], tmp_path / "out", source="folders")
    assert found.source == "folders" and "Jane Doe_201_assignsubmission_file_" in [s.learner for s in found.submissions]
    with pytest.raises(BatchError, match="holds no canvas submission"):
        plan(course, download, [LMS_EXERCISE], tmp_path / "out", source="canvas")
    zipped = tmp_path / "one.zip"
    zipped.write_bytes(zip_bytes({"notes.txt": "hello"}))
    with pytest.raises(BatchError, match="neither a folder of submissions nor a Canvas or Moodle download"):
        plan(course, zipped, [LMS_EXERCISE], tmp_path / "out")


def test_a_moodle_zip_is_read_as_its_folder(tmp_path, course):
    download, _, _ = write_moodle_download(tmp_path)
    shutil.make_archive(str(tmp_path / "moodle"), "zip", download)
    from_folder = plan(course, download, [LMS_EXERCISE], tmp_path / "a")
    from_zip = plan(course, tmp_path / "moodle.zip", [LMS_EXERCISE], tmp_path / "b")
    assert [(s.learner, s.learner_id, s.name) for s in from_zip.submissions] == [
        (s.learner, s.learner_id, s.name) for s in from_folder.submissions
    ]
    assert [s.problem for s in from_zip.submissions] == [s.problem for s in from_folder.submissions]


@pytest.mark.parametrize(
    ("name", "learner", "user", "late", "file_name"),
    [
        ("doejane_12345_67890_app.py", "doejane", "12345", None, "app.py"),
        ("doejane_late_12345_67890_app-1.py", "doejane", "12345", "late", "app-1.py"),
        ("brontëzoë_7_8_my_work.zip", "brontëzoë", "7", None, "my_work.zip"),
        ("late_12345_67890_app.py", None, "12345", "late", "app.py"),  # anonymous grading
        ("12345_67890_01_app_instance.py", None, "12345", None, "01_app_instance.py"),
    ],
)
def test_canvas_download_names_give_learner_user_id_lateness_and_file(name, learner, user, late, file_name):
    match = canvas.NAME.match(name)
    assert match and (match["name"], match["user"], match["late"], match["filename"]) == (
        learner,
        user,
        late,
        file_name,
    )


def test_uploaded_file_names_map_to_exercises(course):
    exercises = [e for e in course.exercises() if e.id in ("01_app_instance", "02_first_route")]
    assert without_copy_suffix("app-12.py") == "app.py" and without_copy_suffix("first-route.py") == "first-route.py"
    found = {name: exercise_for_file(name, exercises) for name in ("02.py", "first_route.py", "02_first_route-1.py")}
    assert {name: e.id for name, e in found.items() if e} == dict.fromkeys(found, "02_first_route")
    assert exercise_for_file("app.py", exercises) is None  # which of two exercises? the notes say it was ignored
    assert exercise_for_file("app.py", exercises[:1]).id == "01_app_instance"
    assert exercise_for_file("notes.txt", exercises) is None


def test_moodle_prefixes_give_the_full_name_and_participant_id():
    match = moodle.PREFIX.match("Zoë O'Brien, Jr_123456_assignsubmission_file_app.py")
    assert (match["name"], match["id"], match["plugin"], match["rest"]) == (
        "Zoë O'Brien, Jr",
        "123456",
        "file",
        "app.py",
    )


def test_a_roster_without_id_or_name_or_with_a_learner_twice_is_refused_with_the_line(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("email,section\na@x,1\n", encoding="utf-8")
    with pytest.raises(roster.RosterError, match="has no id or name column"):
        roster.read(path)
    path.write_text("Student ID,Full Name,Email Address\n1,Ann,a@x\n1,Bo,b@x\n", encoding="utf-8")
    with pytest.raises(roster.RosterError, match="line 3: 1 is already on line 2"):
        roster.read(path)
    path.write_text('Student ID,Full Name,Email Address\n1,"Doe, Jane",a@x\n', encoding="utf-8")
    assert roster.read(path) == [roster.Entry(id="1", name="Doe, Jane", email="a@x")]


def test_roster_names_match_in_either_order_and_as_canvas_writes_them():
    assert roster.name_forms("Doe, Jane") & roster.name_forms("doejane")
    assert roster.name_forms("Jane Doe") & roster.name_forms("doejane")
    assert roster.name_forms("Zoë Anne Brontë") & roster.name_forms("brontëzoëanne")
    assert not roster.name_forms("Jane Doe") & roster.name_forms("John Doe")


def test_lms_exports_refuse_what_the_lms_could_not_match(tmp_path):
    from grader.classroom.batch import check_formats

    with pytest.raises(BatchError, match="--format moodle needs --roster"):
        check_formats(("moodle",), "canvas", False)
    with pytest.raises(BatchError, match="--format canvas needs a Canvas download or --roster"):
        check_formats(("canvas",), "classroom", False)
    check_formats(("canvas",), "canvas", False)


def test_the_github_classroom_workflow_is_a_valid_workflow_with_one_test_per_exercise(tmp_path, course):
    out = tmp_path / ".github" / "workflows" / "classroom.yml"
    run = flask_grader(
        "export", "github-classroom", "--exercises", "01,02", "--course-repository", "teacher/flask-grader",
        "--ref", "v1", "--out", out,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "2 tests worth 12 points" in run.stdout
    assert lint_workflow(out) == ""
    workflow = yaml.safe_load(out.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    tests = [
        step for step in steps if step.get("uses", "").startswith("classroom-resources/autograding-command-grader")
    ]
    exercises = [e for e in course.exercises() if e.id in ("01_app_instance", "02_first_route")]
    assert [(t["id"], t["with"]["max-score"]) for t in tests] == [
        (github_classroom.step_id(e), e.max_score) for e in exercises
    ]
    reporter = steps[-1]
    assert reporter["with"]["runners"] == ",".join(t["id"] for t in tests)
    assert set(reporter["env"]) == {f"{t['id'].upper()}_RESULTS" for t in tests}
    checkout = next(s for s in steps if s.get("with", {}).get("repository"))
    assert checkout["with"] == {"repository": "teacher/flask-grader", "path": ".flask-grader-course", "ref": "v1"}

    # Each test's command, run as the runner runs it, passes a correct exercise and fails a wrong one.
    learner = tmp_path / "learner"
    (learner / "exercises" / LMS_EXERCISE).mkdir(parents=True)
    (learner / ".flask-grader-course").symlink_to(ROOT)
    command = shlex.split(tests[0]["with"]["command"])
    assert command[0] == "flask-grader" and f"check {LMS_EXERCISE}" in tests[0]["with"]["command"]
    for source, code in ((solution(LMS_EXERCISE), 0), (HARD_CODED, 1)):
        (learner / "exercises" / LMS_EXERCISE / "app.py").write_text(source, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "grader", *command[1:]], cwd=learner, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == code, result.stdout + result.stderr


def test_the_github_classroom_workflow_without_a_course_repository_grades_the_learners_copy(tmp_path):
    out = tmp_path / "classroom.yml"
    assert flask_grader("export", "github-classroom", "--exercises", "01", "--out", out).returncode == 0
    assert lint_workflow(out) == ""
    steps = yaml.safe_load(out.read_text(encoding="utf-8"))["jobs"]["run-autograding-tests"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == ["python -m pip install --quiet ."]
    assert steps[-2]["with"]["command"] == f"flask-grader check {LMS_EXERCISE}"
