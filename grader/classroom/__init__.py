"""A class's submissions, graded together, and what goes back to the instructor's tools.

* :mod:`grader.classroom.submissions`: finding a class's submissions (folders, zips opened safely);
* :mod:`grader.classroom.imports`: a class as an LMS hands it over, each learner's files put together;
* :mod:`grader.classroom.canvas`, :mod:`grader.classroom.moodle`: their downloads in, their grade imports out;
* :mod:`grader.classroom.github_classroom`: learners' repositories in, the autograding workflow out;
* :mod:`grader.classroom.roster`: the class list, and who handed in nothing;
* :mod:`grader.classroom.batch`: grading them in parallel, shards, merge;
* :mod:`grader.classroom.regrade`: the previous run kept, and what a regrade changed;
* :mod:`grader.classroom.gradebook`: the gradebook CSV;
* :mod:`grader.classroom.class_report`: the offline HTML report (``templates/report/``);
* :mod:`grader.classroom.gradescope`, :mod:`grader.classroom.junit`: exports.
"""

# What the command line's options offer, here so that `flask-grader check` and
# `--help` import none of the modules above (batch alone pulls in the report,
# werkzeug and the HTML templates: ~0.1 s a command).

#: The kinds of class folder ``batch`` reads (``--from``); ``folders`` is one entry per learner.
SOURCES = ("folders", "canvas", "moodle", "classroom")
#: The files ``batch --format`` writes beside the gradebook.
FORMATS = ("gradescope", "junit", "canvas", "moodle")
#: The assignment's column in the Canvas and Moodle exports (Canvas matches it by title).
ASSIGNMENT = "flask-grader"
#: When Gradescope shows hidden checks to learners.
HIDDEN_VISIBILITY = "after_due_date"
HIDDEN_VISIBILITIES = ("after_due_date", "hidden")
#: Seconds one submission may take on Gradescope, whose default limit is 10 minutes.
AUTOGRADER_TIMEOUT = 300.0
