"""Exports: the Gradescope autograder zip run in a simulated /autograder, and JUnit from `check`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import junitparser
import xmlschema

from grader.course import Course
from tests.exercises import cases
from tests.helpers import ROOT, solution, write_submission
from tests.make_class import HIDDEN_NAMES, SECRET, write_hidden_checks

SCHEMAS = Path(__file__).parent / "schemas"
MISTAKES = cases.load("02_first_route").mistakes


def flask_grader(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def run_autograder(autograder: Path) -> subprocess.CompletedProcess[str]:
    """Run the zip's run_autograder as Gradescope does, in ``autograder`` instead of /autograder."""
    env = {"PATH": os.environ["PATH"], "HOME": str(autograder), "AUTOGRADER_ROOT": str(autograder)}
    return subprocess.run(
        [str(autograder / "source" / "run_autograder")],
        cwd=autograder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_gradescope_autograder_runs_in_a_simulated_autograder_folder(tmp_path):
    hidden = write_hidden_checks(tmp_path / "hidden")
    archive = tmp_path / "autograder.zip"
    built = flask_grader("export", "gradescope", "--out", archive, "--exercises", "01,02", "--checks", hidden)
    assert built.returncode == 0, built.stderr

    autograder = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in zipped.infolist()}
        zipped.extractall(autograder / "source")
    assert {"setup.sh", "run_autograder", "autograder.json", "hidden-checks/02_first_route/checks.py"} <= set(names)
    assert not any(name.startswith(("solutions/", "flask-grader/solutions/")) for name in names)
    assert not any("03_dynamic_routes" in name or "__pycache__" in name for name in names)
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & stat.S_IXUSR, script
        (autograder / "source" / script).chmod(0o755)  # zipfile does not restore modes; Gradescope does
        assert subprocess.run(["bash", "-n", str(autograder / "source" / script)]).returncode == 0

    source, failing = MISTAKES["no <p> around the text"]
    write_submission(
        autograder / "submission",
        {  # uploaded as a folder with the learner's work inside
            "my-work/01_app_instance/app.py": solution("01_app_instance"),
            "my-work/02_first_route/app.py": source,
        },
    )
    ran = run_autograder(autograder)
    assert ran.returncode == 0, ran.stderr
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, json.loads((SCHEMAS / "gradescope-results.schema.json").read_text()))

    course = Course(ROOT, hidden)
    exercises = [course.resolve("01"), course.resolve("02")]
    lost = {"index": exercises[1].check("index").points, "index_is_a_paragraph": 1.0}
    assert results["score"] == sum(e.max_score for e in exercises) - sum(lost.values())
    tests = {test["name"].split(":")[0]: test for test in results["tests"]}
    assert len(tests) == sum(len(e.checks) for e in exercises)
    assert {name.split(" · ")[1] for name, test in tests.items() if test["status"] == "failed"} == set(lost)
    assert {name.split(" · ")[1] for name, t in tests.items() if t["visibility"] == "after_due_date"} == set(
        HIDDEN_NAMES
    )
    index = tests["02_first_route · index"]
    assert index["visibility"] == "visible" and "GET /" in index["output"] and index["max_score"] == lost["index"]
    assert SECRET not in results["output"] and "2 hidden checks" in results["output"]


def test_a_broken_autograder_still_writes_a_results_file(tmp_path):
    autograder = tmp_path / "autograder"
    (autograder / "source").mkdir(parents=True)  # no config: the export was damaged
    ran = subprocess.run(
        [sys.executable, "-m", "grader.classroom.gradescope", str(autograder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 0 and "autograder failed" in results["output"]
    assert "autograder.json" in ran.stderr  # the instructor's log says why


def test_check_prints_junit_that_a_junit_reader_accepts(tmp_path):
    root = write_submission(tmp_path / "s", {"02_first_route/app.py": MISTAKES["about missing"][0]})
    done = flask_grader("check", "02", "--root", root, "--format", "junit")
    assert done.returncode == 1  # not full marks
    report = tmp_path / "report.xml"
    report.write_text(done.stdout, encoding="utf-8")
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(report)
    [suite] = list(junitparser.JUnitXml.fromfile(str(report)))
    failed = {case.name for case in suite if case.result}
    assert failed == MISTAKES["about missing"][1]
