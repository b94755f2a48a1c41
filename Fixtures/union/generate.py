#!/usr/bin/env python3
"""Writes the Parquet files of Fixtures/sqllogic/union-by-name.test with DuckDB (from PyPI; run with
.peers/venv/bin/python): two files whose columns differ in set, order and type. Run it again only to change them;
then refresh the expected rows with tools/make-sqllogic union-by-name."""
import os
import duckdb

here = os.path.dirname(os.path.abspath(__file__))
con = duckdb.connect()
con.execute(f"""COPY (SELECT * FROM (VALUES (1::BIGINT, '南岳衡山', 12.30::DECIMAL(18,2)), (2, '石鼓书院', NULL), (3, '东洲岛', 0.05))
                t(id, spot, spend)) TO '{os.path.join(here, "part-a.parquet")}' (FORMAT parquet)""")
con.execute(f"""COPY (SELECT * FROM (VALUES ('南岳衡山', TIMESTAMP '2025-05-01 08:00:00', 4::BIGINT, 4.5::DOUBLE, 1.25::DOUBLE),
                ('萱洲古镇', NULL, 5, NULL, NULL)) t(spot, ts, id, rating, spend)) TO '{os.path.join(here, "part-b.parquet")}' (FORMAT parquet)""")
