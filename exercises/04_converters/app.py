"""Exercise 04: converters. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET /item/<int:item_id>       -> "Item ID"
# TODO: GET /item/<int:item_id>/next  -> "Next item: ID+1"
# TODO: GET /price/<float:amount>     -> "Price: AMOUNT" with two decimals
# TODO: GET /files/<path:subpath>     -> "File: SUBPATH"
