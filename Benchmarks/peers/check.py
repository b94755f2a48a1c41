"""Normalizes every engine's answers and checks that they agree: rows sorted; numbers as integers, money
(at most two decimals) with two decimals, other floats to 9 significant digits; dates and timestamps as
'YYYY-MM-DD HH:MM:SS' local time; approximate distinct counts compared within 2 %."""
import re
from decimal import Decimal, InvalidOperation

TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)(?:[ T](\d\d:\d\d:\d\d)(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?$")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
TOLERANCE = 0.02


def normalize(value):
    if value is None or value == "\\N":
        return "NULL"
    text = str(value)
    if m := TIMESTAMP.match(text):
        return m.group(1) + " " + (m.group(2) or "00:00:00")
    if NUMBER.match(text):
        try:
            d = Decimal(text)
        except InvalidOperation:
            return text
        if d == d.to_integral_value():
            return str(int(d))
        if d.normalize().as_tuple().exponent >= -2:
            return f"{d:.2f}"
        return f"{float(d):.9g}"
    return text


def normalized(rows):
    return sorted(tuple(normalize(v) for v in row) for row in rows)


def close(a, b):
    if a == b:
        return True
    if NUMBER.match(a) and NUMBER.match(b):
        x, y = float(a), float(b)
        return abs(x - y) <= TOLERANCE * max(abs(x), abs(y))
    return False


def within(rows_a, rows_b):
    return len(rows_a) == len(rows_b) and all(
        len(r) == len(s) and all(close(x, y) for x, y in zip(r, s)) for r, s in zip(rows_a, rows_b))


def first_difference(rows_a, rows_b):
    for i, (r, s) in enumerate(zip(rows_a, rows_b)):
        if r != s:
            return f"row {i + 1}: {list(r)} vs {list(s)}"
    return f"{len(rows_a)} rows vs {len(rows_b)} rows"


def mismatches(answers, queries):
    """answers: engine → query name → rows. Returns one line per query whose engines disagree: exact
    answers must be equal; an estimate must be within 2 % of the exact answer (the first engine's)."""
    problems = []
    engines = list(answers)
    reference = engines[0]
    for q in queries:
        norm = {e: normalized(answers[e][q.name]) for e in engines}
        if q.approximates:
            exact = normalized(answers[reference][q.approximates])
            problems += [f"{q.name}: {e} is not within 2 % of the exact {q.approximates} — "
                         f"{first_difference(norm[e], exact)}" for e in engines if not within(norm[e], exact)]
        else:
            problems += [f"{q.name}: {reference} and {e} differ — {first_difference(norm[reference], norm[e])}"
                         for e in engines[1:] if norm[e] != norm[reference]]
    return problems
