"""Exercise 11: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "11_responses"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "make_response and jsonify everywhere": """
        from flask import Flask, jsonify, make_response
        app = Flask(__name__)

        def created():
            return make_response("Created", "201")

        def teapot():
            response = make_response("I'm a teapot")
            response.status_code = 418
            return response

        def with_header():
            response = make_response("OK")
            response.headers["X-Exercise"] = "responses"
            return response

        def cookie():
            response = make_response("Cookie set", 200)
            response.set_cookie("flavor", value="chocolate", max_age=3600, httponly=True)
            return response

        def as_json():
            return jsonify(ok=True)

        def empty():
            return make_response("", 204)

        def status(code):
            return make_response(f"Status {code}", code)

        for rule, view in [("/created", created), ("/teapot", teapot), ("/with-header", with_header),
                           ("/cookie", cookie), ("/json", as_json), ("/empty", empty),
                           ("/status/<int:code>", status)]:
            app.add_url_rule(rule, view_func=view)
    """,
    "Response objects and header lists": """
        from flask import Flask, Response
        app = Flask(__name__)

        @app.get("/created")
        def created():
            return Response("Created", status=201)

        @app.get("/teapot")
        def teapot():
            return "I'm a teapot", "418 I'M A TEAPOT"

        @app.get("/with-header")
        def with_header():
            return "OK", [("X-Exercise", "responses")]

        @app.get("/cookie")
        def cookie():
            return "Cookie set", {"Set-Cookie": "flavor=chocolate; Path=/"}

        @app.get("/json")
        def json():
            return Response('{"ok": true}', mimetype="application/json")

        @app.get("/empty")
        def empty():
            return Response(status=204)

        @app.get("/status/<int:code>")
        def status(code):
            return Response(f"Status {code}", status=code)
    """,
}


MISTAKES = {
    "status forgotten": (SOLUTION.replace('return "Created", 201', 'return "Created"'), {"created"}),
    "British cookie name": (SOLUTION.replace('set_cookie("flavor"', 'set_cookie("flavour"'), {"cookie"}),
    "empty body but status 200": (SOLUTION.replace('return "", 204', 'return ""'), {"empty"}),
    "JSON written as a string": (SOLUTION.replace('return {"ok": True}', """return '{"ok": true}'"""), {"json"}),
    "abort instead of a status": (
        SOLUTION.replace(
            'return f"Status {code}", code', 'abort(code) if code >= 400 else None\n    return f"Status {code}", code'
        ).replace("from flask import Flask", "from flask import Flask, abort"),
        {"any_status"},
    ),
    "status code without its converter": (
        SOLUTION.replace('"/status/<int:code>"', '"/status/<code>"').replace(
            'return f"Status {code}", code', 'return f"Status {code}", int(code)'
        ),
        {"status_needs_an_int"},
    ),
}
