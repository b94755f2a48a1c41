"""Runs one step of one peer engine in its own process (and virtual environment), so that the caller can
time the whole process and read its peak memory; prints one JSON object on standard output.

  python worker.py duckdb|chdb ingest DB TABLE CSV       load one feed or dimension table (timed inside:
                                                         load_seconds; bytes on disk when the engine says)
  python worker.py duckdb|chdb query DB SUITE RUNS [FAMILIES]
                                                         each query (of the comma-separated families, if
                                                         given): one warm-up + RUNS runs, times and rows; a
                                                         query the engine refuses: its error, and on to the next
"""
import importlib, json, sys, time

import suite

# Column names and kinds shared by both peers (Huiyan's schemas; `huiyan describe TABLE`): each peer maps a
# kind to its type — an id is a plain string, a name one of few values (LowCardinality in ClickHouse); "?" is
# nullable.
FEEDS = {
    "visits": [("ts", "timestamp"), ("visitor_id", "id"), ("spot", "name"), ("route", "name?"), ("origin", "name?"),
               ("group_type", "name?"), ("spend", "money?")],
    "tickets": [("ts", "timestamp"), ("ticket_id", "id"), ("spot", "name"), ("ticket_type", "name"),
                ("channel", "name"), ("qty", "int"), ("amount", "money")],
    "orders": [("ts", "timestamp"), ("order_id", "id"), ("product", "name"), ("category", "name"),
               ("platform", "name"), ("county", "name?"), ("buyer_province", "name?"), ("merchant", "name?"),
               ("qty", "int"), ("amount", "money")],
}
# The catalogs' dimension tables with Huiyan's columns (`huiyan describe spots`, `huiyan describe products`).
DIMENSIONS = {
    "spots": [("spot", "name"), ("county", "name"), ("grade", "name"), ("theme", "name"), ("price", "money")],
    "products": [("product", "name"), ("category", "name"), ("county", "name?"), ("price", "money")],
}

def main(engine_name, step, db, *args):
    engine = importlib.import_module("peer_" + engine_name)
    if step == "ingest":
        table, csv = args
        start = time.perf_counter()
        columns = FEEDS.get(table) or DIMENSIONS[table]
        rows, size = engine.ingest(db, table, columns, csv)
        result = {"rows": rows, "bytes": size, "load_seconds": time.perf_counter() - start}
    elif step == "query":
        path, runs = args[0], int(args[1])
        families = set(args[2].split(",")) if len(args) > 2 and args[2] else None
        result = {"version": engine.version(), "queries": {}}
        with engine.connect(db) as run:
            for q in suite.load(path):
                if families and q.family not in families:
                    continue
                sql = q.sql_for(engine.DIALECT)
                times = []
                try:
                    for _ in range(runs + 1):
                        start = time.perf_counter()
                        rows = run(sql)
                        times.append((time.perf_counter() - start) * 1000)
                except Exception as error:  # the engine's own error type: the query is refused, the suite goes on
                    result["queries"][q.name] = {"sql": sql, "refused": f"{type(error).__name__}: {error}".strip()}
                    continue
                result["queries"][q.name] = {"sql": sql, "ms": times[1:], "rows": rows}
    else:
        raise SystemExit(f"unknown step {step}")
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
