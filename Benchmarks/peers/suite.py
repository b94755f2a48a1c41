"""The query suite (Benchmarks/queries/peers.sql): each query's name, family, Huiyan's SQL and the rewrites."""
import re
from dataclasses import dataclass, field


@dataclass
class Query:
    name: str
    sql: str                                        # Huiyan's dialect, without the final ';'
    family: str = "analyst"                         # the query shape it stands for (a "-- family:" section)
    rewrites: dict = field(default_factory=dict)    # engine → SQL where that engine's dialect differs
    approximates: str = None                        # an estimate: the name of the exact query
    tolerance: dict = field(default_factory=dict)   # engine → allowed relative error of an estimate (default 3 %)

    def sql_for(self, engine):
        return self.rewrites.get(engine, self.sql)


def load(path):
    queries = []
    family = "analyst"
    for line in open(path, encoding="utf-8").read().splitlines():
        line = line.strip()
        if m := re.match(r"--\s*family:\s*(\w+)$", line):
            family = m.group(1)
        elif m := re.match(r"--\s*name:\s*(\w+)$", line):
            queries.append(Query(m.group(1), "", family))
        elif m := re.match(r"--\s*(duckdb|clickhouse):\s*(.+?);?$", line):
            queries[-1].rewrites[m.group(1)] = m.group(2)
        elif m := re.match(r"--\s*approximate:\s*(\w+)$", line):
            queries[-1].approximates = m.group(1)
        elif m := re.match(r"--\s*tolerance:\s*(\w+)\s+([\d.]+)\s*%", line):
            queries[-1].tolerance[m.group(1)] = float(m.group(2)) / 100
        elif line and not line.startswith("--"):
            if not queries or queries[-1].sql:
                raise SystemExit(f"{path}: one statement a line after each '-- name:' ({line[:60]})")
            queries[-1].sql = line.rstrip(";")
    return queries
