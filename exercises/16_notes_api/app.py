"""Exercise 16: a notes API (the capstone). Read README.md first."""

from flask import Flask, abort, request, url_for  # noqa: F401 - you will need them

app = Flask(__name__)

API_KEY = "secret"
NOTES = {}  # TODO: keep the notes here, by id

# TODO: GET    /notes                -> the list of notes, oldest first
# TODO: POST   /notes                -> 201 with the new note and a Location header (API key needed)
# TODO: GET    /notes/<int:note_id>  -> the note, or 404 {"error": "not found"}
# TODO: DELETE /notes/<int:note_id>  -> 204, or 404 {"error": "not found"} (API key needed)
# TODO: every response carries the header X-Notes-Count
