"""Deterministic example inputs for the check50 versions of the property checks.

check50 has no property testing, so each property becomes a loop over as many
fixed examples as Hypothesis tries by default (100): the same amount of work.
"""

import random
import string
from urllib.parse import quote

COUNT = 100
_ALPHABET = string.ascii_letters + string.digits + " -_.~!$()*+,;=:@éß€中"


def names(seed, specials=""):
    rng = random.Random(seed)
    for _ in range(COUNT):
        text = "".join(rng.choice(_ALPHABET + specials) for _ in range(rng.randint(1, 12)))
        yield text if text.strip(".") else "x"


def naturals(seed):
    rng = random.Random(seed)
    return [rng.choice([rng.randint(0, 1000), rng.randint(0, 10**30)]) for _ in range(COUNT)]


def decimals(seed):
    rng = random.Random(seed)
    return [f"{rng.randint(0, 10**6)}.{rng.randint(0, 999999)}" for _ in range(COUNT)]


def url(text):
    return quote(text, safe="")
