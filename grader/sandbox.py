"""The judge's side of the process boundary: starting, talking to and killing workers.

The judge never imports learner code. A :class:`Sandbox` starts one zygote
process (a fresh interpreter that has imported Flask) and asks it to fork a
worker per app; each worker is reached over its own socket pair.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import protocol
from grader.errors import ResponseTooLarge, WorkerCrashed, WorkerTimeout

PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)

_ZYGOTE_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from grader.worker import serve_zygote; serve_zygote(int(sys.argv[2]))"
)

#: Seconds a module may take to import before the load counts as a timeout.
LOAD_TIMEOUT = 5.0
#: Seconds one request may take.
REQUEST_TIMEOUT = 2.0


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker loads: ``files`` are copied into a fresh directory for it."""

    files: tuple[tuple[Path, str], ...]  # (source, name in the work directory)
    mode: str = "import"  # or "main": run the module as __main__
    module_name: str = "app"
    filename: str = "app.py"


class Sandbox:
    """Owns the zygote; ``spawn`` gives a fresh worker, ``close`` ends them all."""

    def __init__(self) -> None:
        self._zygote: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._workers: list[Worker] = []
        self._scratch = Path(tempfile.mkdtemp(prefix="flask-grader-"))

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the zygote now (it is otherwise started by the first spawn)."""
        if self._zygote is not None and self._zygote.poll() is None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",  # the same iteration order on every run
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(self._scratch),
        }
        self._zygote = subprocess.Popen(
            [sys.executable, "-I", "-c", _ZYGOTE_BOOT, PACKAGE_PARENT, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=self._scratch,
        )
        theirs.close()
        self._control = ours

    def spawn(self, spec: WorkerSpec, load_timeout: float = LOAD_TIMEOUT) -> Worker:
        """Fork a worker for ``spec`` and wait for it to load the module."""
        self.start()
        assert self._control is not None
        workdir = Path(tempfile.mkdtemp(prefix="app-", dir=self._scratch))
        for source, name in spec.files:
            target = workdir / name
            if source.is_dir():
                shutil.copytree(source, target, symlinks=False)
            else:
                shutil.copyfile(source, target)
        output = workdir.with_name(workdir.name + ".out")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        message = {
            "workdir": str(workdir),
            "output": str(output),
            "mode": spec.mode,
            "module_name": spec.module_name,
            "filename": spec.filename,
        }
        try:
            socket.send_fds(self._control, [json.dumps(message).encode()], [theirs.fileno()])
            pid = int(protocol.recv(self._control)["pid"])
        finally:
            theirs.close()
        worker = Worker(pid, ours, workdir, output)
        self._workers.append(worker)
        worker.hello = worker.exchange(None, load_timeout, what="importing the module")
        return worker

    def close(self) -> None:
        for worker in self._workers:
            worker.kill()
        self._workers.clear()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote is not None:
            try:
                self._zygote.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._zygote.kill()
                self._zygote.wait()
            self._zygote = None
        shutil.rmtree(self._scratch, ignore_errors=True)


class Worker:
    """One forked worker serving one learner app."""

    def __init__(self, pid: int, sock: socket.socket, workdir: Path, output: Path) -> None:
        self.pid = pid
        self.sock = sock
        self.workdir = workdir
        self.output = output
        self.hello: dict[str, Any] = {}
        self.dead: BaseException | None = None
        self.killed = False

    def exchange(self, message: dict[str, Any] | None, timeout: float, what: str) -> dict[str, Any]:
        """Send ``message`` (None: just read) and return the reply.

        Raises WorkerTimeout, WorkerCrashed or ResponseTooLarge; after any of
        them the worker is dead, and every later exchange raises the same error.
        """
        if self.dead is not None:
            raise self.dead
        try:
            self.sock.settimeout(timeout)
            if message is not None:
                protocol.send(self.sock, message)
            return protocol.recv(self.sock)
        except (socket.timeout, TimeoutError):
            self.dead = WorkerTimeout(what, timeout)
        except protocol.MessageTooLarge as exc:
            self.dead = ResponseTooLarge(what, exc.size)
        except (protocol.ProtocolError, OSError):
            self.dead = WorkerCrashed(what, self.output_tail())
        self.kill()
        raise self.dead

    def output_tail(self, limit: int = 2000) -> str:
        """The end of what the learner's code printed (never parsed, only shown)."""
        try:
            with open(self.output, "rb") as stream:
                stream.seek(0, os.SEEK_END)
                size = stream.tell()
                stream.seek(max(0, size - limit))
                text = stream.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return ("[...]\n" + text) if size > limit else text

    def kill(self) -> None:
        """End the worker's process group and remove its folder; later calls do nothing,
        so a pid the kernel has since reused is never signalled."""
        if self.killed:
            return
        self.killed = True
        for kill in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.sock.close()
        except OSError:
            pass
        shutil.rmtree(self.workdir, ignore_errors=True)
