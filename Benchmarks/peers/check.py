"""Normalizes every engine's answers and checks that they agree: rows sorted; numbers as integers, money
(at most two decimals) with two decimals, other floats to 9 significant digits; dates and timestamps as
'YYYY-MM-DD HH:MM:SS' local time; approximate distinct counts within 3 % of the exact ones (or the
tolerance the suite gives an engine)."""
import re
from decimal import Decimal, InvalidOperation

TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)(?:[ T](\d\d:\d\d:\d\d)(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?$")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
TOLERANCE = 0.03  # of an estimate, unless the suite allows an engine more: about 4 standard errors of a
                  # 2^14-register HyperLogLog (0.81 %); at 2 % one route of seven failed at the city scale (2.001 %)


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


def relative_errors(estimate, exact):
    """Per row, |estimate − exact| / exact of the last column; None when the rows do not line up."""
    if len(estimate) != len(exact) or any(r[:-1] != s[:-1] for r, s in zip(estimate, exact)):
        return None
    return [abs(float(r[-1]) - float(s[-1])) / max(1.0, abs(float(s[-1]))) for r, s in zip(estimate, exact)]


def first_difference(rows_a, rows_b):
    for i, (r, s) in enumerate(zip(rows_a, rows_b)):
        if r != s:
            return f"row {i + 1}: {list(r)} vs {list(s)}"
    return f"{len(rows_a)} rows vs {len(rows_b)} rows"


def mismatches(answers, queries):
    """answers: engine → query name → rows, or None where the engine refused the query. Returns the problems
    (one line per query and engine whose answer differs: exact answers must equal those of the first engine
    that answered; an estimate must be within its tolerance of the exact answer; a query no engine or only one
    engine answered cannot be checked and says so) and every estimate's largest relative error per engine."""
    problems, errors = [], {}
    for q in queries:
        engines = [e for e in answers if answers[e].get(q.name) is not None]
        if len(engines) < 2:
            problems.append(f"{q.name}: answered by {engines[0] if engines else 'no engine'} alone, nothing to check against")
            continue
        norm = {e: normalized(answers[e][q.name]) for e in engines}
        if q.approximates:
            # Rows of an estimate sort by their keys, as the exact answer's do (counts are the last column).
            reference = next((e for e in answers if answers[e].get(q.approximates) is not None), None)
            if reference is None:
                problems.append(f"{q.name}: no engine answered the exact {q.approximates}")
                continue
            exact = normalized(answers[reference][q.approximates])
            errors[q.name] = {}
            for e in engines:
                rel = relative_errors(norm[e], exact)
                allowed = q.tolerance.get(e, TOLERANCE)
                errors[q.name][e] = None if rel is None else max(rel)
                if rel is None or max(rel) > allowed:
                    problems.append(f"{q.name}: {e} is not within {allowed:.0%} of the exact {q.approximates} — "
                                    f"{first_difference(norm[e], exact)}")
        else:
            reference = engines[0]
            problems += [f"{q.name}: {reference} and {e} differ — {first_difference(norm[reference], norm[e])}"
                         for e in engines[1:] if norm[e] != norm[reference]]
    return problems, errors
