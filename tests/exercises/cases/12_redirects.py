"""Exercise 12: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

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
