"""Exercise 14: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import ROOT

EXERCISE = "14_templates"


SOLUTION_DIR = ROOT / "solutions" / EXERCISE


def submission(**changes: str) -> dict[str, str]:
    """The reference solution's files, with ``app`` or templates (``items="..."``) replaced."""
    files = {"app.py": (SOLUTION_DIR / "app.py").read_text(encoding="utf-8")}
    for template in sorted((SOLUTION_DIR / "templates").iterdir()):
        files[f"templates/{template.name}"] = template.read_text(encoding="utf-8")
    for name, content in changes.items():
        files["app.py" if name == "app" else f"templates/{name}.html"] = content
    return files


def solution_template(name: str) -> str:
    return (SOLUTION_DIR / "templates" / f"{name}.html").read_text(encoding="utf-8")


ALTERNATIVES = {
    "a menu list in the layout, spaced blocks, unclosed <li>": submission(
        app="""
            from flask import Flask, render_template
            app = Flask(__name__)
            ITEMS = ['apple', 'banana', 'cherry']

            def home():
                return render_template("index.html")

            def hello(name):
                return render_template("hello.html", who=name)

            def fruit():
                return render_template("items.html", fruits=ITEMS)

            app.add_url_rule("/", view_func=home)
            app.add_url_rule("/hello/<name>", view_func=hello)
            app.add_url_rule("/items", view_func=fruit)
        """,
        base="""<!DOCTYPE html>
            <html><head>
            <title>
              {% block title %}{% endblock %} - Flask Exercises
            </title>
            <style>li { color: red }</style>
            </head><body>
            <nav><ul><li><a href="/">Home</a></li><li><a href="/items">Items</a></li></ul></nav>
            <main>{% block content %}{% endblock %}</main>
            </body></html>
        """,
        index='{% extends "base.html" %}\n{% block title %}\n  Home\n{% endblock %}',
        hello='{% extends "base.html" %}{% block title %}Greetings{% endblock %}'
        "{% block content %}<p>Hello, <em>{{ who }}</em>!</p>{% endblock %}",
        items='{% extends "base.html" %}{% block title %}Fruit{% endblock %}{% block content %}'
        "<ul>{% for fruit in fruits %}\n<li> {{ fruit }}\n{% endfor %}</ul>{% endblock %}",
    ),
    "text built in Python, a title variable, an index loop": submission(
        app="""
            from flask import Flask, render_template
            app = Flask(__name__)
            ITEMS = ('apple', 'banana', 'cherry')

            @app.get("/")
            def index():
                return render_template("index.html", page_title="Home")

            @app.get("/hello/<name>")
            def hello(name):
                return render_template("hello.html", greeting=f"Hello, {name}!")

            @app.get("/items")
            def items():
                return render_template("items.html", items=ITEMS)
        """,
        index='{% extends "base.html" %}{% block title %}{{ page_title }}{% endblock %}',
        hello='{% extends "base.html" %}{% block title %}Hello{% endblock %}{% block content %}<h1>{{ greeting }}</h1>{% endblock %}',
        items='{% extends "base.html" %}{% block title %}Items{% endblock %}{% block content %}<ul>'
        "{% for i in range(items|length) %}<li>{{ items[i] }}</li>{% endfor %}</ul>{% endblock %}",
    ),
}


MISTAKES = {
    "escaping switched off with |safe": (
        submission(hello=solution_template("hello").replace("{{ name }}", "{{ name|safe }}")),
        {"hello_escapes"},
    ),
    "fruit written into the template": (
        submission(
            items=solution_template("items").replace(
                "{% for item in items %}\n  <li>{{ item }}</li>\n  {% endfor %}",
                "<li>apple</li><li>banana</li><li>cherry</li>",
            )
        ),
        {"items_from_constant"},
    ),
    "hello page not extending the base": (
        submission(hello="<!doctype html><title>Hello</title><h1>Hello, {{ name }}!</h1>"),
        {"pages_extend_base"},
    ),
    "index title block left empty": (
        submission(index='{% extends "base.html" %}{% block content %}<h1>Welcome!</h1>{% endblock %}'),
        {"index"},
    ),
}
