"""Worker uids are never shared: two graders whose workers have the same pids (each in
a PID namespace of its own, as in two containers) give them distinct uids."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.helpers import ROOT

RECORD = '''
import os
from pathlib import Path

import pytest


@pytest.mark.parametrize("n", range(4))
def test_uid_recorded(app, n):
    """Notes the worker's pid and uid, as the judge sees them."""
    status = Path(f"/proc/{app.worker.pid}/status").read_text()
    uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
    with open(LOG, "a") as log:
        log.write(f"{os.readlink('/proc/self/ns/pid')} {app.worker.pid} {app.worker.uid} {uid}\\n")
'''

GRADE = """
import json, sys
from pathlib import Path
from grader.course import Course
from grader.grading import grade
result = grade(Course(Path(sys.argv[1]), Path(sys.argv[2])), Path(sys.argv[1]) / "solutions", ["02"])
print(json.dumps([[c.name, c.status, c.message] for c in result.exercises[0].checks]))
"""


def test_two_graders_whose_worker_pids_coincide_give_distinct_uids_and_full_marks(tmp_path: Path):
    log = tmp_path / "uids.log"
    hidden = tmp_path / "hidden" / "02_first_route"
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text(f"LOG = {str(log)!r}\n" + textwrap.dedent(RECORD), encoding="utf-8")
    command = ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", GRADE, str(ROOT), str(hidden.parent)]

    graders = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [grader.communicate(timeout=300)[0] for grader in graders]

    for output in outputs:
        checks = json.loads(output.strip().splitlines()[-1])
        assert {status for _, status, _ in checks} == {"passed"}, checks
    rows = [line.split() for line in log.read_text().splitlines()]
    namespaces = {namespace for namespace, *_ in rows}
    assert len(namespaces) == 2 and len(rows) == 8
    pids = [{pid for namespace, pid, *_ in rows if namespace == each} for each in namespaces]
    assert pids[0] & pids[1], "the two graders' workers should have had the same pids (the old uid = base + pid)"
    assert all(recorded == actual for *_, recorded, actual in rows), "a worker runs as the uid the judge was told"
    assert len({uid for *_, uid in rows}) == 8, "two live workers shared a uid"
