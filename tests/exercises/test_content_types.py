"""One content-type rule in all sixteen exercises (see the catalogue): a check demands a
type only where the README states one; a plain-text body may be text/html or text/plain;
HTML markup, or text that must be HTML-escaped, is text/html.

Each solution is graded once more as a text/plain variant (every text/html answer sent
as text/plain): it fails exactly the checks of the answers whose README says HTML.
"""

from __future__ import annotations

import pytest

from grader.course import Course
from grader.grading import grade
from tests.helpers import ROOT, failing, write_submission

# The checks each README makes HTML (`text/html`), by exercise; every other check passes.
STATED_HTML = {
    "01_app_instance": set(),
    "02_first_route": {"index", "about"},  # <p>Hello World</p>, <p>About this app</p>
    "03_dynamic_routes": {"greets", "escapes_html"},  # <h1>Hello, NAME!</h1>, escaped
    "04_converters": set(),  # plain text, even /files/ (escaping allowed, not required)
    "05_run_server": set(),
    "06_url_map_methods": {"contact_form", "thanks_escaped"},  # a <form> page; Thanks, NAME! escaped
    "07_request_object": {"agent"},  # Your browser is UA, escaped (/echo must be text/plain)
    "08_app_context": {"whoami"},  # g.user, escaped
    "09_sessions": set(),
    "10_request_hooks": {"first_seen"},  # the first path, escaped
    "11_responses": set(),
    "12_redirects": {"profile_escapes"},  # Profile: NAME, escaped
    "13_errors": set(),
    "14_templates": {"index", "hello", "items"},  # rendered templates
    "15_custom_converter": set(),
    "16_notes_api": set(),  # JSON
}

# Sent first on every response: every text/html answer goes out as text/plain instead.
AS_PLAIN_TEXT = """

@app.after_request
def _as_plain_text(response):
    if response.mimetype == "text/html":
        response.mimetype = "text/plain"
    return response
"""


def plain_text_variant(source: str) -> str:
    """``source`` with the hook registered right after the app is made (before ``app.run``)."""
    head, marker, tail = source.partition("app = Flask(__name__)\n")
    assert marker, "every solution makes its app with app = Flask(__name__)"
    return head + marker + AS_PLAIN_TEXT + tail


def test_every_exercise_is_listed():
    assert sorted(STATED_HTML) == [exercise.id for exercise in Course(ROOT).exercises()]


@pytest.mark.parametrize("exercise", sorted(ids for ids, checks in STATED_HTML.items() if checks))
def test_the_readme_states_html_where_a_check_demands_it(exercise):
    assert "`text/html`" in (ROOT / "exercises" / exercise / "README.md").read_text(encoding="utf-8")


def test_text_plain_variants_pass_exactly_where_the_readme_allows(tmp_path):
    files: dict[str, str | bytes] = {}
    for exercise in STATED_HTML:
        folder = ROOT / "solutions" / exercise
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f"{exercise}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
        files[f"{exercise}/app.py"] = plain_text_variant((folder / "app.py").read_text(encoding="utf-8"))
    result = grade(Course(ROOT), write_submission(tmp_path / "variant", files), sorted(STATED_HTML))
    found = {exercise.id: failing(exercise) for exercise in result.exercises}
    assert found == STATED_HTML
    for exercise in result.exercises:
        for check in exercise.checks:
            if not check.passed:  # each for its content type, with the content-type hint
                assert "Content-Type" in check.message and "text/html" in check.hint, check.message
