"""The check audit: mutation testing of an exercise's checks.

* :mod:`grader.audit.operators`: the Flask-specific mistakes, as changes to source;
* :mod:`grader.audit.mutants`: a reference solution with one change applied;
* :mod:`grader.audit.run`: grading the mutants in the sandbox, and the report.
"""

from grader.audit.mutants import Mutant, make_mutants
from grader.audit.run import MIN_KILL_RATE, AuditResult, ExerciseAudit, MutantOutcome, audit, render

__all__ = [
    "MIN_KILL_RATE",
    "AuditResult",
    "ExerciseAudit",
    "Mutant",
    "MutantOutcome",
    "audit",
    "make_mutants",
    "render",
]
