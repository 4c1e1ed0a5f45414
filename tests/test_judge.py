"""The judge: isolation from learner code, bad input, reproducible scores, the schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from grader.grading import grade, run_judge
from grader.results import SubmissionResult, schema
from grader.sandbox.cputime import BACKSTOP
from grader.sandbox.policy import GUARANTEE_NAMES
from grader.sandbox.process import LOAD_TIMEOUT
from tests.helpers import solution, statuses, write_submission

EMPTY_APP = """
from flask import Flask
app = Flask(__name__)
"""


def test_the_judge_process_never_imports_the_learner_module(grade_files):
    # The sandbox lets the module write nowhere outside its folder, so it reports where
    # it runs through its answers: right only without pytest, Hypothesis or checks
    # loaded, and /about right only in a process that has not served / before.
    source = """
        import sys
        from flask import Flask
        app = Flask(__name__)
        JUDGE = {"_pytest", "hypothesis"} & set(sys.modules) or [m for m in sys.modules if "checks" in m]
        served = []

        @app.route("/")
        def index():
            served.append("/")
            return "<p>judge process</p>" if JUDGE else "<p>Hello World</p>"

        @app.route("/about")
        def about():
            return "<p>shared process</p>" if served or JUDGE else "<p>About this app</p>"
    """
    exercise = grade_files({"02_first_route/app.py": source}).exercises[0]
    assert statuses(exercise)["index"] == "passed", exercise.checks
    assert statuses(exercise)["about"] == "passed", "each check gets a fresh process"


def test_the_judge_keeps_learner_modules_out_of_its_own_process(course, tmp_path):
    from grader import judge

    root = write_submission(
        tmp_path, {"01_app_instance/app.py": "from flask import Flask\napp = Flask(__name__)\nLOADED_HERE = 1\n"}
    )
    before = set(sys.modules)
    result = judge.judge(course, root, ["01_app_instance"])
    assert result.exercises[0].passed
    new = {name for name in set(sys.modules) - before if getattr(sys.modules[name], "LOADED_HERE", 0)}
    assert new == set()


HOSTILE = """
import json, os, sys
from pathlib import Path
from flask import Flask

app = Flask(__name__)

# Try to rig the grade from inside the learner's process.
import pytest, _pytest.runner, hypothesis
import grader.plugin, grader.errors, grader.expectations.response
pytest.fail = lambda *a, **k: None
hypothesis.given = lambda *a, **k: (lambda f: (lambda *x, **y: None))
grader.plugin.classify = lambda *a, **k: grader.plugin.Outcome("passed")
grader.expectations.response.ResponseExpectation.fail = lambda *a, **k: None
grader.errors.CheckFailure.__init__ = lambda self, *a, **k: None
print('{"score": 100, "max_score": 100, "status": "passed"}')
print("8 passed in 0.01s")
sys.stderr.write("All checks passed!\\n")
for folder in (Path.cwd(), Path.cwd().parent, Path(os.environ.get("HOME", "/tmp"))):
    try:
        (folder / "result.json").write_text('{"score": 100}')
    except OSError:
        pass
"""


def test_a_submission_that_rigs_pytest_and_prints_fake_results_scores_as_an_empty_app(grade_files):
    rigged = grade_files({"02_first_route/app.py": HOSTILE}).exercises[0]
    honest = grade_files({"02_first_route/app.py": EMPTY_APP}).exercises[0]
    assert rigged.score == honest.score == 0
    assert statuses(rigged) == statuses(honest)


@pytest.mark.parametrize(
    ("source", "kind", "words"),
    [
        ("from flask import Flask\napp = Flask(__name__\n", "syntax", ["syntax error", "app.py", "line 2"]),
        (
            "import flask_nonexistent_module\n",
            "import",
            ["raised ModuleNotFoundError", "flask_nonexistent_module", 'File "app.py", line 1'],
        ),
        ("from flask import Flask\nserver = 1\n", "no app", ["defines no variable named `app`"]),
        (
            "from flask import Flask\napplication = Flask(__name__)\n",
            "misnamed",
            ["named `application`", "rename it to `app`"],
        ),
        ("app = 'my app'\n", "not flask", ["`app` in app.py is str", "not a Flask application"]),
        ("import sys\nsys.exit(3)\n", "exit", ["called sys.exit(3)"]),
        (b"x = '\xff\xfe'\n", "not utf-8", ["syntax error", "utf-8"]),
    ],
)
def test_each_bad_module_gets_a_clear_message_and_zero_while_others_are_graded(grade_files, source, kind, words):
    result = grade_files({"01_app_instance/app.py": source, "02_first_route/app.py": solution("02_first_route")})
    broken, other = result.exercises
    assert broken.status == "error" and broken.score == 0, kind
    for word in words:
        assert word.lower() in broken.message.lower(), (kind, word, broken.message)
    assert all(check.status == "error" for check in broken.checks)
    assert other.passed, kind


def test_a_missing_app_py_and_a_missing_folder_are_named(course, tmp_path):
    root = write_submission(
        tmp_path / "s", {"01_app_instance/notes.txt": "", "02_first_route/app.py": solution("02_first_route")}
    )
    result = grade(course, root, ["01", "02", "03"])
    missing_file, graded, missing_folder = result.exercises
    assert missing_file.status == "error" and "01_app_instance/app.py is missing" in missing_file.message
    assert graded.passed
    assert missing_folder.status == "error" and "no folder 03_dynamic_routes" in missing_folder.message


def test_an_unknown_exercise_name_is_an_error_of_its_own(course):
    result = grade(course, course.solutions_dir, ["nope", "01"])
    unknown, known = result.exercises
    assert unknown.status == "error" and "no exercise named 'nope'" in unknown.message
    assert known.passed


def test_an_import_that_spins_forever_is_a_timeout_for_the_exercise(grade_files):
    exercise = grade_files({"02_first_route/app.py": "while True:\n    pass\n"}).exercises[0]
    assert exercise.status == "error" and "Timed out" in exercise.message
    assert {check.status for check in exercise.checks} == {"error"}


def test_an_import_that_never_returns_times_out_once_not_per_check(grade_files):
    """A sleeping import waits for the wall-clock backstop whatever the machine's load (it
    uses no CPU), so the time says how many loads were tried: one, not one per check."""
    result = grade_files({"02_first_route/app.py": "import time\ntime.sleep(3600)\n"})
    exercise = result.exercises[0]
    assert exercise.status == "error" and "Timed out" in exercise.message
    one_load = LOAD_TIMEOUT * BACKSTOP
    assert len(exercise.checks) >= 4, "a load per check would take four backstops or more"
    assert one_load <= result.duration < 3 * one_load  # the rest: starting the judge, slowly when loaded


def test_a_view_that_hangs_is_a_timeout_naming_the_request(grade_files):
    source = (
        EMPTY_APP
        + """
@app.route("/")
def index():
    while True:
        pass

@app.route("/about")
def about():
    return "<p>About this app</p>"
"""
    )
    exercise = grade_files({"02_first_route/app.py": source}).exercises[0]
    index = next(check for check in exercise.checks if check.name == "index")
    assert index.status == "timeout"
    assert "answering GET /" in index.message
    assert next(c for c in exercise.checks if c.name == "about").status == "passed"


def test_a_view_that_raises_shows_the_learners_traceback_only(grade_files):
    source = (
        EMPTY_APP
        + """
@app.route("/")
def index():
    return helper()

def helper():
    return 1 / 0
"""
    )
    exercise = grade_files({"02_first_route/app.py": source}).exercises[0]
    index = next(check for check in exercise.checks if check.name == "index")
    assert index.status == "failed"
    traceback = index.details["traceback"]
    assert 'File "app.py", line 7, in index' in traceback
    assert 'File "app.py", line 10, in helper' in traceback
    assert "ZeroDivisionError: division by zero" in traceback
    assert "site-packages" not in traceback and "grader" not in traceback
    assert "500 INTERNAL SERVER ERROR" in index.message


def test_a_view_that_kills_its_process_is_an_error_not_a_crash(grade_files):
    source = (
        EMPTY_APP
        + """
import os
@app.route("/")
def index():
    os._exit(0)

@app.route("/about")
def about():
    return "<p>About this app</p>"
"""
    )
    exercise = grade_files({"02_first_route/app.py": source}).exercises[0]
    by_name = {check.name: check for check in exercise.checks}
    assert by_name["index"].status == "error"
    assert "ended unexpectedly while answering GET /" in by_name["index"].message
    assert by_name["about"].status == "passed"


def test_grading_twice_gives_identical_json_however_the_judges_share_it(course, tmp_path):
    source = solution("03_dynamic_routes").replace("escape(name)", "name")  # fails a property
    root = write_submission(
        tmp_path, {"03_dynamic_routes/app.py": source, "04_converters/app.py": solution("04_converters")}
    )
    first, second = (grade(course, root, jobs=jobs).to_dict() for jobs in (1, 2))
    first["duration"] = second["duration"] = 0
    assert first == second
    assert first["exercises"][2]["score"] < first["exercises"][2]["max_score"]


def test_the_json_output_validates_against_the_documented_schema(course, tmp_path):
    root = write_submission(
        tmp_path, {"02_first_route/app.py": "def broken(:\n", "04_converters/app.py": solution("04_converters")}
    )
    result = grade(course, root, ["02", "03", "04", "nope"])
    data = json.loads(result.to_json())
    jsonschema.validate(data, schema())
    assert SubmissionResult.from_dict(data).to_dict() == data
    assert data["schema_version"] == "1.6"
    assert {name: kept["met"] for name, kept in data["sandbox"].items()} == dict.fromkeys(GUARANTEE_NAMES, True)


def test_the_documented_schema_is_the_shipped_one():
    documented = (Path(__file__).parent.parent / "docs" / "results.md").read_text(encoding="utf-8")
    for field in schema()["$defs"]["check"]["required"]:
        assert f"`{field}`" in documented, field


def test_the_judge_reports_what_each_exercise_cost_for_the_next_schedule_never_in_the_result(course):
    judged = run_judge(course, course.solutions_dir, ["01_app_instance", "16_notes_api"], timeout=120)
    assert set(judged.seconds) == {"01_app_instance", "16_notes_api"}
    assert 0 < judged.seconds["01_app_instance"] < judged.seconds["16_notes_api"]  # 3 checks against a state machine
    assert "seconds" not in judged.result.to_json()
