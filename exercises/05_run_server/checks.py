"""Checks for exercise 05: running the development server.

The module runs as ``__main__`` (fixture ``main_app``) with ``Flask.run`` and
``run_simple`` replaced by a recorder, so each call is seen and none serves.
"""

from typing import Any

from grader import expect, fail

WANTED = 'app.run(host="0.0.0.0", debug=True) inside if __name__ == "__main__": at the end of app.py'


def server_start(main_app) -> dict[str, Any]:
    """The first recorded run of app.py as a script: the call that would serve forever."""
    if not main_app.run_calls:
        fail(
            "Running app.py as a script (python app.py) never called app.run(), so no server would start.",
            expected=WANTED,
            actual="no call of app.run()",
        )
    return main_app.run_calls[0]


def shown(call: dict[str, Any]) -> str:
    name = "app.run" if call["via"] == "Flask.run" else call["via"]
    arguments = [f"{key}={call[key]!r}" for key in ("host", "port", "debug")]
    arguments += [f"{key}={value!r}" for key, value in call["options"].items()]
    return f"{name}({', '.join(arguments)})"


def test_index(client):
    """GET / answers 200 with Server is running."""
    expect(client.get("/")).status(200).body("Server is running")


def test_guard(app, main_app):
    """app.run() is called when app.py runs as a script, and not when it is imported."""
    server_start(main_app)
    if app.run_calls:
        fail(
            f"Importing app.py called {shown(app.run_calls[0])}: anyone who imports the module "
            "(flask run, a test client, the grader) would start a server that never returns.",
            expected=WANTED,
            actual=f"{shown(app.run_calls[0])} while the module was imported",
        )


def test_host(main_app):
    """The server listens on every address: host 0.0.0.0."""
    call = server_start(main_app)
    if call["host"] != "0.0.0.0":
        where = (
            "127.0.0.1, this computer only" if call["host"] in (None, "127.0.0.1", "localhost") else repr(call["host"])
        )
        fail(
            f"app.run() was called with host={call['host']!r}, so the server would listen on {where}.",
            expected='app.run(host="0.0.0.0", ...)',
            actual=shown(call),
        )


def test_debug(main_app):
    """Debug mode is on when the server starts (debug=True, app.debug or the config)."""
    call = server_start(main_app)
    if not (call["debug"] or call["app_debug"]):
        fail(
            "The server would start with debug mode off: no reloader, no interactive traceback.",
            expected='app.run(..., debug=True), or app.debug = True / app.config["DEBUG"] = True before it',
            actual=f"{shown(call)} with app.debug False",
        )


def test_port(main_app):
    """The server uses port 5000, given or by default."""
    call = server_start(main_app)
    port = call["port"]
    if port is not None and str(port).strip() != "5000":
        fail(
            f"app.run() was called with port={port!r}; this exercise serves on Flask's usual port.",
            expected="port=5000, or no port at all (5000 is the default)",
            actual=shown(call),
        )


def test_routes_before_run(main_app):
    """app.run() comes after every route is registered (the guard is at the end)."""
    call = server_start(main_app)
    missing = sorted({rule.rule for rule in main_app.url_map} - set(call["rules"]))
    if missing:
        fail(
            f"app.run() was called before the route(s) {', '.join(missing)} were registered. "
            "app.run() never returns, so while the server runs they would not exist and answer 404.",
            expected='the if __name__ == "__main__": block as the last thing in app.py',
            actual=f"routes when app.run() was called: {', '.join(call['rules']) or 'none'}",
        )
