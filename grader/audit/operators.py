"""Mutation operators: where a reference solution could go wrong the way learners' code does.

Each operator mirrors a real Flask mistake (a converter left out, the wrong status code,
a value put into HTML unescaped, a hook that forgets to return, ...) or a generic slip
(a string literal, an int off by one). :func:`python_changes` finds every place in a
module's syntax tree where an operator applies and says what to put there;
:func:`template_changes` does the same on a Jinja template's text.
:mod:`grader.audit.mutants` turns each change into a mutant file.

Operators mutate what the learner writes, and only where the mistake is one the learner
could make: rule strings get converter and slash mutants, not typos that Werkzeug
refuses at import; the app instance's own mistakes (``Flask("app")``, ``app.run()`` at
import) apply only to a module that is nothing but the app instance.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeGuard

#: Mutants of these categories must all be killed: these are the concepts the checks exist for.
MUST_KILL = frozenset({"converter", "status", "escaping", "hook"})

#: operator name -> (category, the mistake it mirrors)
OPERATORS: dict[str, tuple[str, str]] = {
    "converter-drop": ("converter", "a converter left out: <int:id> becomes <id>"),
    "converter-change": ("converter", "the wrong converter: int and float swapped"),
    "converter-unregister": ("converter", "a custom converter never added to app.url_map.converters"),
    "converter-class": ("converter", "a custom converter without its regex, to_python or to_url"),
    "status-change": ("status", "the wrong status code: 200 for 201, 403 for 401, 400 for 404, ..."),
    "status-drop": ("status", "a response returned without its status code, so Flask answers 200"),
    "handler-status-drop": (
        "status",
        "an error handler that returns its body without the status, so Flask answers 200",
    ),
    "redirect-code": ("status", "the wrong redirect code: permanent for temporary or the reverse"),
    "escape-drop": ("escaping", "a value put into HTML without escape()"),
    "template-safe": ("escaping", "|safe added to a template value, switching autoescaping off for it"),
    "hook-return-drop": ("hook", "a request hook that forgets its return: the early answer, or the response"),
    "hook-drop": ("hook", "a request hook never registered"),
    "route-drop": ("route", "a route never registered: its decorator line deleted"),
    "route-slash": ("route", "a trailing slash added to a rule or removed from it"),
    "converter-widen": (
        "route",
        "a variable that takes more than it should: a signed int, path or int for a plain variable",
    ),
    "methods-change": ("methods", "the wrong methods: one left out, one added, the wrong verb"),
    "handler-drop": ("errors", "an error handler never registered"),
    "abort-swallow": ("abort", "an abort() that never happens"),
    "session-global": ("state", "a module global instead of the session: one value shared by every client"),
    "g-global": ("state", "a module global instead of g: values kept from one request to the next"),
    "current-app-global": ("state", "the module's app used where current_app belongs"),
    "request-source": ("request", "request.args read instead of request.form, or the reverse"),
    "json-as-text": ("json", "JSON sent with json.dumps (text/html) instead of jsonify"),
    "app-import-name": ("app", "the module's name written by hand instead of __name__"),
    "app-static-off": ("app", "static_folder=None: the /static route is gone"),
    "run-on-import": ("app", "app.run() called when the module is imported"),
    "main-guard-drop": ("app", "app.run() outside its if __name__ == '__main__' guard"),
    "template-extends-drop": ("template", "a template that does not extend its base"),
    "template-loop": ("template", "a loop that skips the first item"),
    "decorator-drop": ("generic", "a decorator line deleted"),
    "statement-drop": ("generic", "a statement deleted"),
    "string-change": ("generic", "a string literal changed: its last character dropped"),
    "off-by-one": ("generic", "an int one too big or too small"),
    "arithmetic-swap": ("generic", "+ and - swapped"),
    "compare-change": ("generic", "a comparison changed: == and !=, < and <=, in and not in"),
    "condition-negate": ("generic", "a condition negated"),
    "boolean-swap": ("generic", "and and or swapped"),
    "bool-flip": ("generic", "True and False swapped"),
    "keyword-drop": ("generic", "a keyword argument left out"),
}

ROUTE_VERBS = {"route", "get", "post", "put", "patch", "delete"}
HOOKS = {"before_request", "after_request", "before_app_request", "after_app_request"}
TEARDOWNS = {"teardown_request", "teardown_appcontext", "teardown_app_request"}
ERROR_HANDLERS = {"errorhandler", "app_errorhandler"}
ESCAPES = {("markupsafe", "escape"), ("html", "escape"), ("flask", "escape"), ("Markup", "escape")}

STATUS_SWAPS = {
    200: 201,
    201: 200,
    202: 200,
    204: 200,
    400: 422,
    401: 403,
    403: 401,
    404: 400,
    405: 404,
    409: 400,
    410: 404,
    415: 400,
    418: 400,
    422: 400,
    500: 503,
    501: 500,
    503: 500,
}
# 302 and 303 are both right for a temporary redirect (Flask 3.2 changes the default).
REDIRECT_SWAPS = {301: 302, 302: 301, 303: 301, 307: 308, 308: 307}
CONVERTER_SWAPS = {"int": ("float",), "float": ("int",)}
# Wider (or different) than the rule says: mistakes only where the contract pins the variable down.
CONVERTER_WIDENINGS = {"int": ("int(signed=True)",), "": ("path", "int")}
SYMBOLS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
    ast.Add: "+",
    ast.Sub: "-",
}
RULE_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?P<arguments>\([^)]*\))?:)?(?P<name>\w+)>")

#: What goes in place of a node: a node, statements (in place of one statement), or nothing.
Replacement = ast.AST | list[ast.stmt] | None


@dataclass(frozen=True)
class Change:
    """One mutant's edits to a module's tree: each ``(node, replacement)``."""

    operator: str
    edits: tuple[tuple[ast.AST, Replacement], ...]
    description: str

    @property
    def line(self) -> int:
        return min(node.lineno for node, _ in self.edits)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TextChange:
    """One mutant of a template: its whole new text."""

    operator: str
    line: int
    description: str
    text: str


def python_changes(tree: ast.Module) -> list[Change]:
    """Every change the operators make to ``tree`` (which is left as it is)."""
    finder = _Finder(tree)
    finder.visit(tree)
    return finder.changes


def _expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def _number(value: int) -> ast.expr:
    """An int as the parser reads it back: -1 is ``-(1)``, not a constant."""
    return _expr(repr(value))


def _stmt(text: str) -> ast.stmt:
    return ast.parse(text).body[0]


def _call_name(call: ast.AST) -> tuple[str, str]:
    """``(owner, name)`` of a call or decorator: ``app.route(...)`` -> ``("app", "route")``."""
    func = call.func if isinstance(call, ast.Call) else call
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return owner, func.attr
    if isinstance(func, ast.Name):
        return "", func.id
    return "", ""


def _int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _other_status(code: int) -> int:
    if code in STATUS_SWAPS:
        return STATUS_SWAPS[code]
    if 100 <= code <= 599:
        fallback = {1: 200, 2: 200, 3: 302, 4: 400, 5: 500}[code // 100]
        return fallback if fallback != code else 200
    return code + 1


def _short(text: str, width: int = 40) -> str:
    """``repr(text)``, cut in the middle when long: descriptions stay one line."""
    shown = repr(text)
    return shown if len(shown) <= width else shown[: width // 2] + "…" + shown[-width // 2 :]


def _without(items: list, index: int) -> list:
    return items[:index] + items[index + 1 :]


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_main_guard(node: ast.stmt) -> TypeGuard[ast.If]:
    return isinstance(node, ast.If) and "__name__" in ast.unparse(node.test) and "__main__" in ast.unparse(node.test)


class _Finder(ast.NodeVisitor):
    """Walks a module once, recording each change an operator makes, with the context
    operators need: which function is a route, a hook or an error handler."""

    def __init__(self, tree: ast.Module) -> None:
        self.changes: list[Change] = []
        self.claimed: set[int] = set()  # nodes a Flask operator took: generic ones leave them
        self.roles = _registered_roles(tree)
        self.role = ""  # of the function being walked: route, hook, teardown, handler, or ""
        self.globals: set[str] = set()  # names the function being walked declares global
        self.escapes = _escape_names(tree)
        self.bare_app = _is_bare_app(tree)

    def add(self, operator: str, node: ast.AST, replacement: Replacement, description: str) -> None:
        self.changes.append(Change(operator, ((node, replacement),), description))

    def claim(self, *nodes: ast.AST | None) -> None:
        for node in nodes:
            if node is not None:
                self.claimed.update(id(child) for child in ast.walk(node))

    # ------------------------------------------------------------ module level

    def visit_Module(self, node: ast.Module) -> None:
        self.claim(*[stmt for stmt in node.body[:1] if _is_docstring(stmt)])
        anchor = _app_assignment(node)
        if anchor is not None:
            self._globals_instead_of_context(node, anchor)
            if self.bare_app:
                self.add("run-on-import", anchor, [anchor, _stmt("app.run()")], "app.run() right after the app is made")
        for stmt in node.body:
            if _is_main_guard(stmt):
                self.add("main-guard-drop", stmt, list(stmt.body), "the if __name__ == '__main__' guard removed")
        self.generic_visit(node)

    def _globals_instead_of_context(self, tree: ast.Module, anchor: ast.stmt) -> None:
        """session / g replaced everywhere by a module-level stand-in made after the app."""
        imported = {
            alias.asname or alias.name
            for stmt in tree.body
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "flask"
            for alias in stmt.names
        }
        stand_ins = {
            "session": ("session-global", "_global_session", ["_global_session = {}"]),
            "g": ("g-global", "_global_g", ["from flask.ctx import _AppCtxGlobals", "_global_g = _AppCtxGlobals()"]),
        }
        uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "current_app"]
        if "current_app" in imported and uses:
            self.changes.append(
                Change(
                    "current-app-global",
                    tuple((use, ast.Name(id="app", ctx=use.ctx)) for use in uses),
                    "every use of current_app replaced by the module's app",
                )
            )
        for name, (operator, stand_in, setup) in stand_ins.items():
            uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
            if name not in imported or not uses:
                continue
            edits: list[tuple[ast.AST, Replacement]] = [(use, ast.Name(id=stand_in, ctx=use.ctx)) for use in uses]
            edits.append((anchor, [anchor, *(_stmt(line) for line in setup)]))
            description = f"every use of {name} replaced by the module global {stand_in}"
            self.changes.append(Change(operator, tuple(edits), description))

    # -------------------------------------------------------------- functions

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        role = self.roles.get(node.name, "")
        for decorator in node.decorator_list:
            role = self._decorator(decorator) or role
        self.claim(*node.decorator_list, *[stmt for stmt in node.body[:1] if _is_docstring(stmt)])
        outer = (self.role, self.globals)
        self.role = role
        self.globals = {name for stmt in ast.walk(node) if isinstance(stmt, ast.Global) for name in stmt.names}
        for child in (node.args, *node.body):
            self.visit(child)
        self.role, self.globals = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.claim(*node.decorator_list, *node.bases, *[stmt for stmt in node.body[:1] if _is_docstring(stmt)])
        if any(_call_name(base)[1] == "BaseConverter" for base in node.bases):
            for stmt in node.body:
                what = _converter_part(stmt)
                if what:
                    self.add("converter-class", stmt, ast.Pass(), f"{node.name} without its {what}")
        outer, self.role = self.role, ""
        self.generic_visit(node)
        self.role = outer

    def _decorator(self, decorator: ast.expr) -> str:
        """Mutants of one decorator; the role it gives its function."""
        _, name = _call_name(decorator)
        if isinstance(decorator, ast.Call) and name in ROUTE_VERBS:
            self._route(decorator, verb=name)
            self.add("route-drop", decorator, None, "the route is never registered")
            return "route"
        if name in HOOKS | TEARDOWNS and not isinstance(decorator, ast.Call):
            self.add("hook-drop", decorator, None, "the hook is never registered")
            return "teardown" if name in TEARDOWNS else "hook"
        if isinstance(decorator, ast.Call) and name in ERROR_HANDLERS:
            self._status(_first_argument(decorator, "code_or_exception"))
            self.add("handler-drop", decorator, None, "the error handler is never registered")
            return "handler"
        self.add("decorator-drop", decorator, None, "the decorator deleted")
        return ""

    def _route(self, call: ast.Call, verb: str) -> None:
        """Converter, slash and methods mutants of a route decorator or add_url_rule call."""
        rule = _first_argument(call, "rule")
        if isinstance(rule, ast.Constant) and isinstance(rule.value, str):
            self.claim(rule)
            for operator, new_rule, what in _rule_mutations(rule.value):
                self.add(operator, rule, ast.Constant(new_rule), what)
        methods = next((kw for kw in call.keywords if kw.arg == "methods"), None)
        if methods is not None and isinstance(methods.value, (ast.List, ast.Tuple, ast.Set)):
            self.claim(methods)
            names = [e.value for e in methods.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(names) == len(methods.value.elts):
                for index, method in enumerate(names):
                    if len(names) > 1:
                        kept = _without(names, index)
                        self.add(
                            "methods-change",
                            methods.value,
                            ast.List([ast.Constant(m) for m in kept], ast.Load()),
                            f"{method} left out of methods",
                        )
                extra = next((m for m in ("POST", "PUT", "PATCH") if m not in {n.upper() for n in names}), None)
                if extra is not None:
                    grown = ast.List([ast.Constant(m) for m in [*names, extra]], ast.Load())
                    self.add("methods-change", methods.value, grown, f"{extra} added to methods")
        if verb in ROUTE_VERBS - {"route"} and isinstance(call.func, ast.Attribute):
            other = "post" if verb == "get" else "get"
            swapped = ast.Call(ast.Attribute(call.func.value, other, ast.Load()), call.args, call.keywords)
            self.add("methods-change", call, swapped, f"@….{verb} written as @….{other}")

    # ------------------------------------------------------------- statements

    def visit_Return(self, node: ast.Return) -> None:
        if self.role == "hook":
            self.add("hook-return-drop", node, ast.Pass(), "the hook's return deleted")
        value = node.value
        if (
            isinstance(value, ast.Tuple)
            and len(value.elts) >= 2
            and not isinstance(value.elts[1], (ast.Dict, ast.List))
        ):
            status = value.elts[1]
            self._status(status)
            if _int(status) != 200:  # 200 is Flask's default: leaving it out would change nothing
                kept = _without(value.elts, 1)
                replacement = kept[0] if len(kept) == 1 else ast.Tuple(kept, ast.Load())
                operator = "handler-status-drop" if self.role == "handler" else "status-drop"
                self.add(operator, value, replacement, f"returned without its status {ast.unparse(status)}")
        body = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
        if isinstance(body, ast.Dict) and self.role in ("route", "handler", "hook"):
            self.add(
                "json-as-text",
                body,
                _expr(f"__import__('json').dumps({ast.unparse(body)})"),
                "the dict sent as json.dumps text",
            )
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        _, name = _call_name(call) if isinstance(call, ast.Call) else ("", "")
        if name == "abort":
            self.add("abort-swallow", node, ast.Pass(), "the abort never happens")
        elif isinstance(call, ast.Call):
            operator = _registration_drop(name)
            self.add(
                operator, node, ast.Pass(), "the call deleted" if operator == "statement-drop" else "never registered"
            )
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        stateful = isinstance(node, ast.AugAssign) or any(
            isinstance(t, (ast.Attribute, ast.Subscript)) or (isinstance(t, ast.Name) and t.id in self.globals)
            for t in targets
        )
        if stateful and node.value is not None:
            converters = any("url_map.converters" in ast.unparse(t) for t in targets)
            operator = "converter-unregister" if converters else "statement-drop"
            self.add(
                operator,
                node,
                ast.Pass(),
                "the converter is never registered" if converters else "the assignment deleted",
            )
        self.generic_visit(node)

    visit_AugAssign = visit_AnnAssign = visit_Assign

    def visit_If(self, node: ast.If | ast.While) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    visit_While = visit_If

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def _negate(self, test: ast.expr) -> None:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            self.add("condition-negate", test, test.operand, "the condition without its not")
        else:
            self.add("condition-negate", test, ast.UnaryOp(ast.Not(), test), "the condition negated")

    # ------------------------------------------------------------ expressions

    def visit_Call(self, node: ast.Call) -> None:
        owner, name = _call_name(node)
        first = node.args[0] if node.args else None
        if _is_escape(node, self.escapes) and first is not None:
            self.add("escape-drop", node, first, "no escaping")
        elif name in ("abort", "register_error_handler"):
            self._status(first)
        elif name == "add_url_rule":
            self._route(node, verb="route")
        elif name in ("make_response", "Response") and len(node.args) >= 2:
            if _int(node.args[1]) != 200:
                self.add(
                    "status-drop",
                    node,
                    ast.Call(node.func, _without(node.args, 1), node.keywords),
                    f"{name} without its status",
                )
            self._status(node.args[1])
        elif name == "redirect":
            self._redirect(node)
        elif name == "jsonify" and (len(node.args) == 1) != bool(node.keywords):
            payload = (
                ast.unparse(first) if first is not None else f"dict({', '.join(ast.unparse(k) for k in node.keywords)})"
            )
            self.add(
                "json-as-text",
                node,
                _expr(f"__import__('json').dumps({payload})"),
                "jsonify(...) written as json.dumps(...): text, not JSON",
            )
        elif name == "Flask" and self.bare_app:
            self._app_instance(node)
        for keyword in node.keywords:
            if keyword.arg == "status":
                self._status(keyword.value)
            if keyword.arg is not None and id(keyword.value) not in self.claimed:
                kept = [k for k in node.keywords if k is not keyword]
                self.add(
                    "keyword-drop",
                    node,
                    ast.Call(node.func, node.args, kept),
                    f"{keyword.arg}= left out of {owner + '.' if owner else ''}{name}(...)",
                )
        self.generic_visit(node)

    def _status(self, node: ast.AST | None) -> None:
        code = _int(node)
        if code is not None and node is not None:
            self.claim(node)
            other = _other_status(code)
            self.add("status-change", node, _number(other), f"status {code} -> {other}")

    def _redirect(self, call: ast.Call) -> None:
        keyword = next((k for k in call.keywords if k.arg == "code"), None)
        code_node = keyword.value if keyword else (call.args[1] if len(call.args) > 1 else None)
        code = _int(code_node)
        if code_node is None:
            grown = ast.Call(call.func, call.args, [*call.keywords, ast.keyword("code", ast.Constant(301))])
            self.add("redirect-code", call, grown, "a permanent redirect (301) instead of a temporary one")
        elif code is not None and code in REDIRECT_SWAPS:
            self.claim(code_node)
            self.add(
                "redirect-code",
                code_node,
                _number(REDIRECT_SWAPS[code]),
                f"redirect code {code} -> {REDIRECT_SWAPS[code]}",
            )

    def _app_instance(self, call: ast.Call) -> None:
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Name) and first.id == "__name__":
            self.claim(first)
            self.add("app-import-name", first, ast.Constant("app"), "Flask('app') instead of Flask(__name__)")
        if not any(k.arg == "static_folder" for k in call.keywords):
            grown = ast.Call(call.func, call.args, [*call.keywords, ast.keyword("static_folder", ast.Constant(None))])
            self.add("app-static-off", call, grown, "static_folder=None added")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        swaps = {"args": "form", "form": "args", "values": "args"}
        if isinstance(node.value, ast.Name) and node.value.id == "request" and node.attr in swaps:
            other = swaps[node.attr]
            self.add(
                "request-source",
                node,
                ast.Attribute(node.value, other, node.ctx),
                f"request.{node.attr} -> request.{other}",
            )
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        swaps = {
            ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq,
            ast.Lt: ast.LtE,
            ast.LtE: ast.Lt,
            ast.Gt: ast.GtE,
            ast.GtE: ast.Gt,
            ast.In: ast.NotIn,
            ast.NotIn: ast.In,
            ast.Is: ast.IsNot,
            ast.IsNot: ast.Is,
        }
        for index, op in enumerate(node.ops):
            ops = list(node.ops)
            ops[index] = swaps[type(op)]()
            changed = ast.Compare(node.left, ops, node.comparators)
            self.add("compare-change", node, changed, f"{SYMBOLS[type(op)]} -> {SYMBOLS[type(ops[index])]}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        changed = ast.BoolOp(other, node.values)
        self.add("boolean-swap", node, changed, f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[type(other)]}")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        texty = any(
            isinstance(side, ast.JoinedStr) or (isinstance(side, ast.Constant) and isinstance(side.value, str))
            for side in (node.left, node.right)
        )
        if isinstance(node.op, (ast.Add, ast.Sub)) and not texty:
            changed = ast.BinOp(node.left, ast.Sub() if isinstance(node.op, ast.Add) else ast.Add(), node.right)
            self.add("arithmetic-swap", node, changed, f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[type(changed.op)]}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if id(node) in self.claimed:
            return
        value = node.value
        if isinstance(value, bool):
            self.add("bool-flip", node, ast.Constant(not value), f"{value} -> {not value}")
        elif isinstance(value, int):
            for other in (value + 1, value - 1):
                self.add("off-by-one", node, _number(other), f"{value} -> {other}")
        elif isinstance(value, str):
            shorter = value[:-1] if value else "X"
            self.add("string-change", node, ast.Constant(shorter), f"{_short(value)} -> {_short(shorter)}")


def _converter_part(stmt: ast.stmt) -> str:
    """``regex``, ``to_python`` or ``to_url`` when ``stmt`` defines it in a converter class."""
    if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "regex" for t in stmt.targets):
        return "regex"
    if isinstance(stmt, ast.FunctionDef) and stmt.name in ("to_python", "to_url"):
        return stmt.name
    return ""


def _first_argument(call: ast.Call, keyword: str) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _rule_mutations(rule: str) -> Iterator[tuple[str, str, str]]:
    """``(operator, new rule, what changed)`` for each converter and slash mutant of a URL rule."""
    for match in RULE_VARIABLE.finditer(rule):
        converter = match["converter"] or ""
        name = match["name"]
        whole = match.group(0)

        def swap(new: str, match: re.Match[str] = match) -> str:
            return rule[: match.start()] + new + rule[match.end() :]

        if converter and converter != "string":
            yield "converter-drop", swap(f"<{name}>"), f"converter {converter} left out"
        if not match["arguments"]:
            plain = "" if converter == "string" else converter
            for operator, swaps in (("converter-change", CONVERTER_SWAPS), ("converter-widen", CONVERTER_WIDENINGS)):
                for other in swaps.get(plain, ()):
                    yield operator, swap(f"<{other}:{name}>"), f"{whole} as <{other}:{name}>"
    if rule.endswith("/") and rule != "/":
        yield "route-slash", rule.rstrip("/"), "trailing slash removed"
    elif not rule.endswith("/"):
        yield "route-slash", rule + "/", "trailing slash added"


def _registration_drop(name: str) -> str:
    """The operator for deleting a call statement: un-registering a route, hook or handler."""
    if name == "add_url_rule":
        return "route-drop"
    if name in HOOKS | TEARDOWNS:
        return "hook-drop"
    if name == "register_error_handler":
        return "handler-drop"
    return "statement-drop"


def _registered_roles(tree: ast.Module) -> dict[str, str]:
    """Roles of functions registered by a call rather than a decorator: ``app.before_request(f)``."""
    roles = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        _, name = _call_name(node)
        functions = [a.id for a in [*node.args, *(k.value for k in node.keywords)] if isinstance(a, ast.Name)]
        role = {"add_url_rule": "route", "register_error_handler": "handler"}.get(name)
        role = role or ("hook" if name in HOOKS else "teardown" if name in TEARDOWNS else "")
        for function in functions if role else ():
            roles[function] = role
    return roles


def _escape_names(tree: ast.Module) -> set[str]:
    """Names under which the module imported an HTML escape function."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("markupsafe", "html", "flask")
        for alias in node.names
        if alias.name == "escape"
    }


def _is_escape(call: ast.Call, imported: set[str]) -> bool:
    """``escape(x)`` as imported, or ``markupsafe.escape(x)``, ``html.escape(x)``, ``Markup.escape(x)``."""
    if isinstance(call.func, ast.Name):
        return call.func.id in imported
    return _call_name(call) in ESCAPES


def _app_assignment(tree: ast.Module) -> ast.stmt | None:
    """The module-level ``app = Flask(...)``."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and _call_name(stmt.value)[1] == "Flask":
            return stmt
    return None


def _is_bare_app(tree: ast.Module) -> bool:
    """A module that is nothing but the app instance: imports, docstring and ``app = Flask(...)``."""
    rest = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom)) and not _is_docstring(s)]
    return len(rest) == 1 and rest[0] is _app_assignment(tree)


# ------------------------------------------------------------------ templates

EXPRESSION = re.compile(r"\{\{(?P<open>-?)(?P<body>.*?)(?P<close>-?)\}\}", re.S)
EXTENDS = re.compile(r"\{%-?\s*extends\s.*?-?%\}", re.S)
FOR_LOOP = re.compile(r"(\{%-?\s*for\s+\w+(?:\s*,\s*\w+)*\s+in\s+)(?P<iterable>.+?)(\s*-?%\})", re.S)
# Values that are markup already, or not data a request brings in.
ALREADY_SAFE = re.compile(r"\|\s*(safe|e|escape|tojson)\b|^\s*(super\(\)|url_for\(|loop\.)")


def template_changes(text: str) -> list[TextChange]:
    """Every change the template operators make to a Jinja template's text."""
    changes = []

    def line(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    for match in EXPRESSION.finditer(text):
        body = match["body"]
        if ALREADY_SAFE.search(body):
            continue
        inner = body.rstrip()
        new = "{{" + match["open"] + inner + "|safe" + body[len(inner) :] + match["close"] + "}}"
        changes.append(
            TextChange(
                "template-safe",
                line(match.start()),
                f"{{{{{body}}}}} marked |safe",
                text[: match.start()] + new + text[match.end() :],
            )
        )
    for match in EXTENDS.finditer(text):
        end = match.end() + 1 if text[match.end() : match.end() + 1] == "\n" else match.end()
        changes.append(
            TextChange(
                "template-extends-drop",
                line(match.start()),
                f"{match.group(0)} deleted",
                text[: match.start()] + text[end:],
            )
        )
    for match in FOR_LOOP.finditer(text):
        iterable = match["iterable"].strip()
        new = f"{match.group(1)}({iterable})[1:]{match.group(3)}"
        changes.append(
            TextChange(
                "template-loop",
                line(match.start()),
                f"the loop over {iterable} skips the first item",
                text[: match.start()] + new + text[match.end() :],
            )
        )
    return changes
