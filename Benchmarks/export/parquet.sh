#!/usr/bin/env bash
# COPY visits TO Parquet, Huiyan beside DuckDB, on the same generated rows: wall, cpu and peak memory of each
# whole process (/usr/bin/time -v), and the files' sizes. Also checks that 1 and 2 threads write the same bytes.
# Usage: Benchmarks/export/parquet.sh [ROWS] [FOLDER]   (default 10,000,000 rows in /tmp/huiyan-export-bench)
# Needs a release build (swift build -c release --product huiyan) and .peers/venv with duckdb (tools/test makes it).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-10000000}
dir=${2:-/tmp/huiyan-export-bench}
huiyan=$PWD/.build/release/huiyan
python=$PWD/.peers/venv/bin/python
mkdir -p "$dir"
if [ ! -d "$dir/db" ]; then
  "$huiyan" generate visits --rows "$rows" --seed 7 --out "$dir/visits.csv"
  "$huiyan" init --db "$dir/db" > /dev/null
  "$huiyan" ingest visits "$dir/visits.csv" --db "$dir/db"
  "$python" - "$dir" <<'PY'
import sys, duckdb
d = sys.argv[1]
con = duckdb.connect(f"{d}/duck.db")
con.execute("SET TimeZone = 'Asia/Shanghai'")
con.execute(f"""CREATE OR REPLACE TABLE visits AS SELECT * FROM read_csv('{d}/visits.csv', header = true, types = {{'ts': 'TIMESTAMPTZ',
    'visitor_id': 'VARCHAR', 'spot': 'VARCHAR', 'route': 'VARCHAR', 'origin': 'VARCHAR', 'group_type': 'VARCHAR', 'spend': 'DECIMAL(18,2)'}})""")
PY
fi
measure() {  # label, command…
  /usr/bin/time -v "${@:2}" > /dev/null 2> "$dir/time.txt"
  awk -v label="$1" -F': ' '/Elapsed \(wall/ {w=$2} /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
    END {printf "%-22s wall %s  cpu %.2f s  peak %.0f MiB\n", label, w, u + s, m / 1024}' "$dir/time.txt"
}
for threads in 1 2; do
  measure "huiyan --threads $threads" "$huiyan" query --threads "$threads" --db "$dir/db" \
    "COPY visits TO '$dir/huiyan-$threads.parquet' (FORMAT parquet, OVERWRITE)"
done
measure "duckdb (threads 2)" "$python" -c "
import duckdb
con = duckdb.connect('$dir/duck.db', read_only=True)
con.execute('SET threads = 2')
con.execute(\"COPY visits TO '$dir/duckdb.parquet' (FORMAT parquet)\")"
cmp "$dir/huiyan-1.parquet" "$dir/huiyan-2.parquet" && echo "1 and 2 threads: the same bytes"
ls -l "$dir"/huiyan-2.parquet "$dir"/duckdb.parquet | awk '{printf "%-50s %6.1f MB\n", $9, $5 / 1e6}'
