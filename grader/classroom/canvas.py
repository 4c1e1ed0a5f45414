"""Canvas: its "Download Submissions" zip in, its gradebook import CSV out.

**The download.** Canvas names every file of the latest submission of each learner
``{name}_{user id}_{file id}_{file name}``, with ``late`` between the name and the user id
when the submission was late (``doejane_late_12345_67890_app.py``). The name is the
learner's sortable name, lower-cased with everything but letters, digits and ``_`` removed
(accents stay); it is missing when the assignment is graded anonymously. The third number is
the id of the uploaded file (larger for a later upload), not of the submission. A file
handed in again under the same name is renamed ``app-1.py``. Text and URL submissions come
as ``{name}_{user id}_text.html`` and ``_link.html``; they hold no app and are noted.
(``content_zipper.rb`` in instructure/canvas-lms builds these names.)

**The import.** Canvas's gradebook importer (``gradebook_importer.rb``) reads a header row
that starts ``Student,ID`` and whose student columns end with ``Section``; with
``SIS User ID`` and ``SIS Login ID`` in between, those five come first. Every other column
is an assignment, matched by ``Title (id)``, else by title, else created; so the file has
exactly one more column, the assignment. A second row whose first cell is
``Points Possible`` gives a new assignment its points. Learners are found by ``ID`` (the
Canvas user id), else by SIS User ID, SIS Login ID, then name.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from grader.classroom.imports import Handin, Upload, learner_key, uploads_in

NAME = re.compile(r"^(?:(?P<name>.*?)_)??(?:(?P<late>late)_)?(?P<user>\d+)_(?P<file>\d+)_(?P<filename>.+)$")
ONLINE = re.compile(r"^(?:(?P<name>.*?)_)??(?:(?P<late>late)_)?(?P<user>\d+)_(?P<kind>text|link)\.html$")
HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "Points Possible"


def is_download(names: list[str]) -> bool:
    """Every entry is named as Canvas names the files of a download."""
    return bool(names) and all(NAME.match(name) or ONLINE.match(name) for name in names)


def read_download(path: Path) -> tuple[list[Handin], list[str]]:
    """The hand-ins of a Canvas download (the zip or its unpacked folder), and the entries
    that are not named like Canvas's."""
    handins: dict[str, Handin] = {}
    ignored = []
    for upload in uploads_in(path):
        match = NAME.match(upload.name) if "/" not in upload.name else None
        online = ONLINE.match(upload.name) if "/" not in upload.name else None
        found = match or online
        if found is None:
            ignored.append(upload.name)
            continue
        name, user = found["name"] or "", found["user"]
        learner = learner_key(f"{name}_{user}" if name else user)
        handin = handins.setdefault(learner, Handin(learner, learner_id=user, name=name))
        if found["late"] and "late" not in handin.notes:
            handin.notes.append("late")
        if match is None:
            handin.notes.append(f"Ignored the {found['kind']} entry ({upload.name}): it holds no app.")
            continue
        handin.uploads.append(Upload(match["filename"], upload.path, upload.member, order=(int(match["file"]),)))
    for handin in handins.values():
        handin.order = max((upload.order for upload in handin.uploads), default=())
    return sorted(handins.values(), key=lambda handin: handin.learner), ignored


def render(rows: list[dict[str, str]], assignment: str, points_possible: str) -> str:
    """The import CSV: ``rows`` hold the student columns of :data:`HEADER` and ``score``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*HEADER, assignment])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "", points_possible])
    for row in rows:
        writer.writerow([*(row[column] for column in HEADER), row["score"]])
    return buffer.getvalue()
