"""Exercise 15: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "15_custom_converter"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "default regex, ValidationError and super().to_url": """
        from flask import Flask, url_for
        from werkzeug.routing import BaseConverter, ValidationError
        app = Flask(__name__)

        class NumberList(BaseConverter):
            def to_python(self, value):
                parts = value.split("+")
                if not all(part.isascii() and part.isdigit() for part in parts):
                    raise ValidationError()
                return list(map(int, parts))

            def to_url(self, value):
                return super().to_url("+".join(map(str, value)))

        app.url_map.converters.update(list=NumberList)

        def sum_numbers(numbers):
            return "Sum: %d" % sum(numbers)

        app.add_url_rule("/sum/<list:numbers>", view_func=sum_numbers)

        @app.get("/sum-url")
        def link():
            return url_for("sum_numbers", numbers=[1, 2, 3])
    """,
    "strings from to_python, converted in the view": """
        import re
        from flask import Flask, url_for
        from werkzeug.routing import BaseConverter
        app = Flask(__name__)

        class ListConverter(BaseConverter):
            regex = r"[0-9]+(?:\\+[0-9]+)*"

            def to_python(self, value):
                return value.split("+")

            def to_url(self, values):
                return "+".join(f"{v}" for v in values)

        app.url_map.converters["list"] = ListConverter

        @app.route("/sum/<list:numbers>")
        def sum_numbers(numbers):
            total = 0
            for number in numbers:
                total += int(number)
            return f"Sum: {total}"

        @app.route("/sum-url")
        def sum_url():
            return url_for("sum_numbers", numbers=[1, 2, 3])
    """,
}


MISTAKES = {
    "ValueError instead of ValidationError": (
        SOLUTION.replace('    regex = r"[0-9]+(?:\\+[0-9]+)*"\n\n', ""),
        {"not_numbers_404"},
    ),
    "a \\d regex lets other digits through": (
        SOLUTION.replace('r"[0-9]+(?:\\+[0-9]+)*"', 'r"\\d+(?:\\+\\d+)*"'),
        {"not_numbers_404"},
    ),
    "int() lets -1 through": (
        SOLUTION.replace('r"[0-9]+(?:\\+[0-9]+)*"', 'r"-?[0-9]+(?:\\+-?[0-9]+)*"'),
        {"not_numbers_404"},
    ),
    "no to_url": (
        SOLUTION.replace(
            '    def to_url(self, value):\n        return "+".join(str(number) for number in value)\n', ""
        ),
        {"url_for_builds", "sum_url"},
    ),
    "registered under another name": (
        SOLUTION.replace('converters["list"]', 'converters["numbers"]').replace("<list:numbers>", "<numbers:numbers>"),
        {"registered"},
    ),
}
