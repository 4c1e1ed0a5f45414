"""How a learner sends a failing request again by hand: ``curl`` against ``flask run``.

The judge turns the request a check sent (:class:`grader.client.RequestInfo`) into
shell commands, stored as ``details.reproduce`` in the result; the report shows
them after ``flask --app APP run``. When the request carried cookies that the app
set earlier in the check, the earlier requests come first, sharing a cookie jar.
"""

from __future__ import annotations

import re
import shlex
from urllib.parse import quote

from grader.client import RequestInfo

#: Where ``flask run`` serves by default.
BASE_URL = "http://127.0.0.1:5000"
COOKIE_JAR = "cookies.txt"

# Characters left as they are in a path: what a URL allows, and % of escapes already made.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_DOT_SEGMENT = re.compile(r"/\.\.?(/|$|\?)")


def curl_commands(request: RequestInfo) -> str:
    """One ``curl`` per line; earlier cookie-setting requests first, their output hidden."""
    if not request.earlier:
        return curl(request)
    lines = [f"rm -f {COOKIE_JAR}"]
    if request.earlier_cut:
        lines.append(f"# ({request.earlier_cut} earlier requests of this check not shown)")
    lines += [curl(earlier, jar=True, quiet=True) for earlier in request.earlier]
    lines.append(curl(request, jar=True))
    return "\n".join(lines)


def curl(request: RequestInfo, *, jar: bool = False, quiet: bool = False) -> str:
    """The ``curl`` command that sends ``request`` to :data:`BASE_URL`."""
    words = ["curl"]
    if quiet:
        words += ["-s", "-o", "/dev/null"]
    elif request.method == "HEAD":
        words.append("-I")  # -I is curl's HEAD; it shows the headers
    else:
        words.append("-i")
    if request.method not in ("GET", "HEAD"):
        words += ["-X", request.method]
    if request.follow_redirects:
        words.append("-L")
    if jar:
        words += ["-b", COOKIE_JAR, "-c", COOKIE_JAR]
    target = url(request)
    if _DOT_SEGMENT.search(target):
        words.append("--path-as-is")  # curl would resolve /./ and /../ before sending
    if set(target) & set("[]{}"):
        words.append("-g")  # curl would read [...] and {...} as lists of URLs to fetch
    for key, value in request.headers:
        # curl drops a header given as "Name: " with an empty value; "Name;" sends it empty.
        words += ["-H", f"{key}: {value}" if value.strip() else f"{key};"]
    if request.body:
        words += ["--data-raw", request.body]
    words.append(target)
    return " ".join(shlex.quote(word) for word in words)


def url(request: RequestInfo) -> str:
    path, _, query = request.path.partition("?")
    query = "&".join(part for part in (query, request.query_string) if part)
    return BASE_URL + quote(path, safe=_PATH_SAFE) + (f"?{query}" if query else "")
