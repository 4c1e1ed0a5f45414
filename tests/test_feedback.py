"""What a learner reads about a failed check: request, expected, actual, example,
their own traceback, a line to reproduce it, the hint; plain when piped, cut when long."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from grader import report
from grader.cli import main
from grader.course import Course
from grader.grading import grade
from grader.reproduce import BASE_URL
from grader.results import CheckResult, ExerciseResult, schema
from grader.style import Style
from tests.helpers import ROOT, solution, write_submission


def feedback_of(output: str, check: str) -> str:
    """The lines a report shows under ``check``: up to the next check's line."""
    match = re.search(rf"^  \S+ +{check} .*\n((?:      .*\n|\n)*)", output, re.MULTILINE)
    assert match, f"no failing check {check} in:\n{output}"
    return textwrap.dedent(match.group(1))


def test_typical_mistakes_in_02_and_04_show_request_expected_actual_and_how_to_reproduce(tmp_path):
    root = write_submission(
        tmp_path / "submission",
        {
            # 02: the text without its <p>, and a view that uses a name it never defined.
            "02_first_route/app.py": """
                from flask import Flask
                app = Flask(__name__)

                @app.route("/")
                def index():
                    return "Hello World"

                @app.route("/about")
                def about():
                    return "<p>About this app</p>" + footer
            """,
            # 04: off by one, and a price without its two decimals.
            "04_converters/app.py": solution("04_converters")
            .replace("item_id + 1", "item_id + 2")
            .replace("{amount:.2f}", "{amount}"),
        },
    )
    run = CliRunner().invoke(
        main, ["--course", str(ROOT), "check", "02", "04", "--root", str(root), "--allow-weak-sandbox"]
    )
    output = run.output
    assert run.exit_code == 1, output
    assert "\x1b[" not in output and "✗" not in output, "piped output is plain text"

    index = feedback_of(output, "index")
    assert "GET / answered with a different body." in index
    assert "Request:   GET /\n" in index
    assert "Expected:  '<p>Hello World</p>'" in index
    assert "Actual:    200 OK" in index and "body 'Hello World'" in index
    assert "Try it:    curl -i http://127.0.0.1:5000/\n" in index
    assert f"flask --app {root / '02_first_route' / 'app.py'} run" in index
    assert 'Hint:      Decorate a function named index with `@app.route("/")`' in index

    about = feedback_of(output, "about")
    assert "Request:   GET /about" in about
    assert "Expected:  status 200" in about
    assert "Actual:    500 INTERNAL SERVER ERROR" in about
    assert "body: Flask's standard Internal Server Error page, because your code raised" in about
    assert "<!doctype" not in about
    raised = about.split("Your code raised:")[1].split("Try it:")[0]
    assert 'File "app.py", line 11, in about' in raised
    assert "NameError: name 'footer' is not defined" in raised
    for foreign in ("flask/", "werkzeug", "grader/", "site-packages"):
        assert foreign not in raised, "only the learner's frames"

    following = feedback_of(output, "next_item")
    assert "Request:   GET /item/0/next" in following
    assert "Expected:  'Next item: 1'" in following
    assert "body 'Next item: 2'" in following
    assert "Fails for: item_id = 0 (the smallest failing input Hypothesis found)" in following
    assert "curl -i http://127.0.0.1:5000/item/0/next" in following

    price = feedback_of(output, "price")
    assert "Request:   GET /price/0.0" in price
    assert "Expected:  'Price: 0.00'" in price and "body 'Price: 0.0'" in price
    assert "Fails for: amount = '0.0'" in price
    assert "Hint:      Use `<float:amount>` and format it with `{amount:.2f}`." in price

    assert re.search(r"^  PASS +item_rejects_non_int +2/2  /item/abc", output, re.MULTILINE), "points per check"
    assert not re.search(r"^  PASS .*\n      ", output, re.MULTILINE), "a passing check has no feedback"


# A small course of its own: a session counter and error handlers, the mistakes of
# exercises 09 (sessions) and 13 (errors) without depending on those exercises.
SMALL_COURSE = {
    "01_visits/exercise.yaml": """
        title: Visits
        concept: session
        order: 1
        hints: [Read the count from the session, add one, and store it back under the same key.]
        checks:
          counts_per_client: {points: 2, hint: 'Store the new count in session["visits"].'}
    """,
    "01_visits/checks.py": '''
        from grader import expect

        def test_counts_per_client(client):
            """GET /visit counts this client's visits."""
            expect(client.get("/visit")).status(200).body("Visits: 1")
            expect(client.get("/visit")).status(200).body("Visits: 2")
    ''',
    "02_handlers/exercise.yaml": """
        title: Handlers
        concept: error handlers
        order: 2
        hints: [An error handler returns a body and a status, like a view.]
        checks:
          not_found_json: {hint: "Return the dict and 404: return {...}, 404."}
          crash_handled: {hint: Give the 500 handler's answer the status 500.}
    """,
    "02_handlers/checks.py": '''
        from grader import expect

        def test_not_found_json(client):
            """An unknown URL answers 404 with JSON {"error": "not found"}."""
            expect(client.get("/no/such/page")).status(404).json({"error": "not found"})

        def test_crash_handled(client):
            """GET /crash answers 500 Something went wrong."""
            expect(client.get("/crash")).status(500).body("Something went wrong")
    ''',
}
for _folder in ("01_visits", "02_handlers"):
    SMALL_COURSE[f"{_folder}/app.py"] = "from flask import Flask\napp = Flask(__name__)\n"

MISTAKES = {
    # The count is read from one key and stored under another.
    "01_visits/app.py": """
        from flask import Flask, session
        app = Flask(__name__)
        app.secret_key = "dev"

        @app.route("/visit")
        def visit():
            count = session.get("visits", 0) + 1
            session["visit"] = count
            return f"Visits: {count}"
    """,
    # Handlers that forget their status code.
    "02_handlers/app.py": """
        from flask import Flask
        app = Flask(__name__)

        @app.errorhandler(404)
        def not_found(error):
            return {"error": "not found"}

        @app.errorhandler(500)
        def crashed(error):
            return "Something went wrong"

        @app.route("/crash")
        def crash():
            raise RuntimeError("boom")
    """,
}


def test_session_and_error_handler_mistakes_show_cookies_status_and_traceback(tmp_path):
    course = Course(write_submission(tmp_path / "course", {f"exercises/{k}": v for k, v in SMALL_COURSE.items()}))
    root = write_submission(tmp_path / "submission", MISTAKES)
    result = grade(course, root)
    jsonschema.validate(json.loads(result.to_json()), schema())
    output = report.render(result)

    visits = feedback_of(output, "counts_per_client")
    # The story of the app's requests comes by itself: the first visit, then the failing one.
    assert "Request:   1. GET /visit → 200 OK, body 'Visits: 1'\n           2. GET /visit\n" in visits
    assert "Expected:  'Visits: 2'" in visits and "body 'Visits: 1'" in visits
    # The second visit carries the cookie the first set: both requests, one cookie jar.
    assert (
        "Try it:    rm -f cookies.txt\n"
        "           curl -s -o /dev/null -b cookies.txt -c cookies.txt http://127.0.0.1:5000/visit\n"
        "           curl -i -b cookies.txt -c cookies.txt http://127.0.0.1:5000/visit\n"
    ) in visits
    assert 'Hint:      Store the new count in session["visits"].' in visits

    not_found = feedback_of(output, "not_found_json")
    assert "Request:   GET /no/such/page" in not_found
    assert "Expected:  status 404" in not_found
    assert "Actual:    200 OK" in not_found and "Content-Type: application/json" in not_found
    assert "not found" in not_found.split("Actual:")[1]

    crash = feedback_of(output, "crash_handled")
    assert "Expected:  status 500" in crash and "Actual:    200 OK" in crash
    assert "body 'Something went wrong'" in crash, "the handler's own body is shown"
    assert "RuntimeError: boom" in crash and "in crash" in crash


def _failed_check(**details: str) -> CheckResult:
    return CheckResult("index", "GET / answers.", "failed", 0, 1, message="GET / answered wrongly.", details=details)


class _Terminal:
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def test_colours_and_symbols_on_a_terminal_plain_words_when_piped_and_no_color_respected(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    exercise = ExerciseResult(
        "02_first_route", "02", "first_route", "Routes", "routes", "graded", 0, 1, checks=[_failed_check()]
    )

    terminal = report.render_exercise(exercise, Style.for_stream(_Terminal()))
    assert "\x1b[31m\x1b[1m✗\x1b[0m index" in terminal

    monkeypatch.setenv("NO_COLOR", "1")
    no_color = report.render_exercise(exercise, Style.for_stream(_Terminal()))
    assert "✗ index" in no_color and "\x1b[" not in no_color

    piped = report.render_exercise(exercise, Style.for_stream(open(__file__, encoding="utf-8")))
    assert "FAIL    index" in piped and "✗" not in piped and "\x1b[" not in piped


def test_long_tracebacks_and_output_are_cut_with_a_visible_marker_keeping_the_end():
    frames = "".join(f'  File "app.py", line {n}, in f{n}\n    f{n + 1}()\n' for n in range(100))
    check = _failed_check(
        traceback="Traceback (most recent call last):\n"
        + frames
        + "RecursionError: maximum recursion depth exceeded\n",
        output="".join(f"printed line {n}\n" for n in range(500)) + "x" * 1000,
    )
    text = report.feedback(check)
    assert "[... 172 more lines cut]" in text and "[... 471 more lines cut]" in text
    assert "RecursionError: maximum recursion depth exceeded" in text
    assert "[... 700 more characters cut]" in text
    assert len(text.splitlines()) < 80


def test_typical_mistakes_in_09_and_13_show_request_expected_and_actual(tmp_path):
    root = write_submission(
        tmp_path / "submission",
        {
            # 09: one counter for everybody instead of one per session.
            "09_sessions/app.py": solution("09_sessions")
            .replace(
                'def visit():\n    session["visits"] = session.get("visits", 0) + 1\n    return f"Visits: {session[\'visits\']}"',
                'def visit():\n    global VISITS\n    VISITS += 1\n    return f"Visits: {VISITS}"',
            )
            .replace("app = Flask(__name__)", "app = Flask(__name__)\nVISITS = 0"),
            # 13: the 404 handler forgets its status code, so it answers 200.
            "13_errors/app.py": solution("13_errors").replace(
                'return {"error": "not found"}, 404', 'return {"error": "not found"}'
            ),
        },
    )
    run = CliRunner().invoke(
        main, ["--course", str(ROOT), "check", "09", "13", "--root", str(root), "--allow-weak-sandbox"]
    )
    output = run.output
    assert run.exit_code == 1, output

    independent = feedback_of(output, "clients_independent")
    assert "Request:   1. client A: GET /visit → 200 OK, body 'Visits: 1'" in independent
    assert "client B: GET /visit" in independent
    assert "Expected:  'Visits: 1'" in independent
    assert "Actual:    200 OK" in independent and "body 'Visits: 2'" in independent

    unknown = feedback_of(output, "unknown_url")
    assert "Request:   GET /" in unknown
    assert "Expected:  status 404" in unknown
    assert "Actual:    200 OK" in unknown


# Failing submissions whose checks send the shapes reproduction must carry: an empty
# header, cookies set earlier in the check, a JSON body, a path with %-escapes.
REPRODUCED = {
    "08_app_context": (
        solution("08_app_context").replace(
            'request.headers.get("X-User") or "anonymous"', 'request.headers.get("X-User", "anonymous")'
        ),
        "whoami_anonymous",
    ),
    "09_sessions": (
        solution("09_sessions").replace(
            '    session["visits"] = session.get("visits", 0) + 1\n    return f"Visits: {session[\'visits\']}"',
            '    seen = session.setdefault("seen", [])\n    seen.append(1)  # changed in place: not saved\n'
            '    return f"Visits: {len(seen)}"',
        ),
        "counts_visits",
    ),
    "07_request_object": (
        solution("07_request_object").replace(" and not isinstance(value, bool)", ""),
        "sum_rejects_non_numbers",
    ),
    "12_redirects": (
        solution("12_redirects").replace('redirect(url_for("profile", name=name))', 'redirect(f"/profile/{name}")'),
        "go_quotes_names",
    ),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def flask_run(folder: Path, port: int):
    """``flask --app app.py run`` in ``folder`` on loopback, as the report tells the learner."""
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app.py", "run", "--port", str(port)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "FLASK_DEBUG": "0"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None and time.monotonic() < deadline, "flask run did not start"
            time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(30)


def answer_of(curl_output: str) -> tuple[str, str]:
    """Status line (``200 OK``) and body of the last response ``curl -i`` printed."""
    head, _, body = curl_output.replace("\r\n", "\n").rpartition("\nHTTP/1.1 ")[2].partition("\n\n")
    status = head.removeprefix("HTTP/1.1 ").splitlines()[0]
    return status, body


def test_try_it_lines_reproduce_the_failure_against_flask_run(tmp_path):
    root = write_submission(tmp_path / "submission", {f"{ex}/app.py": src for ex, (src, _) in REPRODUCED.items()})
    result = grade(Course(ROOT), root, sorted(REPRODUCED))
    for exercise in result.exercises:
        check = next(check for check in exercise.checks if check.name == REPRODUCED[exercise.id][1])
        assert check.status == "failed", check.message
        commands = check.details["reproduce"]
        status, *_, body_line = check.details["actual"].splitlines()
        expected_body = "" if body_line == "empty body" else ast.literal_eval(body_line.removeprefix("body "))
        port = free_port()
        script = commands.replace(BASE_URL, f"http://127.0.0.1:{port}")
        with flask_run(root / exercise.id, port):
            done = subprocess.run(
                ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
            )
        assert answer_of(done.stdout) == (status, expected_body), f"{exercise.id}:\n{commands}\n{done.stdout}"
    shapes = {
        exercise.id: check.details["reproduce"]
        for exercise in result.exercises
        for check in exercise.checks
        if check.name == REPRODUCED[exercise.id][1]
    }
    assert "-H 'X-User;'" in shapes["08_app_context"]
    assert "-b cookies.txt -c cookies.txt" in shapes["09_sessions"]
    assert "--data-raw" in shapes["07_request_object"] and "application/json" in shapes["07_request_object"]
    assert "%25" in shapes["12_redirects"]


def test_hints_fit_the_reason_crashes_on_purpose_are_said_and_substitutions_explained(tmp_path):
    templates = ROOT / "solutions/14_templates/templates"
    files: dict[str, str | bytes] = {
        f"14_templates/templates/{path.name}": path.read_text(encoding="utf-8") for path in templates.iterdir()
    }
    files["14_templates/app.py"] = solution("14_templates")
    files["14_templates/templates/items.html"] = (  # the fruit copied in, ITEMS ignored
        '{% extends "base.html" %}{% block title %}Items{% endblock %}'
        "{% block content %}<ul><li>apple</li><li>banana</li><li>cherry</li></ul>{% endblock %}"
    )
    files["14_templates/templates/hello.html"] = (  # base.html's title copied, not extended
        "<title>Hello - Flask Exercises</title><h1>Hello, {{ name }}!</h1>"
    )
    # 13: the 404 handler forgets its status, and there is no 500 handler at all.
    files["13_errors/app.py"] = (
        solution("13_errors")
        .replace('return {"error": "not found"}, 404', 'return {"error": "not found"}')
        .replace('@app.errorhandler(500)\ndef server_error(error):\n    return "Something went wrong", 500\n', "")
    )
    root = write_submission(tmp_path / "submission", files)
    run = CliRunner().invoke(
        main, ["--course", str(ROOT), "check", "13", "14", "--root", str(root), "--allow-weak-sandbox"]
    )
    output = run.output

    missing_user = feedback_of(output, "missing_user")
    assert "answered 200 OK instead of 404" in missing_user
    assert "Hint:      An error handler answers like a view: return the status with the body" in missing_user
    assert "KeyError" not in missing_user, "the general hint is for a crash, not for a missing status"

    crash = feedback_of(output, "crash")
    assert "Note:      GET /crash raises ZeroDivisionError on purpose" in crash
    assert "It raised, as the exercise asks:" in crash and "Your code raised" not in crash
    assert "no 500 handler answered it" in crash
    assert "Hint:      Add `@app.errorhandler(500)`" in crash, "a crash gets the general hint"

    items = feedback_of(output, "items_from_constant")
    assert "The grader set ITEMS = [" in items and "for this check only (app.py is unchanged)" in items
    extends = feedback_of(output, "pages_extend_base")
    assert "The grader replaced templates/base.html, for this check only" in extends
    assert "GET /hello/alice answered a page titled 'Hello - Flask Exercises'" in extends
    assert re.search(r"FAIL +pages_extend_base +0/2 ", output), "points per check"
