"""ClickHouse through chDB: MergeTree tables (default LZ4) ordered by ts, LowCardinality strings for names,
Decimal(18,2) money, DateTime64 in Asia/Shanghai; max_threads = 2."""
import contextlib, csv, io

import chdb
from chdb import session

DIALECT = "clickhouse"
SETTINGS = " SETTINGS max_threads = 2"
TYPES = {"timestamp": "DateTime64(0, 'Asia/Shanghai')", "id": "String", "name": "LowCardinality(String)",
         "int": "Int64", "money": "Decimal(18, 2)"}


def version():
    return f"chDB {chdb.__version__} (ClickHouse {chdb.engine_version})"


def column_type(t):
    base = TYPES[t.rstrip("?")]
    if not t.endswith("?"):
        return base
    return f"LowCardinality(Nullable(String))" if t == "name?" else f"Nullable({base})"


def ingest(db, table, cols, path):
    with contextlib.closing(session.Session(db)) as s:
        schema = ", ".join(f"{n} {column_type(t)}" for n, t in cols)
        quoted = schema.replace("'", "\\'")
        order = "ts" if cols[0][0] == "ts" else cols[0][0]
        s.query(f"DROP TABLE IF EXISTS {table}")
        s.query(f"CREATE TABLE {table} ({schema}) ENGINE = MergeTree ORDER BY {order}")
        s.query(f"INSERT INTO {table} SELECT * FROM file('{path}', CSVWithNames, '{quoted}')"
                " SETTINGS max_threads = 2, max_insert_threads = 2, date_time_input_format = 'best_effort',"
                " input_format_skip_unknown_fields = 1")
        # Merged into as few parts as a full merge gives, counted in the load time.
        s.query(f"OPTIMIZE TABLE {table} FINAL")
        rows = int(str(s.query(f"SELECT count(*) FROM {table}", "CSV")).strip())
        size = int(str(s.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase()"
                               f" AND table = '{table}'", "CSV")).strip())
        return rows, size


def rows_of(result):
    return [[None if v == "\\N" else v for v in row] for row in csv.reader(io.StringIO(str(result)))]


@contextlib.contextmanager
def connect(db):
    s = session.Session(db)
    try:
        yield lambda sql: rows_of(s.query(sql + SETTINGS, "CSV"))
    finally:
        s.close()
