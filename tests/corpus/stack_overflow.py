"""Lifts the recursion limit, then recurses through C code until the stack overflows."""

import sys

from flask import Flask

app = Flask(__name__)

sys.setrecursionlimit(10**7)


class Deep:
    def __init__(self, depth):
        self.depth = depth

    def __repr__(self):  # repr() of the next one: each level costs C stack
        return repr(Deep(self.depth + 1))


repr(Deep(0))
