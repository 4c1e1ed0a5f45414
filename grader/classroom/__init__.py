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
