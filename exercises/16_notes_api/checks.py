"""Checks for exercise 16: the notes API, one behaviour at a time, then against a model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

from grader import Client, ModelMachine, Response, expect
from grader.strategies import json_strings, json_values, naturals

KEY = {"X-API-Key": "secret"}
WRONG_KEYS = ({}, {"X-API-Key": "wrong"}, {"X-API-Key": "Secret"}, {"X-API-Key": ""})
NOT_FOUND = {"error": "not found"}
#: Note texts for the model: mostly readable, so a failing story is easy to replay.
TEXTS = st.one_of(
    st.sampled_from(["Buy milk", "Call mum", "", "Read <b>Dune</b>", "Pay rent"]), json_strings(max_size=12)
)

#: JSON bodies that are not an object with a string "text" (top-level null sends no body at all).
BAD_BODIES = st.one_of(
    json_values().filter(lambda value: value is not None and not isinstance(value, dict)),
    st.dictionaries(json_strings(max_size=6).filter(lambda key: key != "text"), json_values(), max_size=3),
    st.builds(
        lambda other, text: {**other, "text": text},
        st.dictionaries(json_strings(max_size=6), json_values(), max_size=2),
        json_values().filter(lambda value: not isinstance(value, str)),
    ),
)


def note(note_id: int, text: str) -> dict[str, Any]:
    return {"id": note_id, "text": text}


def create(client: Client, text: str) -> Response:
    return client.post("/notes", json={"text": text}, headers=KEY)


def expect_error(response: Response, status: int) -> None:
    """``status`` with a JSON body {"error": "some message"}."""
    expect(response).status(status).json(
        where=lambda data: isinstance(data, dict) and isinstance(data.get("error"), str),
        describe='a JSON object {"error": "..."} with a message',
    )


def expect_count(response: Response, count: int) -> None:
    expect(response).header("X-Notes-Count", str(count))


def test_list_empty(client):
    """GET /notes answers the JSON [] at the start, with X-Notes-Count: 0."""
    response = client.get("/notes")
    expect(response).status(200).json([])
    expect_count(response, 0)


def test_create(client):
    """POST /notes with the key answers 201, the note {"id": 1, "text": ...} and Location: /notes/1 (any text, even empty)."""
    response = create(client, "Buy milk")
    expect(response).status(201).json(note(1, "Buy milk")).location("/notes/1")
    expect(create(client, "Call mum")).status(201).json(note(2, "Call mum")).location("/notes/2")
    expect(create(client, "")).status(201).json(note(3, "")).location("/notes/3")


def test_read(client):
    """GET /notes/ID answers the note, and GET /notes lists the notes oldest first."""
    create(client, "first")
    create(client, "second")
    expect(client.get("/notes/2")).status(200).json(note(2, "second"))
    expect(client.get("/notes/1")).status(200).json(note(1, "first"))
    expect(client.get("/notes")).status(200).json([note(1, "first"), note(2, "second")])


@settings(max_examples=30)  # each example is two requests; the cases differ little
@given(note_id=naturals())
def test_not_found(client, note_id):
    """GET and DELETE of a note that does not exist answer 404 with the JSON {"error": "not found"}."""
    expect(client.get(f"/notes/{note_id}")).status(404).json(NOT_FOUND)
    expect(client.delete(f"/notes/{note_id}", headers=KEY)).status(404).json(NOT_FOUND)


def test_delete(client):
    """DELETE /notes/ID with the key answers 204 with no body, and the note is gone."""
    create(client, "temporary")
    expect(client.delete("/notes/1", headers=KEY)).status(204).empty()
    expect(client.get("/notes/1")).status(404)
    expect(client.get("/notes")).status(200).json([])


def test_ids_not_reused(client):
    """Ids are never reused: after deleting notes 2 and 1, the next notes get ids 3 and 4."""
    create(client, "a")
    create(client, "b")
    client.delete("/notes/2", headers=KEY)
    expect(create(client, "c")).status(201).json(note(3, "c"))
    client.delete("/notes/1", headers=KEY)
    expect(create(client, "d")).status(201).json(note(4, "d"))


def test_bad_body(client):
    """POST /notes with a body that is not a JSON object with a string text answers 400 with JSON {"error": ...}."""
    expect_error(client.post("/notes", data="{broken", content_type="application/json", headers=KEY), 400)
    any_bad_body(client)


@settings(max_examples=50)
@given(body=BAD_BODIES)
def any_bad_body(client: Client, body: Any) -> None:
    response = client.post("/notes", json=body, headers=KEY)
    expect_error(response, 400)
    expect_count(response, 0)


def test_api_key(client):
    """POST and DELETE without X-API-Key: secret answer 401 with JSON, whether or not the note exists."""
    create(client, "keep me")
    for headers in WRONG_KEYS:
        expect_error(client.post("/notes", json={"text": "intruder"}, headers=headers), 401)
        expect_error(client.delete("/notes/1", headers=headers), 401)
        expect_error(client.delete("/notes/99", headers=headers), 401)
    expect(client.get("/notes")).status(200).json([note(1, "keep me")])


def test_count_header(client):
    """Every response carries X-Notes-Count, errors included: 404, 400, 401, 405."""
    steps: list[tuple[Callable[[], Response], int]] = [
        (lambda: client.get("/notes"), 0),
        (lambda: create(client, "one"), 1),
        (lambda: create(client, "two"), 2),
        (lambda: client.get("/notes/1"), 2),
        (lambda: client.get("/notes/99"), 2),
        (lambda: client.get("/no-such-page"), 2),
        (lambda: client.post("/notes", json={}, headers=KEY), 2),
        (lambda: client.post("/notes", json={"text": "x"}), 2),
        (lambda: client.put("/notes"), 2),
        (lambda: client.delete("/notes/1", headers=KEY), 1),
    ]
    for send, count in steps:
        expect_count(send(), count)


class NotesMachine(ModelMachine):
    """Random sequences of requests against a fresh app, each answer compared with a model."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[int, str] = {}  # the model: id -> text, oldest first
        self.next_id = 1  # ids 1 .. next_id - 1 were handed out, some since deleted

    @rule(text=TEXTS)
    def create(self, text: str) -> None:
        response = self.send("POST", "/notes", json={"text": text}, headers=KEY)
        note_id = self.next_id
        self.notes[note_id] = text
        self.next_id += 1
        expect(response).status(201).json(note(note_id, text)).location(f"/notes/{note_id}")
        expect_count(response, len(self.notes))

    def note_id(self, data: st.DataObject) -> int:
        """Mostly an id handed out before (the latest one often), sometimes any small id."""
        if self.next_id == 1:
            return data.draw(st.integers(0, 9), label="note_id")
        latest, handed_out = st.just(self.next_id - 1), st.integers(1, self.next_id - 1)
        return data.draw(st.one_of(latest, handed_out, st.integers(0, 9)), label="note_id")

    # Four rules, so that creates and deletes, where ids go wrong, make half of the steps.

    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        if data.draw(st.booleans(), label="whole list"):
            response = self.send("GET", "/notes")
            expect(response).status(200).json([note(i, text) for i, text in self.notes.items()])
            expect_count(response, len(self.notes))
            return
        note_id = self.note_id(data)
        response = self.send("GET", f"/notes/{note_id}")
        if note_id in self.notes:
            expect(response).status(200).json(note(note_id, self.notes[note_id]))
        else:
            expect(response).status(404).json(NOT_FOUND)
        expect_count(response, len(self.notes))

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        note_id = self.note_id(data)
        response = self.send("DELETE", f"/notes/{note_id}", headers=KEY)
        existed = self.notes.pop(note_id, None) is not None
        if existed:
            expect(response).status(204).empty()
        else:
            expect(response).status(404).json(NOT_FOUND)
        expect_count(response, len(self.notes))

    @rule(data=st.data())
    def refused(self, data: st.DataObject) -> None:
        """A request that must change nothing: no key (401) or a bad body (400)."""
        kind = data.draw(st.sampled_from(["POST without the key", "DELETE without the key", "bad body"]), label="kind")
        if kind == "bad body":
            response = self.send("POST", "/notes", json=data.draw(BAD_BODIES, label="body"), headers=KEY)
        else:
            headers = data.draw(st.sampled_from(WRONG_KEYS), label="headers")
            if kind.startswith("POST"):
                response = self.send("POST", "/notes", json={"text": "intruder"}, headers=headers)
            else:
                response = self.send("DELETE", f"/notes/{self.note_id(data)}", headers=headers)
        expect_error(response, 400 if kind == "bad body" else 401)
        expect_count(response, len(self.notes))


def test_model(spawn_app):
    """Random sequences of creates, reads, lists and deletes, with and without the key, match a model of the API."""
    NotesMachine.check(spawn_app)
