"""Exercise 5: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "05_run_server"


SOLUTION = solution(EXERCISE)


RUN = 'app.run(host="0.0.0.0", debug=True)'


ALTERNATIVES = {
    "debug from the config, port given, add_url_rule": """
        from flask import Flask

        app = Flask(__name__)
        app.config["DEBUG"] = True

        def index():
            return "Server is running"

        app.add_url_rule("/", view_func=index)

        if __name__ == "__main__":
            app.run("0.0.0.0", 5000)
    """,
    "a main() function and app.debug": """
        import flask

        app = flask.Flask(__name__)

        @app.get("/")
        def home():
            return flask.make_response("Server is running")

        def main():
            app.debug = True
            app.run(host="0.0.0.0", port="5000")

        if __name__ == "__main__":
            main()
    """,
    "werkzeug's run_simple": """
        from flask import Flask
        from werkzeug.serving import run_simple

        app = Flask(__name__)

        @app.route("/")
        def index():
            return "Server is running"

        if __name__ == "__main__":
            run_simple("0.0.0.0", 5000, app, use_reloader=True, use_debugger=True)
    """,
}


MISTAKES = {
    "no guard": (SOLUTION.replace('if __name__ == "__main__":\n    ' + RUN, RUN), {"guard"}),
    "default host": (SOLUTION.replace('host="0.0.0.0", ', ""), {"host"}),
    "debug off": (SOLUTION.replace("debug=True", "debug=False"), {"debug"}),
    "another port": (SOLUTION.replace("debug=True", "debug=True, port=8080"), {"port"}),
    "guard before the routes": (
        """
        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run(host="0.0.0.0", debug=True)

        @app.route("/")
        def index():
            return "Server is running"
        """,
        {"routes_before_run"},
    ),
    "misspelt guard": (
        SOLUTION.replace('"__main__"', '"main"'),
        {"guard", "host", "debug", "port", "routes_before_run"},
    ),
}


EXPLAINED = {
    "guard before the routes": ("routes_before_run", ["before the route(s) / were registered"]),
}
