"""JUnit XML, read by CI systems (GitHub Actions reporters, Jenkins, GitLab) and GitHub Classroom.

A ``<testsuites>`` per submission, a ``<testsuite>`` per exercise (its score in
``<properties>``), a ``<testcase>`` per check: ``<failure>`` when the app answered
wrongly, ``<error>`` when it could not be examined or did not answer in time. Learners
read CI logs, so hidden checks appear as learners see them
(:meth:`SubmissionResult.for_learner`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader import report
from grader.classroom import gradebook
from grader.results import SubmissionResult

#: Characters XML 1.0 cannot hold (learner output may print them).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def render(result: SubmissionResult) -> str:
    shown = result.for_learner()
    checks = [check for exercise in shown.exercises for check in exercise.checks]
    root = ET.Element(
        "testsuites",
        name=_text(shown.submission),
        tests=str(len(checks)),
        failures=str(sum(check.status == "failed" for check in checks)),
        errors=str(sum(check.status in ("error", "timeout") for check in checks)),
        time=f"{shown.duration:.3f}",
    )
    for exercise in shown.exercises:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=exercise.id,
            tests=str(len(exercise.checks)),
            failures=str(sum(check.status == "failed" for check in exercise.checks)),
            errors=str(sum(check.status in ("error", "timeout") for check in exercise.checks)),
            skipped="0",
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (("score", exercise.score), ("max_score", exercise.max_score)):
            ET.SubElement(properties, "property", name=name, value=gradebook.number(value))
        for check in exercise.checks:
            case = ET.SubElement(suite, "testcase", classname=exercise.id, name=check.name)
            if not check.passed:
                tag = "failure" if check.status == "failed" else "error"
                text = report.feedback(check)
                problem = ET.SubElement(case, tag, message=_text(text.splitlines()[0]), type=check.status)
                problem.text = _text(f"{check.description}\n{text}" if check.description else text)
        if exercise.message:
            ET.SubElement(suite, "system-out").text = _text(exercise.message)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
