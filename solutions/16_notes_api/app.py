"""Exercise 16, reference solution."""

from itertools import count

from flask import Flask, abort, request, url_for

app = Flask(__name__)

API_KEY = "secret"
NOTES = {}  # id -> note, in creation order
NEXT_ID = count(1)  # ids are never reused, even after a delete


def require_api_key():
    if request.headers.get("X-API-Key") != API_KEY:
        abort(401)


@app.get("/notes")
def list_notes():
    return list(NOTES.values())


@app.post("/notes")
def create_note():
    require_api_key()
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return {"error": "send a JSON object with a string field text"}, 400
    note = {"id": next(NEXT_ID), "text": data["text"]}
    NOTES[note["id"]] = note
    return note, 201, {"Location": url_for("read_note", note_id=note["id"])}


@app.get("/notes/<int:note_id>")
def read_note(note_id):
    if note_id not in NOTES:
        abort(404)
    return NOTES[note_id]


@app.delete("/notes/<int:note_id>")
def delete_note(note_id):
    require_api_key()
    if note_id not in NOTES:
        abort(404)
    del NOTES[note_id]
    return "", 204


@app.errorhandler(401)
def unauthorized(error):
    return {"error": "unauthorized: send the header X-API-Key"}, 401


@app.errorhandler(404)
def not_found(error):
    return {"error": "not found"}, 404


@app.after_request
def count_notes(response):
    response.headers["X-Notes-Count"] = str(len(NOTES))
    return response
