"""Authoring: a course of one's own (``init``), a new exercise in it (``new``), and
proving an exercise sound before a learner sees it (``validate``).

One subpackage, like :mod:`grader.classroom` and :mod:`grader.audit`: the three
commands share the course layout and the scaffold's markers, and none of it is
needed to grade (``cli.py`` only wires them).
"""
