"""Exercise 4: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "04_converters"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "add_url_rule and format()": """
        from flask import Flask
        app = Flask(__name__)

        def item(item_id):
            return "Item {}".format(item_id)

        def following(item_id):
            return "Next item: %d" % (item_id + 1)

        def price(amount):
            return "Price: " + format(amount, ".2f")

        def files(subpath):
            return "File: " + subpath

        app.add_url_rule("/item/<int:item_id>", view_func=item)
        app.add_url_rule("/item/<int:item_id>/next", view_func=following)
        app.add_url_rule("/price/<float:amount>", view_func=price)
        app.add_url_rule("/files/<path:subpath>", view_func=files)
    """,
    "escaped subpath and app.get": SOLUTION.replace("@app.route", "@app.get")
    .replace('return f"File: {subpath}"', 'return f"File: {escape(subpath)}"')
    .replace("from flask import Flask", "from flask import Flask\nfrom markupsafe import escape"),
}


MISTAKES = {
    "string instead of int": (
        SOLUTION.replace('/item/<int:item_id>")', '/item/<item_id>")'),
        {"item", "item_rejects_non_int"},
    ),
    "next without a converter": (
        SOLUTION.replace("/item/<int:item_id>/next", "/item/<item_id>/next"),  # str + 1 raises TypeError
        {"next_item", "next_rejects_non_int"},
    ),
    "next takes negative ids": (
        SOLUTION.replace("/item/<int:item_id>/next", "/item/<int(signed=True):item_id>/next"),
        {"next_rejects_non_int"},
    ),
    "float formatted without two decimals": (SOLUTION.replace("{amount:.2f}", "{amount}"), {"price"}),
    "int converter for prices": (SOLUTION.replace("<float:amount>", "<int:amount>"), {"price", "price_needs_a_dot"}),
    "string instead of path": (SOLUTION.replace("<path:subpath>", "<subpath>"), {"file_path"}),
    "off by one": (SOLUTION.replace("item_id + 1", "item_id + 2"), {"next_item"}),
}
