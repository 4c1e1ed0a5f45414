"""Exercise 15: custom converters. Read README.md first."""

from flask import Flask, url_for  # noqa: F401 - you will need url_for
from werkzeug.routing import BaseConverter, ValidationError  # noqa: F401

app = Flask(__name__)


class ListConverter(BaseConverter):
    """Numbers joined by +, such as 1+2+3, for routes like /sum/<list:numbers>."""

    # TODO: regex: what a URL part must look like
    # TODO: to_python(self, value): "1+2+3" -> [1, 2, 3]
    # TODO: to_url(self, value): [1, 2, 3] -> "1+2+3"


# TODO: register ListConverter as "list"
# TODO: GET /sum/<list:numbers>  -> "Sum: S" (view function sum_numbers)
# TODO: GET /sum-url             -> url_for("sum_numbers", numbers=[1, 2, 3])
