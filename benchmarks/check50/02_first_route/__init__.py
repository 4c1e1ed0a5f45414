"""check50 checks equivalent to exercises/02_first_route/checks.py (for the benchmark)."""

import sys
from pathlib import Path

import check50
import check50.flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import names, url  # noqa: E402


def body(app, expected):
    actual = app.response.get_data(as_text=True)
    if actual != expected:
        raise check50.Mismatch(expected, actual)


@check50.check()
def exists():
    """app.py exists"""
    check50.exists("app.py")


@check50.check(exists)
def index():
    """GET / answers 200 with <p>Hello World</p>."""
    app = check50.flask.app("app.py").get("/").status(200)
    body(app, "<p>Hello World</p>")


@check50.check(exists)
def about():
    """GET /about answers 200 with <p>About this app</p>."""
    app = check50.flask.app("app.py").get("/about").status(200)
    body(app, "<p>About this app</p>")


@check50.check(exists)
def endpoints():
    """The routes / and /about have the endpoints index and about."""
    app = check50.flask.app("app.py")
    rules = {rule.rule: rule.endpoint for rule in app._client.application.url_map.iter_rules()}
    if rules.get("/") != "index" or rules.get("/about") != "about":
        raise check50.Failure("expected endpoints index and about")


@check50.check(exists)
def unknown_paths_404():
    """Any path but / and /about answers 404, while / answers 200."""
    app = check50.flask.app("app.py")
    for name in names(2):
        app.get("/").status(200)
        if name not in ("about", "static"):
            app.get("/" + url(name)).status(404)


@check50.check(exists)
def post_not_allowed():
    """POST / answers 405."""
    check50.flask.app("app.py").post("/").status(405)


@check50.check(exists)
def head_and_options():
    """HEAD / answers 200 with no body; OPTIONS / allows GET, HEAD and OPTIONS."""
    client = check50.flask.app("app.py")._client
    head = client.head("/")
    if head.status_code != 200 or head.data:
        raise check50.Failure("HEAD / should answer 200 with no body")
    allow = set(client.options("/").headers.get("Allow", "").replace(" ", "").split(","))
    if not {"GET", "HEAD", "OPTIONS"} <= allow:
        raise check50.Failure("OPTIONS / should allow GET, HEAD and OPTIONS")
