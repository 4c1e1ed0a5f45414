"""A correct app that first tries to trace its parents (the zygote, the judge) and read their memory."""

import ctypes
import os

from flask import Flask

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH = 16, 17


def ancestors():
    pid, found = os.getppid(), []
    while pid > 1 and len(found) < 4:
        found.append(pid)
        try:
            with open(f"/proc/{pid}/status") as status:
                pid = int(next(line for line in status if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            break
    return found


class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


leaked = []
for pid in ancestors():
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
        libc.ptrace(PTRACE_DETACH, pid, None, None)
        leaked.append(f"ptrace({pid})")
    buffer = ctypes.create_string_buffer(64)
    local, remote = IoVec(ctypes.addressof(buffer), 64), IoVec(0x400000, 64)
    if libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0:
        leaked.append(f"process_vm_readv({pid})")
    try:
        with open(f"/proc/{pid}/mem", "rb") as memory:
            memory.seek(0x400000)
            memory.read(16)
        leaked.append(f"/proc/{pid}/mem")
    except OSError:
        pass
if leaked:
    raise RuntimeError(f"LEAKED: {leaked}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
