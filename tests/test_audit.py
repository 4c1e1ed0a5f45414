"""The check audit: mutants graded for real, weak checks found, equivalent marks kept honest."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from click.testing import CliRunner

from grader.audit.mutants import Mutant, make_mutants
from grader.audit.run import AuditResult, ExerciseAudit, MutantOutcome, _exercise_audit, render
from grader.cli import main
from grader.exercise import EquivalentMutant, Exercise
from grader.results import CheckResult, ExerciseResult
from tests.helpers import ROOT


def run_audit(course: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--course", str(course), "audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_the_audit_of_exercise_01_kills_each_mutant_with_the_check_made_for_it():
    code, output = run_audit(ROOT, "01", "--format", "json", "-j", "2")
    report = json.loads(output)
    assert code == 0 and report["passed"]
    (exercise,) = report["exercises"]
    killed_by = {o["operator"]: o["killed_by"] for o in exercise["outcomes"]}
    assert killed_by == {
        "app-import-name": ["import_name"],
        "app-static-off": ["static_route"],
        "run-on-import": ["no_server_on_import"],
    }
    assert {o["status"] for o in exercise["outcomes"]} == {"killed"}
    assert exercise["kill_rate"] == report["kill_rate"] == 1.0
    assert all(o["diff"].startswith("--- a/app.py") for o in exercise["outcomes"])


def weakened_course(tmp_path: Path, marks: str = "") -> Path:
    """Exercise 01 without its static_route check, so that one mutant survives."""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises" / "01_app_instance", course / "exercises" / "01_app_instance")
    shutil.copytree(ROOT / "solutions" / "01_app_instance", course / "solutions" / "01_app_instance")
    checks = course / "exercises" / "01_app_instance" / "checks.py"
    text = checks.read_text(encoding="utf-8")
    checks.write_text(text[: text.index("def test_static_route")], encoding="utf-8")
    meta = course / "exercises" / "01_app_instance" / "exercise.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text[: text.index("  static_route:")] + textwrap.dedent(marks), encoding="utf-8")
    return course


def test_a_mistake_no_check_catches_fails_the_audit_and_is_shown_with_its_diff(tmp_path):
    code, output = run_audit(weakened_course(tmp_path))
    assert code == 1
    assert "01_app_instance: 2/3 killed (66.7%)" in output
    survivor = output[output.index("SURVIVED") :]
    assert "app-static-off:5:" in survivor and "+app = Flask(__name__, static_folder=None)" in survivor
    assert "kill rate 66.7% is below 95%" in output and "Audit FAILED" in output


def test_an_equivalent_mark_excuses_a_survivor_with_its_reason_but_a_stale_mark_fails(tmp_path):
    folder = ROOT / "solutions" / "01_app_instance"
    survivor = next(m for m in make_mutants("01_app_instance", folder, ("app.py",)) if m.operator == "app-static-off")
    marks = f"""
        equivalent_mutants:
          - id: {survivor.id}
            reason: this course does not teach the static route
          - id: statement-drop:99:0123abcd
            reason: left over from an older solution
    """
    code, output = run_audit(weakened_course(tmp_path, marks), "--survivors")
    assert code == 1
    assert "01_app_instance: 2/2 killed (100.0%), 1 equivalent" in output
    assert "equivalent: this course does not teach the static route" in output
    assert "\n  killed " not in output  # --survivors lists only what was not killed
    assert "equivalent_mutants names statement-drop:99:0123abcd, which is no mutant of the solution" in output


def test_an_unknown_exercise_is_a_clear_error():
    code, output = run_audit(ROOT, "99_nothing")
    assert code == 1 and "There is no exercise named '99_nothing'" in output


# ------------------------------------------------- verdicts, without grading


def mutant(operator: str, line: int = 3) -> Mutant:
    diff = f"--- a/app.py\n+++ b/app.py\n@@ -{line} +{line} @@\n-old {operator}\n+new {operator}\n"
    return Mutant("04_converters", "app.py", operator, line, f"a {operator} mutant", "source", diff)


def outcomes(*pairs: tuple[str, str]) -> list[MutantOutcome]:
    return [MutantOutcome(mutant(operator, line), status) for line, (operator, status) in enumerate(pairs, 1)]


def test_a_surviving_must_kill_mutant_fails_even_at_a_high_kill_rate():
    many = [("string-change", "killed")] * 30
    audited = ExerciseAudit("04_converters", outcomes(*many, ("converter-drop", "survived")))
    assert audited.kill_rate > 0.95
    result = AuditResult([audited], 0.95, jobs=2, judge_runs=32, duration=1.0)
    assert not result.passed
    assert audited.failures(0.95) == [
        f"the converter mutant {audited.outcomes[-1].mutant.id} survived (a converter-drop mutant)"
    ]
    assert "SURVIVED (must be killed)" in render(result)


def test_the_kill_rate_leaves_equivalent_mutants_out():
    audited = ExerciseAudit(
        "04_converters",
        outcomes(*[("string-change", "killed")] * 19, ("string-change", "survived"), ("keyword-drop", "equivalent")),
    )
    assert audited.kill_rate == 0.95 and audited.failures(0.95) == []
    assert AuditResult([audited], 0.95, 2, 21, 1.0).passed
    assert not AuditResult([audited], 0.96, 2, 21, 1.0).passed


def graded(*failing: str) -> ExerciseResult:
    checks = [CheckResult(name, "", "failed" if name in failing else "passed", 0, 1) for name in ("item", "price")]
    score = sum(check.passed for check in checks)
    return ExerciseResult("04_converters", "04", "converters", "t", "c", "graded", score, 2, checks=checks)


def test_a_mark_on_a_mutant_a_check_kills_is_reported_as_wrong():
    killed, survivor = mutant("keyword-drop", 3), mutant("string-change", 4)
    exercise = Exercise(
        ROOT,
        "04",
        "converters",
        "t",
        "c",
        4,
        ("h",),
        (),
        equivalent_mutants=(EquivalentMutant(killed.id, "wrong"), EquivalentMutant(survivor.id, "right")),
    )
    results = {id(killed): graded("price"), id(survivor): graded()}
    audited = _exercise_audit(exercise, ROOT, graded(), [killed, survivor], results)
    assert [o.status for o in audited.outcomes] == ["killed", "equivalent"]
    assert audited.outcomes[1].reason == "right"
    assert audited.problems == [f"{killed.id} is marked equivalent, but price kills it: remove the mark"]


def test_a_solution_that_does_not_pass_makes_its_audit_fail():
    exercise = Exercise(ROOT, "04", "converters", "t", "c", 4, ("h",), ())
    audited = _exercise_audit(exercise, ROOT, graded("item"), [], {})
    assert audited.problems == ["the reference solution does not pass (item): its mutants measure nothing"]
