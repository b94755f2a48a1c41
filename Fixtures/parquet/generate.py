#!/usr/bin/env python3
"""Writes the Parquet files the SQL tests read (Fixtures/sqllogic/table-functions.test) with the writers users have:
pyarrow and DuckDB (both from PyPI; run with .peers/venv/bin/python). Run it again only to change the files; then
refresh the expected rows with tools/make-sqllogic table-functions."""
import datetime, decimal, os
import duckdb
import pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))
arrivals = os.path.join(here, "..", "sql", "arrivals.csv")

# pyarrow's defaults (SNAPPY, dictionaries, data pages v1), several row groups; times without a zone.
types = {"ts": pa.timestamp("us"), "party": pa.int64(), "spend": pa.decimal128(18, 2), "rating": pa.float64(), "member": pa.bool_()}
table = pacsv.read_csv(arrivals, convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True))
pq.write_table(table, os.path.join(here, "arrivals-pyarrow.parquet"), row_group_size=500)

# DuckDB's writer with ZSTD; money as DECIMAL(18,2) on INT64, times as TIMESTAMP.
con = duckdb.connect()
con.execute(f"""COPY (SELECT * FROM read_csv('{arrivals}', header = true, types = {{'spend': 'DECIMAL(18,2)', 'rating': 'DOUBLE'}}))
                TO '{os.path.join(here, "arrivals-duckdb.parquet")}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1024)""")

# DuckDB's Parquet 2 form: data pages v2, DELTA encodings of strings and integers, BYTE_STREAM_SPLIT doubles.
con.execute(f"""COPY (SELECT * FROM read_csv('{arrivals}', header = true, types = {{'spend': 'DECIMAL(18,2)', 'rating': 'DOUBLE'}}))
                TO '{os.path.join(here, "arrivals-duckdb-v2.parquet")}' (FORMAT parquet, PARQUET_VERSION v2)""")

# Every kind of column with NULLs, in data pages v2 with GZIP, and without dictionaries in DELTA_BINARY_PACKED.
kinds = pa.table({
    "id": pa.array([1, 2, 3, 4], pa.int64()),
    "small": pa.array([1, None, -7, 2147483647], pa.int32()),
    "ratio": pa.array([1.5, None, 2.25, -3.0]),
    "name": pa.array(["南岳衡山", None, "石鼓书院", ""]),
    "price": pa.array([decimal.Decimal("12.30"), None, decimal.Decimal("-0.05"), decimal.Decimal("99999.99")], pa.decimal128(18, 2)),
    "rate": pa.array([decimal.Decimal("0.0600"), decimal.Decimal("1.2345"), None, decimal.Decimal("-0.0001")], pa.decimal128(9, 4)),
    "seen": pa.array([datetime.datetime(2025, 5, 1, 8), None, datetime.datetime(2025, 5, 2, 9, 30, 0, 500000), datetime.datetime(1969, 12, 31, 23, 59, 59)], pa.timestamp("ms")),
    "at": pa.array([datetime.datetime(2025, 5, 1, tzinfo=datetime.timezone.utc), None, None, datetime.datetime(2025, 12, 31, 16, tzinfo=datetime.timezone.utc)], pa.timestamp("us", tz="UTC")),
    "ok": pa.array([True, False, None, True]),
    "day": pa.array([datetime.date(2025, 1, 1), None, datetime.date(1960, 2, 29), datetime.date(2025, 12, 31)]),
})
pq.write_table(kinds, os.path.join(here, "kinds-v2-gzip.parquet"), data_page_version="2.0", compression="gzip")
pq.write_table(kinds, os.path.join(here, "kinds-delta.parquet"), use_dictionary=False, compression="lz4",
               column_encoding={"id": "DELTA_BINARY_PACKED", "small": "DELTA_BINARY_PACKED"})
