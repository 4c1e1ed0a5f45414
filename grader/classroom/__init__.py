"""A class's submissions, graded together, and what goes back to the instructor's tools.

* :mod:`grader.classroom.submissions`: finding a class's submissions (folders, zips opened safely);
* :mod:`grader.classroom.batch`: grading them in parallel, shards, merge;
* :mod:`grader.classroom.gradebook`: the gradebook CSV;
* :mod:`grader.classroom.class_report`: the offline HTML report (``templates/report/``);
* :mod:`grader.classroom.gradescope`, :mod:`grader.classroom.junit`: exports.
"""
