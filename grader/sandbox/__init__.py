"""The sandbox: the process boundary between the judge and learner code.

Beside learner code (imported by the zygote and its workers, so they trust nothing
and import only the standard library, Flask and each other; see ``README.md``):

* :mod:`~grader.sandbox.policy`: the guarantees, the layers keeping them, limits, policy;
* :mod:`~grader.sandbox.linux`: the system calls it needs, through ``ctypes``;
* :mod:`~grader.sandbox.jail`: the layers a worker applies to itself;
* :mod:`~grader.sandbox.seccomp`, :mod:`~grader.sandbox.landlock`: the filter; Landlock;
* :mod:`~grader.sandbox.probe`: which layers work on this machine;
* :mod:`~grader.sandbox.zygote`: forks workers from an interpreter that has Flask loaded;
* :mod:`~grader.sandbox.app_server`: loads the learner's module and serves the judge;
* :mod:`~grader.sandbox.protocol`: the messages and their wire format.

In the judge only: :mod:`~grader.sandbox.process` (the zygote and workers as the judge
holds them) and :mod:`~grader.sandbox.cgroups` (a submission's cgroups).
"""
