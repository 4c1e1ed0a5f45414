"""The messages between judge and worker: every one arrives as sent; a hostile frame is
refused, naming what is wrong, over a real socket pair as on the wire."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

from grader.sandbox import protocol
from grader.sandbox.policy import Layer, Limits

EVERY_MESSAGE = [
    protocol.ZygoteConfig("/tmp/s", "/g", Limits(open_files=64), ("uid",), {"pids-cgroup": "/c"}, {"x": "why"}),
    protocol.StartWorker("/w", "/w.out", (("/src/app.py", "app.py"),), "main", "app", "app.py"),
    protocol.ZygoteReady({"uid": Layer("uid", True, "own uid")}),
    protocol.WorkerStarted(42, 0x40000007),
    protocol.WorkerNotStarted("no fork"),
    protocol.AppLoaded({"rules": [{"rule": "/"}]}),
    protocol.AppNotLoaded("syntax_error", "app.py has a syntax error", "Traceback ..."),
    protocol.Request(1, "POST", "/x", (("A", "b"),), True, {"q": "1"}, None, True, b"\x00\xff", None, "text/plain"),
    protocol.Request(form={"a": "b"}, query_string="a=1"),
    protocol.DescribeApp(),
    protocol.UrlFor("user", {"name": "x"}),
    protocol.Call("total", (1, [2]), {"k": None}, "/p", {"DEBUG": True}),
    protocol.Assign("ITEMS", [1, 2]),
    protocol.Response(
        "200 OK", 200, (("Content-Type", "text/html"),), b"<p>\xe9</p>", protocol.LearnerError("E", "m", "t")
    ),
    protocol.BodyTooLarge(4),
    protocol.AppState({}),
    protocol.Value("/user/x"),
    protocol.Raised(protocol.LearnerError("KeyError", "'a'", "")),
    protocol.Missing(),
    protocol.Done(),
]


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda message: type(message).__name__)
def test_every_message_arrives_as_it_was_sent(message):
    assert protocol.decode(protocol.encode(message), type(message)) == message


@pytest.mark.parametrize(
    ("payload", "expected", "problem"),
    [
        (b'{"tag": "WorkerStarted", "pid": "12"}', protocol.WorkerStarted, "WorkerStarted.pid: unexpected str"),
        (b'{"tag": "WorkerStarted", "pid": true}', protocol.WorkerStarted, "WorkerStarted.pid: unexpected bool"),
        (b'{"tag": "WorkerStarted"}', protocol.WorkerStarted, "WorkerStarted: no field 'pid'"),
        (b'{"tag": "WorkerStarted", "pid": 1, "x": 2}', protocol.WorkerStarted, "unexpected field 'x'"),
        (b'{"tag": "Done"}', protocol.WorkerStarted, "expected WorkerStarted, got 'Done'"),
        (b'{"pid": 1}', protocol.WorkerStarted, "expected WorkerStarted, got 'None'"),
        (b"[1]", protocol.WorkerStarted, "a message must be a JSON object"),
        (b"{", protocol.WorkerStarted, "malformed message"),
        (
            b'{"tag": "Response", "status": "200 OK", "status_code": 200, "headers": [["a"]], "body": ""}',
            protocol.Response,
            "Response.headers[]: unexpected list",
        ),
        (
            b'{"tag": "Response", "status": "200 OK", "status_code": 200, "headers": [], "body": "!!"}',
            protocol.Response,
            "Response.body: not base64",
        ),
        (
            b'{"tag": "Raised", "error": {"type": "E", "message": 1, "traceback": ""}}',
            protocol.Raised,
            "Raised.error.message: unexpected int",
        ),
    ],
)
def test_a_malformed_message_is_refused_naming_what_is_wrong(payload, expected, problem):
    with pytest.raises(protocol.ProtocolError, match=re.escape(problem)):
        protocol.decode(payload, expected)


@pytest.fixture
def pair():
    judge, worker = socket.socketpair()
    yield judge, worker
    judge.close()
    worker.close()


def test_a_message_crosses_a_socket_pair_whole(pair):
    judge, worker = pair
    sent = protocol.Response("200 OK", 200, (("Content-Type", "text/plain"),), b"x" * 300_000, None)
    thread = threading.Thread(target=protocol.send, args=(worker, sent))
    thread.start()
    assert protocol.recv(judge, protocol.Response, deadline=time.monotonic() + 10) == sent
    thread.join()


def test_a_frame_announcing_more_than_the_limit_is_refused_before_its_body_is_read(pair):
    judge, worker = pair
    worker.sendall(protocol.HEADER.pack(protocol.MAX_MESSAGE + 1))
    with pytest.raises(protocol.MessageTooLarge):
        protocol.recv(judge, protocol.Response, deadline=time.monotonic() + 5)


def test_a_frame_cut_short_by_a_closed_connection_is_refused(pair):
    judge, worker = pair
    payload = protocol.encode(protocol.Done())
    worker.sendall(protocol.HEADER.pack(len(payload)) + payload[:-3])
    worker.close()
    with pytest.raises(protocol.ConnectionClosed):
        protocol.recv(judge, protocol.Done, deadline=time.monotonic() + 5)


def test_a_frame_trickled_a_byte_at_a_time_does_not_reset_the_deadline(pair):
    judge, worker = pair
    payload = protocol.encode(protocol.Value("/user/" + "x" * 40))
    frame = protocol.HEADER.pack(len(payload)) + payload
    stop = threading.Event()

    def trickle() -> None:
        for byte in frame:
            if stop.wait(0.05):
                return
            worker.sendall(bytes([byte]))

    thread = threading.Thread(target=trickle)
    thread.start()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        protocol.recv(judge, protocol.Value, deadline=started + 0.5)
    stop.set()
    thread.join()
    assert time.monotonic() - started < 3, "each byte arrived in time; the whole message did not"


def test_a_well_formed_reply_of_a_kind_not_asked_for_is_refused(pair):
    judge, worker = pair
    protocol.send(worker, protocol.AppState({}))  # a worker answering a request with its state
    with pytest.raises(protocol.ProtocolError, match="expected Response"):
        protocol.recv(judge, *protocol.REPLIES[protocol.Request], deadline=time.monotonic() + 5)
