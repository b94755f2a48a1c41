"""DuckDB: one database file; timestamps as local Asia/Shanghai wall time (TIMESTAMP), money DECIMAL(18,2)."""
import contextlib, datetime, decimal

import duckdb

DIALECT = "duckdb"
TYPES = {"timestamp": "TIMESTAMPTZ", "id": "VARCHAR", "name": "VARCHAR", "int": "BIGINT", "money": "DECIMAL(18,2)"}


def version():
    return "DuckDB " + duckdb.__version__


def open_db(db):
    con = duckdb.connect(db)
    con.execute("SET threads = 2")
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    return con


def types_spec(cols):
    # By name, so that a file's other columns (the catalogs have more) are read and left out.
    return "{" + ", ".join(f"'{n}': '{TYPES[t.rstrip('?')]}'" for n, t in cols) + "}"


def create_from_csv(con, table, cols, csv):
    # Local (Asia/Shanghai) wall-clock timestamps, as tools/make-goldens does: calendar functions and
    # literals then mean local time, as in Huiyan.
    select = ", ".join("timezone('Asia/Shanghai', ts) AS ts" if n == "ts" else n for n, _ in cols)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {select} "
                f"FROM read_csv('{csv}', header = true, types = {types_spec(cols)})")
    con.execute("CHECKPOINT")
    # Bytes on disk: the caller measures how much the file grew.
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0], None


def ingest(db, table, cols, csv):
    with contextlib.closing(open_db(db)) as con:
        return create_from_csv(con, table, cols, csv)



def text(v):
    if v is None: return None
    if isinstance(v, decimal.Decimal): return f"{v:.2f}"
    if isinstance(v, datetime.datetime): return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date): return v.strftime("%Y-%m-%d")
    if isinstance(v, float): return repr(v)
    return str(v)


@contextlib.contextmanager
def connect(db):
    con = open_db(db)
    try:
        yield lambda sql: [[text(v) for v in row] for row in con.execute(sql).fetchall()]
    finally:
        con.close()
