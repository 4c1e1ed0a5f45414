"""Exercise 12: correct alternatives get full marks; each typical mistake fails its check."""

from tests.exercises.cases import check_named, exercise_tests, grade_one
from tests.helpers import failing, solution

EXERCISE = "12_redirects"
SOLUTION = solution(EXERCISE)

ALTERNATIVES = {
    "literal paths, 303 and absolute URLs": """
        import html
        from flask import Flask, redirect, url_for
        app = Flask(__name__)

        @app.get("/old")
        def old():
            return redirect("/new", code=303)

        @app.get("/new")
        def new():
            return "New page"

        @app.get("/moved")
        def moved():
            return redirect("http://localhost/new", 301)

        @app.get("/go/<name>")
        def go(name):
            return redirect(url_for("show_profile", name=name, _external=True))

        @app.get("/profile/<name>")
        def show_profile(name):
            return "Profile: " + html.escape(name)
    """,
    "relative Location, Response objects and quote()": """
        from urllib.parse import quote
        from flask import Flask, Response, redirect
        from markupsafe import Markup
        app = Flask(__name__)

        @app.route("/old")
        def old():
            return redirect("new")  # resolved against /old, as a browser does

        @app.route("/new")
        def new():
            return "New page"

        @app.route("/moved")
        def moved():
            return Response(status=301, headers={"Location": "/new"})

        @app.route("/go/<name>")
        def go(name):
            return redirect("/profile/" + quote(name, safe=""))

        @app.route("/profile/<name>")
        def profile(name):
            return Markup("Profile: {}").format(name)
    """,
}

MISTAKES = {
    "/old redirects permanently": (
        SOLUTION.replace('return redirect(url_for("new"))', 'return redirect(url_for("new"), 301)'),
        {"old"},
    ),
    "/moved redirects temporarily": (SOLUTION.replace(", code=301", ""), {"moved"}),
    "name not escaped": (SOLUTION.replace("{escape(name)}", "{name}"), {"profile_escapes"}),
}


test_correct_alternatives_get_full_marks, test_typical_mistakes_lose_points_on_the_right_check = exercise_tests(
    EXERCISE, ALTERNATIVES, MISTAKES
)


def test_a_url_built_with_an_f_string_fails_and_is_explained_with_where_it_leads(grade_files):
    source = SOLUTION.replace('redirect(url_for("profile", name=name))', 'redirect(f"/profile/{name}")')
    result = grade_one(grade_files, EXERCISE, source)
    assert failing(result) == {"go_quotes_names"}
    check = check_named(result, "go_quotes_names")
    assert "yours leads to the path" in check.message
    assert check.example.startswith("name=")
