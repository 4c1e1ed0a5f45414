"""Exercise 1: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

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
