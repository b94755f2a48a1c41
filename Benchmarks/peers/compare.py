"""Huiyan side by side with DuckDB and ClickHouse (chDB): generates the feeds, ingests them into each engine,
runs Benchmarks/queries/peers.sql, checks that every engine gives the same answers, and reports (per query, per
family of query shapes and overall). A query an engine cannot run is reported as refused, with its error, and
left out of that engine's ratios; the others still run and are checked.
Run through tools/compare-peers, which builds Huiyan and installs the peers first."""
import argparse, datetime, json, os, re, shutil, subprocess, sys, tempfile, time

import check, growth, report, suite

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
HUIYAN = os.path.join(ROOT, ".build", "release", "huiyan")
BENCH = os.path.join(ROOT, ".build", "release", "huiyan-bench")
SUITE = os.path.join(ROOT, "Benchmarks", "queries", "peers.sql")
CATALOGS = os.path.join(ROOT, "Sources", "HuiyanTourism", "Catalogs")
PEERS = {"duckdb": os.path.join(ROOT, ".peers", "duckdb", "bin", "python"),
         "chdb": os.path.join(ROOT, ".peers", "chdb", "bin", "python")}
# Rows of visits, tickets, orders per scale; the seeds are fixed.
SCALES = {"small": (1_000_000, 200_000, 500_000), "s10m": (10_000_000, 2_000_000, 5_000_000),
          "city": (80_000_000, 10_000_000, 40_000_000)}
SEEDS = {"visits": 7, "tickets": 8, "orders": 9}
# The generator's output version, part of each feed's file name: bumped when `huiyan generate` writes other
# data for the same seed (ids2: random-looking ids), so that feeds of an older generator are not reused.
FEED_VERSION = "ids2"
DIALECTS = {"huiyan": "huiyan", "duckdb": "duckdb", "chdb": "clickhouse"}


def say(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd):
    """Runs cmd; returns its standard output, wall seconds and peak resident memory in bytes."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0), err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')}")
        return out.read().decode(), seconds, usage.ru_maxrss * 1024


def attempt(cmd):
    """Runs cmd, which may fail; returns its exit code, standard output, standard error and peak memory in bytes."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(p.pid, 0)
        out.seek(0), err.seek(0)
        return (os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode(errors="replace"),
                usage.ru_maxrss * 1024)


def first_line(text):
    """The gist of an error message: its first non-empty line, without a leading 'error:' or 'Error:'."""
    line = next((l.strip() for l in text.splitlines() if l.strip()), "(no message)")
    line = re.sub(r"^[Ee]rror:\s*", "", line)
    return line if len(line) <= 300 else line[:299] + "…"


def disk_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


# Bytes per row measured at the small scale: of each feed's CSV, and of the three databases together (with
# the parts chDB's OPTIMIZE merged away and has not yet removed).
FEED_BYTES_PER_ROW = {"visits": 93, "tickets": 80, "orders": 128}
DATABASE_BYTES_PER_ROW = 72


def feed_path(folder, table, rows):
    return os.path.join(folder, f"{table}-{rows}-seed{SEEDS[table]}-{FEED_VERSION}.csv")


def check_disk(folder, scale):
    """Refuses to start when the disk cannot hold the feeds still to generate and the databases."""
    tables = list(zip(("visits", "tickets", "orders"), SCALES[scale]))
    need = sum(rows * (DATABASE_BYTES_PER_ROW + FEED_BYTES_PER_ROW[t]) for t, rows in tables)
    need -= sum(os.path.getsize(p) for p in (feed_path(folder, t, rows) for t, rows in tables) if os.path.exists(p))
    free = shutil.disk_usage(ROOT).free
    if free < need * 1.1:
        raise SystemExit(f"--scale {scale} needs about {need / 2**30:.1f} GiB more disk; {free / 2**30:.1f} GiB free")


def generate(folder, scale):
    os.makedirs(folder, exist_ok=True)
    feeds = {}
    for table, rows in zip(("visits", "tickets", "orders"), SCALES[scale]):
        path = feed_path(folder, table, rows)
        if not os.path.exists(path):
            say(f"generating {rows:,} {table}")
            run([HUIYAN, "generate", table, "--rows", str(rows), "--seed", str(SEEDS[table]), "--out", path + ".part"])
            os.rename(path + ".part", path)
        feeds[table] = path
    return feeds


def ingest_step(engine, db, table, cmd, parse):
    before = disk_bytes(db) if os.path.exists(db) else 0
    out, seconds, peak = run(cmd)
    rows, load_seconds, size = parse(out)
    say(f"  {engine} {table}: {rows:,} rows in {seconds:.2f} s")
    return {"rows": rows, "process_seconds": seconds, "load_seconds": load_seconds,
            "bytes": size if size is not None else disk_bytes(db) - before, "peak_bytes": peak}


def huiyan_summary(out):
    s = json.loads(out)
    return s["accepted"], s["seconds"], None


def ingest_huiyan(db, feeds):
    run([HUIYAN, "init", "--db", db])
    result = {t: ingest_step("huiyan", db, t, [HUIYAN, "ingest", "--db", db, t, f, "--quiet", "--format", "json"],
                             huiyan_summary) for t, f in feeds.items()}
    run([HUIYAN, "catalogs", "load", "--db", db])
    return result


def ingest_peer(engine, db, feeds):
    def parse(out):
        s = json.loads(out)
        return s["rows"], s["load_seconds"], s["bytes"]
    worker = [PEERS[engine], os.path.join(HERE, "worker.py"), engine]
    result = {t: ingest_step(engine, db, t, worker + ["ingest", db, t, f], parse) for t, f in feeds.items()}
    for t in ("spots", "products"):
        run(worker + ["ingest", db, t, os.path.join(CATALOGS, t + ".csv")])
    return result


def huiyan_queries(db, queries, runs):
    """Times with huiyan-bench (in-process, so process start-up is not counted), one query per process so that a
    query Huiyan refuses (parse or bind error) is reported as refused and the others still run; answers with
    `huiyan query`. The peak is that of the largest query's process."""
    ms, answers, refused, peak = {}, {}, {}, 0
    with tempfile.TemporaryDirectory() as folder:
        for q in queries:
            path = os.path.join(folder, q.name + ".sql")
            with open(path, "w", encoding="utf-8") as f:
                f.write(q.sql + ";\n")
            status, out, err, used = attempt([BENCH, "query", db, path, "--runs", str(runs), "--threads", "2"])
            peak = max(peak, used)
            medians = [float(m.group(1)) for m in re.finditer(r"^\s*([\d.]+) ms", out, re.M)]
            if status != 0 or len(medians) != 1:
                refused[q.name] = first_line(err or out)
                say(f"  huiyan refused {q.name}: {refused[q.name]}")
                ms[q.name], answers[q.name] = None, None
                continue
            ms[q.name] = medians[0]
            # JSON lines keep NULL apart from '' and numbers as printed (money with its two decimals).
            text, _, _ = run([HUIYAN, "query", "--db", db, "--format", "json", q.sql])
            values = (json.loads(line, parse_float=str, object_pairs_hook=lambda pairs: [v for _, v in pairs])
                      for line in text.splitlines() if line.strip())
            answers[q.name] = [[None if v is None else str(v) for v in row] for row in values]
    commit, _, _ = run(["git", "describe", "--always", "--dirty"])
    return {"version": "Huiyan " + commit.strip(), "ms": ms, "answers": answers, "refused": refused, "peak": peak}


def peer_queries(engine, db, runs, families):
    out, _, peak = run([PEERS[engine], os.path.join(HERE, "worker.py"), engine, "query", db, SUITE, str(runs),
                        ",".join(families or [])])
    r = json.loads(out)
    ms = {name: sorted(q["ms"])[len(q["ms"]) // 2] if "ms" in q else None for name, q in r["queries"].items()}
    refused = {name: first_line(q["refused"]) for name, q in r["queries"].items() if "refused" in q}
    for name, error in refused.items():
        say(f"  {engine} refused {name}: {error}")
    return {"version": r["version"], "ms": ms, "answers": {n: q.get("rows") for n, q in r["queries"].items()},
            "refused": refused, "peak": peak}


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return f"{os.cpu_count()} × {model}, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", choices=SCALES, default="small")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the databases (default: removed at the end)")
    ap.add_argument("--write-docs", action="store_true",
                    help="keep the JSON in Benchmarks/results/, put the tables in docs/PERFORMANCE.md as today's "
                         "figures and add a dated line to Benchmarks/results/HISTORY.md")
    ap.add_argument("--growth", action="store_true",
                    help="only print how cost grows across the scales recorded in Benchmarks/results/ (no run)")
    ap.add_argument("--show", metavar="JSON", help="only print the tables of a recorded run (no run)")
    ap.add_argument("--family", action="append", metavar="NAME",
                    help="run only the queries of this family (repeatable); a partial run, never --write-docs")
    args = ap.parse_args()
    if args.growth:
        print(growth.markdown(growth.newest_runs(os.path.join(ROOT, "Benchmarks", "results"))))
        return
    if args.family and args.write_docs:
        raise SystemExit("--family makes a partial run: it cannot --write-docs")
    if args.show:
        with open(args.show, encoding="utf-8") as f:
            print(report.markdown(json.load(f)))
        return

    data = os.path.join(ROOT, ".bench-data", args.scale)
    dbs = os.path.join(data, "databases")
    shutil.rmtree(dbs, ignore_errors=True)
    check_disk(data, args.scale)
    os.makedirs(dbs)
    phases = {}
    t = time.perf_counter()
    feeds = generate(data, args.scale)
    phases["generate"] = time.perf_counter() - t
    paths = {"huiyan": os.path.join(dbs, "huiyan.db"), "duckdb": os.path.join(dbs, "duckdb.db"),
             "chdb": os.path.join(dbs, "chdb")}
    queries = [q for q in suite.load(SUITE) if not args.family or q.family in args.family]
    if not queries:
        raise SystemExit(f"no query of the families {', '.join(args.family)} in {SUITE}")

    engines = {}
    for engine, db in paths.items():
        say(f"ingest: {engine}")
        t = time.perf_counter()
        ingest = ingest_huiyan(db, feeds) if engine == "huiyan" else ingest_peer(engine, db, feeds)
        phases[f"ingest {engine}"] = time.perf_counter() - t
        engines[engine] = {"ingest": ingest, "disk_bytes": disk_bytes(db)}
    answers = {}
    for engine, db in paths.items():
        say(f"queries: {engine}")
        t = time.perf_counter()
        r = huiyan_queries(db, queries, args.runs) if engine == "huiyan" else peer_queries(engine, db, args.runs, args.family)
        phases[f"queries {engine}"] = time.perf_counter() - t
        engines[engine].update(version=r["version"], query_peak_bytes=r["peak"])
        engines[engine]["ms"] = r["ms"]
        engines[engine]["refused"] = r["refused"]
        answers[engine] = r["answers"]

    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": args.scale, "runs": args.runs, "machine": machine(),
        "rows": {t: n for t, n in zip(("visits", "tickets", "orders"), SCALES[args.scale])},
        "query_timing": "Huiyan in-process through huiyan-bench query; DuckDB and chDB in-process in Python, "
                        "fetching all rows",
        "engines": {e: {k: v for k, v in r.items() if k not in ("ms", "refused")} for e, r in engines.items()},
        # Milliseconds per query and engine; None where the engine refused the query (its error in "refused").
        "queries": {q.name: {e: engines[e]["ms"][q.name] for e in engines} for q in queries},
        "families": {q.name: q.family for q in queries},
        "refused": {e: engines[e]["refused"] for e in engines},
        "sql": {q.name: {e: q.sql_for(DIALECTS[e])
                         for e in engines} for q in queries},
        "phases": phases, "feed_bytes": sum(os.path.getsize(f) for f in feeds.values()),
    }
    problems, errors = check.mismatches(answers, queries)
    result["estimate_errors"] = errors
    result["answers_agree"] = not problems
    result["mismatches"] = problems
    text = report.markdown(result)
    print(text)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M")
    json_path = os.path.join(ROOT, ".bench-data", f"results-{args.scale}-{stamp}.json")
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    say(f"results: {json_path}")
    if not args.keep:
        shutil.rmtree(dbs, ignore_errors=True)
    if problems:
        say("ANSWERS DIFFER:\n  " + "\n  ".join(problems))
        sys.exit(1)
    if args.write_docs:
        write_docs(result, text, json_path, args.scale)


# docs/PERFORMANCE.md holds the newest run between these two lines; older runs stay in Benchmarks/results/
# (their JSON, and a dated line in HISTORY.md for prose to go with it).
BEGIN, END = "<!-- compare-peers: newest run -->", "<!-- /compare-peers -->"


def write_docs(result, text, json_path, scale):
    results = os.path.join(ROOT, "Benchmarks", "results")
    os.makedirs(results, exist_ok=True)
    name = os.path.basename(json_path)
    shutil.copy(json_path, os.path.join(results, name))
    section = (f"{BEGIN}\n\n### {result['date'][:10]} — `tools/compare-peers --scale {scale}` "
               f"([{name}](../Benchmarks/results/{name}))\n\n{text}\n\n"
               f"How cost grows across the recorded scales (`tools/compare-peers --growth`):\n\n"
               f"{growth.markdown(growth.newest_runs(results))}\n\n{END}")
    doc_path = os.path.join(ROOT, "docs", "PERFORMANCE.md")
    with open(doc_path, encoding="utf-8") as f:
        doc = f.read()
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + section + doc[doc.index(END) + len(END):]
    else:
        doc += "\n" + section + "\n"
    with open(doc_path, "w", encoding="utf-8") as f:
        f.write(doc)
    with open(os.path.join(results, "HISTORY.md"), "a", encoding="utf-8") as f:
        f.write(f"\n## {result['date'][:10]} — side by side with DuckDB and ClickHouse (`tools/compare-peers "
                f"--scale {scale}`)\n\nThe tables of this run: [{name}]({name}) (`tools/compare-peers --show "
                f"Benchmarks/results/{name}` prints them).\n")
    say(f"docs: today's figures in docs/PERFORMANCE.md; {name} and a dated line in Benchmarks/results/")


if __name__ == "__main__":
    main()
