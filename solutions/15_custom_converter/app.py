"""Exercise 15, reference solution."""

from flask import Flask, url_for
from werkzeug.routing import BaseConverter

app = Flask(__name__)


class ListConverter(BaseConverter):
    """Numbers joined by +, such as 1+2+3, for routes like /sum/<list:numbers>."""

    regex = r"[0-9]+(?:\+[0-9]+)*"

    def to_python(self, value):
        return [int(part) for part in value.split("+")]

    def to_url(self, value):
        return "+".join(str(number) for number in value)


app.url_map.converters["list"] = ListConverter


@app.route("/sum/<list:numbers>")
def sum_numbers(numbers):
    return f"Sum: {sum(numbers)}"


@app.route("/sum-url")
def sum_url():
    return url_for("sum_numbers", numbers=[1, 2, 3])
