"""Batch grading of a generated class of 30: the gradebook, results, report and exports.

The class is graded once per module (these tests share one xdist worker through their
group) with the real command, as an instructor runs it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import junitparser
import pytest
import xmlschema

from grader.course import Course
from grader.results import SubmissionResult, schema
from tests.helpers import ROOT
from tests.make_class import EXERCISES, HIDDEN_NAMES, SECRET, Learner, write_class, write_hidden_checks

pytestmark = pytest.mark.xdist_group("class")

SCHEMAS = Path(__file__).parent / "schemas"
OPTIONS = ["--exercises", ",".join(EXERCISES), "--format", "gradescope", "--format", "junit", "--timeout", "120"]


def flask_grader(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


class GradedClass:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.submissions = folder / "class"
        self.hidden = write_hidden_checks(folder / "hidden")
        self.learners = {learner.name: learner for learner in write_class(self.submissions)}
        self.out = folder / "out"
        self.run = flask_grader(
            "batch", self.submissions, "--out", self.out, "-j", "2", "--checks", self.hidden, *OPTIONS
        )
        assert self.run.returncode == 0, self.run.stderr

    def result(self, learner: str) -> SubmissionResult:
        return SubmissionResult.load(self.out / "results" / f"{learner}.json")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> GradedClass:
    return GradedClass(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="module")
def hidden_course(graded) -> Course:
    return Course(ROOT, graded.hidden)


def test_the_gradebook_has_a_row_per_learner_in_name_order_with_the_scores_each_earned(graded, hidden_course):
    with open(graded.out / "gradebook.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["learner", "id", "name", *EXERCISES, "total", "max_score", "status", "problem", "note"]
    assert [row["learner"] for row in rows] == sorted(graded.learners)
    max_score = sum(exercise.max_score for exercise in hidden_course.exercises() if exercise.id in EXERCISES)
    for row in rows:
        learner: Learner = graded.learners[row["learner"]]
        expected = learner.expected_scores(hidden_course)
        assert {e: float(row[e]) for e in EXERCISES} == expected, learner.name
        assert float(row["total"]) == sum(expected.values()), learner.name
        assert float(row["max_score"]) == max_score
        assert row["status"] == learner.status, learner.name
        reason = learner.problem or next(iter(learner.errors.values()), "")
        assert (reason.lower() in row["problem"].lower()) if reason else row["problem"] == "", (learner.name, row)
    assert "Ignored roster.csv" in graded.run.stderr


def test_each_learner_gets_a_full_result_in_the_core_schema(graded):
    files = sorted((graded.out / "results").glob("*.json"))
    assert [path.stem for path in files] == sorted(graded.learners)
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema())
        learner = graded.learners[path.stem]
        assert data["submission"] == learner.name  # never a temporary unzip folder
        for exercise in data["exercises"]:
            failing = {check["name"] for check in exercise["checks"] if check["status"] != "passed"}
            if learner.problem or exercise["id"] in learner.errors:
                assert exercise["status"] == "error"
                assert (learner.problem or learner.errors[exercise["id"]]).lower() in exercise["message"].lower()
            else:
                assert exercise["status"] == "graded"
                assert failing == learner.failing.get(exercise["id"], set()), (learner.name, exercise["id"])


def test_hidden_checks_count_but_learners_never_see_their_code_or_messages(graded):
    instructor = graded.result("partial-no-p-around-the-text").exercises[1]
    hidden = {check.name: check for check in instructor.checks if check.hidden}
    assert set(hidden) == set(HIDDEN_NAMES)
    assert hidden["index_is_a_paragraph"].status == "failed" and SECRET in hidden["index_is_a_paragraph"].message
    assert hidden["about_is_stable"].passed
    for learner in graded.learners:
        shown = [
            graded.out / "feedback" / f"{learner}.txt",
            graded.out / "report" / "learners" / f"{learner}.html",
            graded.out / "junit" / f"{learner}.xml",
        ]
        for path in shown:
            text = path.read_text(encoding="utf-8")
            assert SECRET not in text and not any(name in text for name in HIDDEN_NAMES), path
    feedback = (graded.out / "feedback" / "partial-no-p-around-the-text.txt").read_text(encoding="utf-8")
    assert "2 hidden checks, 1 passed" in feedback
    assert "2 hidden checks, 2 passed" in (graded.out / "feedback" / "correct-folder.txt").read_text(encoding="utf-8")


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("Chromium is needed to check that the report renders: apt-get install chromium (.ci/run does).")


def chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            find_chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_the_html_report_renders_offline_in_headless_chromium(graded, tmp_path):
    index = graded.out / "report" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "the report must not load anything"
    dom = chromium(index, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    # Chromium parsed the charts: 10 histogram bars, two bars (track and rate) per check.
    checks = 3 + 6 + len(HIDDEN_NAMES)
    assert dom.stdout.count('class="bar"') == 10
    assert dom.stdout.count('class="rate"') == checks and dom.stdout.count('class="track"') == checks
    assert "02_first_route · index_is_a_paragraph (hidden)" in dom.stdout
    hardest = dom.stdout.split('id="hardest"')[1].split('id="pass-rates"')[0]
    assert "02_first_route · index" in hardest  # the checks most learners fail come first
    for learner in graded.learners:  # each learner's page exists and is linked
        assert (graded.out / "report" / "learners" / f"{learner}.html").is_file()
    assert 'href="learners/zo%C3%AB%20o%27brien%2C%20jr.html"' in html
    screenshot = tmp_path / "report.png"
    shot = chromium(index, tmp_path, "--window-size=1100,2600", f"--screenshot={screenshot}")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png_size(screenshot) == (1100, 2600)
    assert screenshot.stat().st_size > 50_000  # text and charts; a blank page of this size is a few kB
    learner_shot = tmp_path / "learner.png"
    page = graded.out / "report" / "learners" / "partial-about-missing.html"
    assert chromium(page, tmp_path, "--window-size=1000,1200", f"--screenshot={learner_shot}").returncode == 0
    keep = os.environ.get("FLASK_GRADER_SCREENSHOTS")  # set it to look at the pictures
    if keep:
        shutil.copy(screenshot, Path(keep) / "report.png")
        shutil.copy(learner_shot, Path(keep) / "learner.png")


def test_gradescope_results_follow_the_published_specification(graded):
    spec = json.loads((SCHEMAS / "gradescope-results.schema.json").read_text(encoding="utf-8"))
    for learner in graded.learners:
        data = json.loads((graded.out / "gradescope" / learner / "results.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, spec)
        result = graded.result(learner)
        assert data["score"] == result.score == sum(test["score"] for test in data["tests"])
        assert isinstance(data["execution_time"], (int, float))
        checks = [check for exercise in result.exercises for check in exercise.checks]
        assert [test["visibility"] for test in data["tests"]] == [
            "after_due_date" if check.hidden else "visible" for check in checks
        ]
        assert [test["status"] for test in data["tests"]] == ["passed" if c.passed else "failed" for c in checks]
        assert [test["number"] for test in data["tests"][:4]] == ["1.1", "1.2", "1.3", "2.1"]


def test_junit_xml_is_read_back_by_junitparser_and_valid_against_the_schema(graded):
    xsd = xmlschema.XMLSchema(SCHEMAS / "junit.xsd")
    for learner in graded.learners:
        path = graded.out / "junit" / f"{learner}.xml"
        xsd.validate(path)
        result = graded.result(learner)
        suites = list(junitparser.JUnitXml.fromfile(str(path)))
        assert [suite.name for suite in suites] == EXERCISES
        for suite, exercise in zip(suites, result.exercises, strict=True):
            cases = list(suite)
            assert len(cases) == len(exercise.checks)
            outcomes = [type(case.result[0]).__name__ if case.result else "passed" for case in cases]
            expected = {"passed": "passed", "failed": "Failure", "error": "Error", "timeout": "Error"}
            assert outcomes == [expected[check.status] for check in exercise.checks], learner
            assert suite.failures == sum(check.status == "failed" for check in exercise.checks)


def test_running_again_resumes_and_grades_nothing_twice(graded):
    results = sorted((graded.out / "results").glob("*.json"))
    before = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in results}
    again = flask_grader(
        "batch", graded.submissions, "--out", graded.out, "-j", "2", "--checks", graded.hidden, *OPTIONS
    )
    assert again.returncode == 0, again.stderr
    assert "Graded 0 submissions (30 already done)" in again.stdout
    assert {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in results} == before


def test_three_shards_merged_give_the_same_gradebook_as_one_run(graded):
    shards = [graded.folder / f"shard-{k}" for k in (1, 2, 3)]
    runs = [  # like a CI matrix: the shards run side by side
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "grader",
                "batch",
                str(graded.submissions),
                "--out",
                str(shard),
                "-j",
                "1",
                "--checks",
                str(graded.hidden),
                "--shard",
                f"{k}/3",
                *OPTIONS,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k, shard in enumerate(shards, 1)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    slices = [json.loads((shard / "batch.json").read_text())["learners"] for shard in shards]
    assert sorted(sum(slices, [])) == sorted(graded.learners) and all(len(s) == 10 for s in slices)
    merged = graded.folder / "merged"
    done = flask_grader("merge", *shards, "--out", merged)
    assert done.returncode == 0, done.stderr
    assert (merged / "gradebook.csv").read_bytes() == (graded.out / "gradebook.csv").read_bytes()
    assert (merged / "report" / "index.html").read_bytes() == (graded.out / "report" / "index.html").read_bytes()
    for learner in graded.learners:
        one, sharded = (
            SubmissionResult.load(out / "results" / f"{learner}.json").to_dict() for out in (graded.out, merged)
        )
        one["duration"] = sharded["duration"] = 0
        for exercise in one["exercises"] + sharded["exercises"]:
            exercise["cached"] = False  # which shard graded a file first differs; nothing else may
        assert one == sharded, learner
        assert (merged / "junit" / f"{learner}.xml").is_file()
