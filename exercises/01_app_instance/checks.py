"""Checks for exercise 01: the application instance."""

from grader import expect, fail


def test_import_name(app, spawn_app):
    """app.import_name is the module's __name__, whatever the module is called."""
    renamed = spawn_app(module_name="shop")
    for loaded in (app, renamed):
        if loaded.import_name != loaded.module_name:
            fail(
                f"When the module is imported as {loaded.module_name!r}, app.import_name "
                f"is {loaded.import_name!r}: it should follow the module's __name__.",
                expected=f"app.import_name == {loaded.module_name!r}",
                actual=f"app.import_name == {loaded.import_name!r}",
            )


def test_no_server_on_import(app):
    """Importing app.py returns at once and starts no server."""
    if app.run_calls:
        call = app.run_calls[0]
        fail(
            f"Importing app.py called {call['via']}(): importing the module would start a server and never return.",
            expected="no call of app.run() while the module is imported",
            actual=f"{call['via']}(host={call['host']!r}, port={call['port']!r}, debug={call['debug']!r})",
        )


def test_static_route(app):
    """The app keeps Flask's default /static/<path:filename> route."""
    expect(app).route("/static/<path:filename>", endpoint="static")
