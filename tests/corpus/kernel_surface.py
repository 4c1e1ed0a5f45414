"""A correct app that first tries system calls a web app never needs: netlink, packet and
raw sockets, io_uring, the keyring, setns, System V shared memory."""

import ctypes
import os
import platform
import socket

from flask import Flask

libc = ctypes.CDLL(None, use_errno=True)
NUMBERS = {  # io_uring_setup, keyctl, add_key
    "x86_64": (425, 250, 248),
    "aarch64": (425, 219, 217),
}
opened = []
for family, kind in ((socket.AF_NETLINK, socket.SOCK_RAW), (socket.AF_PACKET, socket.SOCK_RAW), (socket.AF_INET, socket.SOCK_RAW)):
    try:
        socket.socket(family, kind, 0).close()
        opened.append(f"socket({family}, {kind})")
    except OSError:
        pass
io_uring_setup, keyctl, add_key = NUMBERS.get(platform.machine(), (-1, -1, -1))
params = ctypes.create_string_buffer(120)
ring = libc.syscall(io_uring_setup, 4, params)
if ring >= 0:
    opened.append("io_uring_setup")
    os.close(ring)
if libc.syscall(keyctl, 0, -3, 1) >= 0:  # KEYCTL_GET_KEYRING_ID of the session keyring, creating it
    opened.append("keyctl")
if libc.syscall(add_key, b"user", b"__MARKER__", b"note", 4, -3) >= 0:
    opened.append("add_key")
for name in ("net", "mnt", "pid"):
    try:
        fd = os.open(f"/proc/1/ns/{name}", os.O_RDONLY)
    except OSError:
        continue
    if libc.setns(fd, 0) == 0:
        opened.append(f"setns({name})")
    os.close(fd)
segment = libc.shmget(0x5EC0, 4096, 0o1666)  # IPC_CREAT
if segment >= 0:
    opened.append("shmget")
    libc.shmctl(segment, 0, None)  # IPC_RMID
if opened:
    raise RuntimeError(f"LEAKED: {opened}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
