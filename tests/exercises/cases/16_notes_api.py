"""Exercise 16: what learners submit, correct and mistaken (see ``cases/__init__.py``).

The state machine (check ``model``) compares every answer with a model of the
API, so a mistake fails the check that names it and the model too."""

from tests.helpers import solution

EXERCISE = "16_notes_api"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "a before_request key check, jsonify, a global counter, absolute Location": """
        from flask import Flask, abort, jsonify, make_response, request, url_for
        app = Flask(__name__)
        notes = {}
        last_id = 0

        @app.before_request
        def check_key():
            if request.method in ("POST", "DELETE") and request.headers.get("X-API-Key") != "secret":
                return jsonify(error="missing or wrong API key"), 401

        @app.route("/notes", methods=["GET", "POST"])
        def collection():
            global last_id
            if request.method == "GET":
                return jsonify([notes[i] for i in sorted(notes)])
            data = request.get_json(silent=True)
            text = data.get("text") if isinstance(data, dict) else None
            if type(text) is not str:
                return jsonify(error="text must be a string"), 400
            last_id += 1
            notes[last_id] = {"id": last_id, "text": text}
            response = make_response(jsonify(notes[last_id]), 201)
            response.headers["Location"] = url_for("item", note_id=last_id, _external=True)
            return response

        @app.route("/notes/<int:note_id>", methods=["GET", "DELETE"])
        def item(note_id):
            if note_id not in notes:
                return jsonify(error="not found"), 404
            if request.method == "DELETE":
                notes.pop(note_id)
                return make_response("", 204)
            return jsonify(notes[note_id])

        @app.errorhandler(404)
        def unknown(error):
            return jsonify(error="not found"), 404

        @app.after_request
        def count(response):
            response.headers["X-Notes-Count"] = len(notes)
            return response
    """,
    "a list of notes, Unauthorized class handler, relative Location": """
        from flask import Flask, Response, abort, request
        from werkzeug.exceptions import NotFound, Unauthorized
        app = Flask(__name__)
        state = {"notes": [], "ids": 0}

        def find(note_id):
            for note in state["notes"]:
                if note["id"] == note_id:
                    return note
            raise NotFound()

        def authorise():
            if request.headers.get("X-API-Key", "") != "secret":
                raise Unauthorized()

        @app.get("/notes")
        def index():
            return state["notes"]

        @app.post("/notes")
        def add():
            authorise()
            body = request.get_json(silent=True) or {}
            if not isinstance(body, dict) or not isinstance(body.get("text"), str):
                return {"error": "bad request"}, 400
            state["ids"] += 1
            note = {"id": state["ids"], "text": body["text"]}
            state["notes"].append(note)
            return note, 201, [("Location", f"/notes/{note['id']}")]

        @app.get("/notes/<int:note_id>")
        def show(note_id):
            return find(note_id)

        @app.delete("/notes/<int:note_id>")
        def remove(note_id):
            authorise()
            state["notes"].remove(find(note_id))
            return Response(status=204)

        @app.errorhandler(Unauthorized)
        def unauthorised(error):
            return {"error": "unauthorized"}, 401

        @app.errorhandler(NotFound)
        def not_found(error):
            return {"error": "not found"}, 404

        @app.after_request
        def count(response):
            response.headers.set("X-Notes-Count", str(len(state["notes"])))
            return response
    """,
}


HEADER_IN_VIEWS = """
    from flask import Flask, abort, request
    app = Flask(__name__)
    NOTES, IDS = {}, [0]

    def count():
        return {"X-Notes-Count": str(len(NOTES))}

    def check_key():
        if request.headers.get("X-API-Key") != "secret":
            abort(401)

    @app.get("/notes")
    def list_notes():
        return list(NOTES.values()), 200, count()

    @app.post("/notes")
    def create_note():
        check_key()
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return {"error": "bad request"}, 400, count()
        IDS[0] += 1
        NOTES[IDS[0]] = {"id": IDS[0], "text": data["text"]}
        return NOTES[IDS[0]], 201, {"Location": f"/notes/{IDS[0]}", **count()}

    @app.get("/notes/<int:note_id>")
    def read_note(note_id):
        if note_id not in NOTES:
            abort(404)
        return NOTES[note_id], 200, count()

    @app.delete("/notes/<int:note_id>")
    def delete_note(note_id):
        check_key()
        if note_id not in NOTES:
            abort(404)
        del NOTES[note_id]
        return "", 204, count()

    @app.errorhandler(401)
    def unauthorized(error):
        return {"error": "unauthorized"}, 401

    @app.errorhandler(404)
    def not_found(error):
        return {"error": "not found"}, 404
"""


MISTAKES = {
    "the key checked after the lookup": (
        SOLUTION.replace(
            "    require_api_key()\n    if note_id not in NOTES:\n        abort(404)\n",
            "    if note_id not in NOTES:\n        abort(404)\n    require_api_key()\n",
        ),
        {"api_key", "model"},
    ),
    "a non-string text accepted": (
        SOLUTION.replace('or not isinstance(data.get("text"), str)', 'or "text" not in data'),
        {"bad_body", "model"},
    ),
    "an empty text refused": (
        SOLUTION.replace(
            'isinstance(data.get("text"), str):', 'isinstance(data.get("text"), str) or not data["text"]:'
        ),
        {"create", "model"},
    ),
    "delete answers 200 with a body": (
        SOLUTION.replace('return "", 204', 'return {"deleted": note_id}'),
        {"delete", "model"},
    ),
    "the count header set in the views only": (HEADER_IN_VIEWS, {"count_header", "model"}),
}
