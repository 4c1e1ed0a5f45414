"""Exercise 01: correct alternatives get full marks; each typical mistake fails its check."""

from tests.exercises.cases import exercise_tests

EXERCISE = "01_app_instance"

ALTERNATIVES = {
    "import flask": """
        import flask
        app = flask.Flask(__name__)
    """,
    "keyword and guarded run": """
        from flask import Flask
        app = Flask(import_name=__name__)

        if __name__ == "__main__":
            app.run()
    """,
}

MISTAKES = {
    "hard-coded import name": ("from flask import Flask\napp = Flask('app')\n", {"import_name"}),
    "run at import": ("from flask import Flask\napp = Flask(__name__)\napp.run()\n", {"no_server_on_import"}),
    "static route turned off": (
        "from flask import Flask\napp = Flask(__name__, static_folder=None)\n",
        {"static_route"},
    ),
}


test_correct_alternatives_get_full_marks, test_typical_mistakes_lose_points_on_the_right_check = exercise_tests(
    EXERCISE, ALTERNATIVES, MISTAKES
)
