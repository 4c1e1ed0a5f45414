"""Every hint's code works when typed in.

Hints mark code in backticks; prose outside them holds no code. Each piece of code
a hint shows is found in the reference solution (whitespace aside, ``...`` standing
for anything), which passes every check, so the code passes the check it is a hint
for, put where it belongs. Code that the solution does not use (another way to do it)
has a variant of the solution of its own here, graded: it passes that check.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from grader.course import Course
from grader.expectations.response import CONTENT_TYPE_HINTS
from tests.helpers import ROOT, check_named, grade_one, solution

COURSE = Course(ROOT)
CODE = re.compile(r"`([^`]+)`")
# What code looks like in prose: a call, a comparison, an assignment, a decorator,
# an index, Jinja. Identifiers alone (request.path, __name__) are names, not code to type.
LOOKS_LIKE_CODE = re.compile(r"\w\(|==|!=| = |\{%|\{\{|@\w|\w\[[\"'0-9]")

# (exercise, check or "" for the exercise's hints, code) -> a solution that uses that code.
VARIANTS: dict[tuple[str, str, str], str] = {
    ("07_request_object", "agent", 'request.headers.get("User-Agent")'): solution("07_request_object").replace(
        '    return f"Your browser is {escape(request.user_agent.string)}"',
        '    agent = request.headers.get("User-Agent")\n    return f"Your browser is {escape(agent)}"',
    ),
    ("12_redirects", "old", 'redirect("/new")'): solution("12_redirects").replace(
        'def old():\n    return redirect(url_for("new"))', 'def old():\n    return redirect("/new")'
    ),
}


def hints() -> list[tuple[str, str, str]]:
    """(exercise, check or "", hint) for every hint of the course."""
    found = []
    for exercise in COURSE.exercises():
        found += [(exercise.id, "", text) for text in exercise.hints]
        for check in exercise.checks:
            found += [(exercise.id, check.name, text) for text in (check.hint, *dict(check.hints).values()) if text]
    return found


def code_of(hint: str) -> list[str]:
    return CODE.findall(hint)


def collapsed(text: str) -> str:
    return " ".join(text.split())


def solution_text(exercise: str) -> str:
    folder = ROOT / "solutions" / exercise
    return "\n".join(
        collapsed(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in (".py", ".html")
    )


def used_in(code: str, text: str) -> bool:
    """Whether ``code`` occurs in ``text``, whitespace collapsed, ``...`` matching anything."""
    pattern = ".*?".join(re.escape(part.strip()) for part in collapsed(code).split("..."))
    return re.search(pattern, text) is not None


HINTS = hints()


@pytest.mark.parametrize(("exercise", "check", "hint"), HINTS)
def test_code_in_hints_is_marked(exercise, check, hint):
    prose = CODE.sub("", hint)
    assert hint.count("`") % 2 == 0, "a backtick is left open"
    assert not LOOKS_LIKE_CODE.search(prose), f"code outside backticks in: {hint}"


STATEMENT = ("@", "def ", "if ", "return ", "raise ", "del ", "from ", "for ")


def compiles(code: str) -> bool:
    """Whether ``code`` is Python as a learner would type it: a statement, or the line
    that opens a block (``if ...:``, a decorator)."""
    code = code.replace("import ... ", "import ")  # "from flask import ... current_app": the other names elided
    for text in (code, code + "\n    pass", code + "\ndef _view(): pass"):
        try:  # inside a function, where a return belongs
            compile("def _hint():\n" + textwrap.indent(text, "    "), "<hint>", "exec")
        except SyntaxError:
            continue
        return True
    return False


@pytest.mark.parametrize(
    ("exercise", "code"),
    [(exercise, code) for exercise, _, hint in HINTS for code in code_of(hint) if code.startswith(STATEMENT)],
)
def test_statements_in_hints_are_python_as_typed(exercise, code):
    assert compiles(code), f"{exercise}: `{code}`"


@pytest.mark.parametrize("hint", list(CONTENT_TYPE_HINTS.values()))
def test_the_graders_own_hints_hold_no_untested_code(hint):
    assert not CODE.search(hint) and not LOOKS_LIKE_CODE.search(hint)


@pytest.mark.parametrize(
    ("exercise", "check", "code"),
    [(exercise, check, code) for exercise, check, hint in HINTS for code in code_of(hint)],
)
def test_the_code_of_every_hint_is_in_a_solution_that_passes(exercise, check, code):
    if (exercise, check, code) in VARIANTS:
        assert used_in(code, collapsed(VARIANTS[exercise, check, code]))
        return  # graded below
    assert used_in(code, solution_text(exercise)), f"{exercise} {check or 'hints'}: `{code}` is not in the solution"


@pytest.mark.parametrize(("exercise", "check", "code"), list(VARIANTS), ids=[code for _, _, code in VARIANTS])
def test_variants_that_use_a_hints_code_pass_its_check(grade_files, exercise, check, code):
    assert any(code in code_of(hint) for ex, ch, hint in HINTS if (ex, ch) == (exercise, check)), "a stale variant"
    result = grade_one(grade_files, exercise, VARIANTS[exercise, check, code])
    if check:
        assert check_named(result, check).passed, check_named(result, check).message
    else:
        assert result.passed


def test_the_third_hint_of_10_guards_admin_paths_as_the_solution_does():
    """The hint once read `a or b and c`, which Python groups as `a or (b and c)`."""
    third = COURSE.resolve("10").hints[2]
    assert 'request.path.startswith("/admin/") and' not in third
    assert used_in(code_of(third)[0], solution_text("10_request_hooks"))


def test_hint_files_are_where_the_test_looks():
    assert all(Path(ROOT / "solutions" / exercise.id / "app.py").exists() for exercise in COURSE.exercises())
