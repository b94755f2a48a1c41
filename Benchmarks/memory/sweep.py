"""The memory bound, measured: heavy queries (wide GROUP BYs, count(DISTINCT) over many groups, top-N and
sorts over every row) run by the release `huiyan` binary at --memory-limit 256, 1024 and 4096 MiB; each
process's peak resident memory comes from the kernel (wait4's ru_maxrss). A run passes when it finishes, or
stops with the memory-limit error, and its peak stays within 1.25 x the limit + 200 MiB. Exit status 1
names the runs that did not. Run through tools/memory-sweep."""
import argparse, os, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HUIYAN = os.path.join(ROOT, ".build", "release", "huiyan")
LIMITS = [256, 1024, 4096]
QUERIES = [
    ("group by visitor", "SELECT visitor_id, count(*), sum(spend) FROM visits GROUP BY visitor_id ORDER BY 2 DESC, 1 LIMIT 10"),
    ("group by visitor, spot", "SELECT visitor_id, spot, count(*) FROM visits GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10"),
    ("distinct spots by visitor", "SELECT visitor_id, count(DISTINCT spot) FROM visits GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"),
    ("distinct visitors by spot, day", "SELECT spot, date_trunc('day', ts), count(DISTINCT visitor_id) AS n FROM visits GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10"),
    ("distinct visitors by five keys", "SELECT spot, origin, group_type, route, hour(ts), count(DISTINCT visitor_id) FROM visits GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC LIMIT 10"),
    ("distinct visitors", "SELECT count(DISTINCT visitor_id) FROM visits"),
    ("select distinct visitor", "SELECT DISTINCT visitor_id FROM visits ORDER BY 1 LIMIT 10"),
    ("top 10 over every row", "SELECT visitor_id, spot, spend FROM visits ORDER BY spend DESC NULLS LAST, visitor_id LIMIT 10"),
    ("top 1,000,000 over every row", "SELECT visitor_id, spend FROM visits ORDER BY spend DESC NULLS LAST, visitor_id LIMIT 1000000"),
    ("sort every row", "SELECT visitor_id, spend FROM visits ORDER BY visitor_id, ts"),
]


def run(cmd):
    """Runs cmd; returns exit status, standard error's last line, wall seconds and peak resident MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
        return os.waitstatus_to_exitcode(status), (lines[-1] if lines else ""), seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="a database with the visits table")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limits", default=",".join(map(str, LIMITS)))
    args = parser.parse_args()
    limits = [int(x) for x in args.limits.split(",")]
    failures = []
    print(f"| query | " + " | ".join(f"limit {l} MiB" for l in limits) + " |")
    print("|---|" + "---|" * len(limits))
    for name, sql in QUERIES:
        cells = []
        for limit in limits:
            bound = 1.25 * limit + 200
            status, message, seconds, peak = run([HUIYAN, "query", "--db", args.db, "--threads", str(args.threads),
                                                  "--memory-limit", str(limit), "--format", "csv", sql])
            refused = status != 0 and "memory limit" in message
            outcome = "ok" if status == 0 else ("refused" if refused else "FAILED")
            cells.append(f"{outcome}, {seconds:.1f} s, {peak:,.0f} MiB")
            if (status != 0 and not refused) or peak > bound:
                failures.append(f"{name} at {limit} MiB: {outcome}, peak {peak:,.0f} MiB (bound {bound:,.0f}) {message}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nbound: peak resident memory <= 1.25 x limit + 200 MiB; 'refused': stopped with the memory-limit error")
    for f in failures:
        print("OVER: " + f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
