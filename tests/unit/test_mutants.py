"""Mutants: every operator fires where its mistake can be made, and a mutant changes only that."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from grader.audit.mutants import Mutant, make_mutants, python_mutants
from grader.audit.operators import MUST_KILL, OPERATORS
from grader.exercise import MUTANT_ID
from tests.helpers import ROOT

# One app touching every concept of the catalogue; comments must survive in every mutant.
SAMPLE = textwrap.dedent(
    '''
    """A sample app."""

    from flask import Flask, abort, current_app, g, jsonify, make_response, redirect, request, session, url_for
    from markupsafe import escape
    from werkzeug.routing import BaseConverter

    app = Flask(__name__)
    app.secret_key = "dev"  # any non-empty key
    TORN_DOWN = 0


    class ListConverter(BaseConverter):
        regex = r"\\d+(?:\\+\\d+)*"

        def to_python(self, value):
            return [int(part) for part in value.split("+")]

        def to_url(self, value):
            return "+".join(str(number) for number in value)


    app.url_map.converters["list"] = ListConverter


    @app.before_request
    def guard():
        if request.path.startswith("/admin") and request.headers.get("X-Token") != "letmein":
            return "Unauthorized", 401
        g.user = request.headers.get("X-User") or "anonymous"


    @app.after_request
    def stamp(response):
        response.headers["X-App"] = "sample"
        return response


    def count(error):
        global TORN_DOWN
        TORN_DOWN += 1


    app.teardown_request(count)


    @app.context_processor
    def extra():
        return {"site": "sample"}


    @app.route("/item/<int:item_id>/next")
    def next_item(item_id):
        return f"Next item: {item_id + 1}"  # the int converter makes + 1 work


    @app.route("/user/<name>", methods=["GET", "POST"])
    def user(name):
        return f"<h1>Hello, {escape(name)}!</h1>"


    @app.post("/form")
    def form():
        return request.form["name"]


    @app.route("/visit")
    def visit():
        session["visits"] = session.get("visits", 0) + 1
        return f"Visits: {session['visits']}"


    @app.route("/old")
    def old():
        return redirect(url_for("visit"))


    @app.route("/moved")
    def moved():
        return redirect("/visit", code=301)


    @app.route("/users/<int:user_id>")
    def users(user_id):
        if user_id > 2:
            abort(404)
        return jsonify(id=user_id)


    @app.route("/greeting")
    def greeting():
        return current_app.config.get("GREETING", "Hello")


    @app.route("/created")
    def created():
        return make_response({"ok": True}, 201)


    @app.route("/health")
    def health():
        return {"ok": True}, 200


    @app.errorhandler(404)
    def not_found(error):
        return {"error": "not found"}, 404


    def crashed(error):
        return "Something went wrong", 500


    app.register_error_handler(500, crashed)


    @app.route("/whoami")
    def whoami():
        return escape(g.user) if g.user else "nobody"


    if __name__ == "__main__":
        app.run(debug=True)
    '''
).lstrip()

BARE_APP = '"""Exercise 01."""\n\nfrom flask import Flask\n\napp = Flask(__name__)\n'

TEMPLATE = textwrap.dedent(
    """
    {% extends "base.html" %}
    {% block content %}
    <h1>Hello, {{ name }}!</h1>
    <ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>
    <a href="{{ url_for('index') }}">{{ title|e }}</a>
    {% endblock %}
    """
).lstrip()


@pytest.fixture(scope="module")
def sample_mutants(tmp_path_factory) -> list[Mutant]:
    folder = tmp_path_factory.mktemp("solution")
    (folder / "app.py").write_text(SAMPLE, encoding="utf-8")
    (folder / "templates").mkdir()
    (folder / "templates" / "hello.html").write_text(TEMPLATE, encoding="utf-8")
    (folder / "templates" / "logo.png").write_bytes(b"\x89PNG")  # not a template: left alone
    return make_mutants("99_sample", folder, ("app.py", "templates")) + python_mutants(
        "01_app_instance", "app.py", BARE_APP
    )


def changed_lines(mutant: Mutant) -> tuple[list[str], list[str]]:
    lines = [line for line in mutant.diff.splitlines() if line[:3] not in ("---", "+++") and line[:1] in "+-"]
    return [line[1:] for line in lines if line[0] == "-"], [line[1:] for line in lines if line[0] == "+"]


def test_every_operator_applies_somewhere(sample_mutants):
    assert {mutant.operator for mutant in sample_mutants} == set(OPERATORS)
    assert MUST_KILL <= {category for category, _ in OPERATORS.values()}


def test_a_python_mutant_changes_only_the_statement_it_names(sample_mutants):
    for mutant in (m for m in sample_mutants if m.file == "app.py" and m.exercise == "99_sample"):
        ast.parse(mutant.source)
        removed, added = changed_lines(mutant)
        assert removed or added, mutant.id
        # Nothing else was re-rendered: every comment of the solution is still there.
        for line in SAMPLE.splitlines():
            if "#" in line and line not in removed:
                assert line in mutant.source.splitlines(), (mutant.id, line)
        multi_site = mutant.operator in ("session-global", "g-global", "current-app-global")
        assert multi_site or len(removed) <= 2, (mutant.id, removed)


def test_mutants_are_distinct_and_ids_are_stable(sample_mutants, tmp_path):
    sources = [(m.exercise, m.file, m.source) for m in sample_mutants]
    assert len(sources) == len(set(sources))
    ids = [m.id for m in sample_mutants]
    assert len(ids) == len(set(ids)) and all(MUTANT_ID.match(i) for i in ids)
    # An edit elsewhere that moves no line leaves the other mutants' ids alone.
    edited = SAMPLE.replace('"Hello"', '"Howdy"')
    again = {m.id for m in python_mutants("99_sample", "app.py", edited)}
    untouched = {
        m.id for m in sample_mutants if m.file == "app.py" and m.exercise == "99_sample" and 'Hello"' not in m.diff
    }
    assert untouched <= again


def made(mutants: list[Mutant], operator: str, removed: str) -> list[list[str]]:
    """The added lines of each mutant of ``operator`` that removes a line containing ``removed``."""
    return [
        [line.strip() for line in changed_lines(mutant)[1]]
        for mutant in mutants
        if mutant.operator == operator and any(removed in line for line in changed_lines(mutant)[0])
    ]


@pytest.mark.parametrize(
    ("operator", "removed", "added"),
    [
        ("converter-drop", '@app.route("/item/<int:item_id>/next")', ['@app.route("/item/<item_id>/next")']),
        ("converter-change", "/item/<int:item_id>/next", ['@app.route("/item/<float:item_id>/next")']),
        ("converter-widen", '@app.route("/user/<name>"', ['@app.route("/user/<path:name>", methods=["GET", "POST"])']),
        ("converter-widen", "/item/<int:item_id>/next", ['@app.route("/item/<int(signed=True):item_id>/next")']),
        ("converter-unregister", 'app.url_map.converters["list"]', ["pass"]),
        ("converter-class", "regex = ", ["pass"]),
        ("escape-drop", "{escape(name)}", ['return f"<h1>Hello, {name}!</h1>"']),
        ("hook-return-drop", 'return "Unauthorized", 401', ["pass"]),
        ("hook-return-drop", "return response", ["pass"]),
        ("hook-drop", "@app.before_request", []),
        ("hook-drop", "app.teardown_request(count)", ["pass"]),
        ("status-change", 'return "Unauthorized", 401', ['return "Unauthorized", 403']),
        ("status-drop", 'return "Unauthorized", 401', ['return "Unauthorized"']),
        ("status-change", "abort(404)", ["abort(400)"]),
        ("status-change", "make_response(", ['return make_response({"ok": True}, 200)']),
        ("status-drop", "make_response(", ['return make_response({"ok": True})']),
        ("status-change", "@app.errorhandler(404)", ["@app.errorhandler(400)"]),
        ("status-change", "app.register_error_handler(500, crashed)", ["app.register_error_handler(503, crashed)"]),
        ("handler-status-drop", 'return {"error": "not found"}, 404', ['return {"error": "not found"}']),
        ("handler-drop", "@app.errorhandler(404)", []),
        ("handler-drop", "app.register_error_handler", ["pass"]),
        ("redirect-code", 'redirect("/visit", code=301)', ['return redirect("/visit", code=302)']),
        ("redirect-code", 'redirect(url_for("visit"))', ['return redirect(url_for("visit"), code=301)']),
        ("abort-swallow", "abort(404)", ["pass"]),
        ("methods-change", 'methods=["GET", "POST"]', ['@app.route("/user/<name>", methods=["GET"])']),
        ("methods-change", '@app.post("/form")', ['@app.get("/form")']),
        ("request-source", 'request.form["name"]', ['return request.args["name"]']),
        ("json-as-text", "jsonify(id=user_id)", ['return __import__("json").dumps(dict(id=user_id))']),
        ("json-as-text", 'return {"ok": True}, 200', ['return __import__("json").dumps({"ok": True}), 200']),
        ("status-change", 'return {"ok": True}, 200', ['return {"ok": True}, 201']),
        ("route-slash", '@app.route("/visit")', ['@app.route("/visit/")']),
        ("route-drop", '@app.route("/visit")', []),
        ("decorator-drop", "@app.context_processor", []),
        ("main-guard-drop", 'if __name__ == "__main__":', ["app.run(debug=True)"]),
        ("statement-drop", 'g.user = request.headers.get("X-User")', ["pass"]),
        ("statement-drop", "TORN_DOWN += 1", ["pass"]),
        ("off-by-one", "{item_id + 1}", ['return f"Next item: {item_id + 2}"  # the int converter makes + 1 work']),
        ("off-by-one", "TORN_DOWN += 1", ["TORN_DOWN += 0"]),
        (
            "arithmetic-swap",
            "{item_id + 1}",
            ['return f"Next item: {item_id - 1}"  # the int converter makes + 1 work'],
        ),
        ("compare-change", "if user_id > 2:", ["if user_id >= 2:"]),
        ("condition-negate", "if user_id > 2:", ["if not user_id > 2:"]),
        ("boolean-swap", 'or "anonymous"', ['g.user = request.headers.get("X-User") and "anonymous"']),
        ("bool-flip", "app.run(debug=True)", ["app.run(debug=False)"]),
        ("keyword-drop", "app.run(debug=True)", ["app.run()"]),
        ("string-change", 'return f"Visits:', ["return f\"Visits:{session['visits']}\""]),
        ("app-import-name", "app = Flask(__name__)", ['app = Flask("app")']),
        ("app-static-off", "app = Flask(__name__)", ["app = Flask(__name__, static_folder=None)"]),
        ("template-safe", "{{ name }}", ["<h1>Hello, {{ name|safe }}!</h1>"]),
        ("template-extends-drop", "{% extends", []),
        (
            "template-loop",
            "{% for item in items %}",
            ["<ul>{% for item in (items)[1:] %}<li>{{ item }}</li>{% endfor %}</ul>"],
        ),
    ],
)
def test_each_flask_mistake_is_made_as_a_learner_would(sample_mutants, operator, removed, added):
    assert added in made(sample_mutants, operator, removed)


def test_session_and_g_become_module_globals_everywhere_at_once(sample_mutants):
    session_mutant = next(m for m in sample_mutants if m.operator == "session-global")
    assert "_global_session = {}" in session_mutant.source
    assert (
        "session"
        not in session_mutant.source.replace("_global_session", "").split("from flask import")[1].split("\n", 1)[1]
    )
    g_mutant = next(m for m in sample_mutants if m.operator == "g-global")
    assert "_global_g = _AppCtxGlobals()" in g_mutant.source
    assert g_mutant.source.count("_global_g.user") == 3


def test_values_that_cannot_carry_markup_get_no_safe_mutant(sample_mutants):
    safe = [m for m in sample_mutants if m.operator == "template-safe"]
    assert sorted(changed_lines(m)[1][0].strip() for m in safe) == [
        "<h1>Hello, {{ name|safe }}!</h1>",
        "<ul>{% for item in items %}<li>{{ item|safe }}</li>{% endfor %}</ul>",
    ]


def test_the_app_instance_mistakes_apply_only_to_a_bare_app(sample_mutants):
    operators = {m.operator for m in sample_mutants if m.exercise == "99_sample"}
    assert not operators & {"app-import-name", "app-static-off", "run-on-import"}
    bare = {m.operator for m in sample_mutants if m.exercise == "01_app_instance"}
    assert bare == {"app-import-name", "app-static-off", "run-on-import"}


def test_the_route_rule_and_status_codes_get_no_generic_mutants(sample_mutants):
    for mutant in sample_mutants:
        removed, added = changed_lines(mutant)
        if mutant.operator in ("string-change", "off-by-one"):
            assert not any(line.lstrip().startswith("@") for line in removed), mutant.id
            for code in ("401", "404", "500"):
                assert all(code in line for line in added) or not any(code in line for line in removed), mutant.id


def test_files_that_are_not_python_or_templates_are_not_mutated(sample_mutants):
    assert {m.file for m in sample_mutants} == {"app.py", "templates/hello.html"}


def test_solution_files_are_read_not_changed(tmp_path: Path):
    (tmp_path / "app.py").write_text(SAMPLE, encoding="utf-8")
    assert make_mutants("99_sample", tmp_path, ("app.py",))
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == SAMPLE


def test_the_audit_guide_documents_every_operator():
    guide = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    assert [name for name in OPERATORS if f"`{name}`" not in guide] == []


def test_a_status_of_200_is_never_dropped(sample_mutants):
    drops = [m for m in sample_mutants if m.operator in ("status-drop", "handler-status-drop")]
    assert drops and not [m.id for m in drops if "200" in m.diff]
