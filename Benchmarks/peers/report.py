"""The comparison's tables — queries with Huiyan's ratio to the best peer, their geometric mean per family of
query shapes and overall, the queries an engine refused, ingest, sizes, peak memory — as Markdown (printed, and
put in docs/PERFORMANCE.md on request)."""
import math

MiB = 1024 * 1024


def geometric_mean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def ratios(result):
    """Huiyan's median / the best peer's median, per query that Huiyan and at least one peer answered (a refused
    query has no time: it is left out of the ratio and so of every geometric mean)."""
    out = {}
    for name, per_engine in result["queries"].items():
        peers = [ms for engine, ms in per_engine.items() if engine != "huiyan" and ms is not None]
        if per_engine.get("huiyan") is not None and peers:
            out[name] = per_engine["huiyan"] / min(peers)
    return out


def families(result):
    """Family → its queries, in suite order (runs recorded before families existed: all "analyst")."""
    out = {}
    for name in result["queries"]:
        out.setdefault(result.get("families", {}).get(name, "analyst"), []).append(name)
    return out


def family_means(result):
    """Rows of (family, queries, of them with a ratio, geometric mean of Huiyan / best peer or None)."""
    r = ratios(result)
    rows = []
    for family, names in families(result).items():
        values = [r[n] for n in names if n in r]
        rows.append((family, len(names), len(values), geometric_mean(values) if values else None))
    return rows


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(result):
    engines = result["engines"]
    names = list(engines)
    r = ratios(result)
    out = []
    out.append(f"Scale `{result['scale']}`: " + ", ".join(f"{n:,} {t}" for t, n in result["rows"].items()) +
               f"; {result['runs']} runs after one warm-up, median; 2 threads each; {result['machine']}. " +
               "; ".join(f"{e}: {v['version']}" for e, v in engines.items()) + ".")
    out.append("")
    out.append(f"Queries ({result['query_timing']}), milliseconds; ratio = Huiyan / best peer (below 1: Huiyan faster):")
    out.append("")
    fam = result.get("families", {})
    rows = []
    for name, per_engine in result["queries"].items():
        rows.append([f"`{name}`", fam.get(name, "analyst")] +
                    ["refused" if per_engine.get(e) is None else f"{per_engine[e]:.1f}" for e in names] +
                    [f"{r[name]:.2f}" if name in r else "—"])
    rows.append(["**geometric mean**", ""] + [""] * len(names) + [f"**{geometric_mean(list(r.values())):.2f}**"])
    out.append(table(["query", "family"] + [f"{e} ms" for e in names] + ["ratio"], rows))
    out.append("")
    out.append("Per family, the geometric mean of Huiyan / best peer over the queries with a ratio (a query Huiyan "
               "refused has none; one a peer refused is timed against the other peer):")
    out.append("")
    out.append(table(["family", "queries", "with a ratio", "geometric mean"],
                     [[f, n, k, "—" if g is None else f"{g:.2f}"] for f, n, k, g in family_means(result)] +
                     [["**all**", len(result["queries"]), len(r), f"**{geometric_mean(list(r.values())):.2f}**"]]))
    out.append("")
    refusals = [(e, q, error) for e, per in result.get("refused", {}).items() for q, error in per.items()]
    out.append("Refused: " + ("; ".join(f"{e} `{q}` — {error}" for e, q, error in refusals) if refusals else "none") + ".")
    out.append("")
    out.append("Estimates, largest error against the exact count: " + "; ".join(
        f"`{q}` " + ", ".join(f"{e} {err:.2%}" for e, err in per.items() if err is not None)
        for q, per in result["estimate_errors"].items()) + ".")
    out.append("")
    out.append("Ingest (each table in its own process; process s = whole process, load s = inside the engine; "
               "rows/s from process s), bytes on disk and peak memory:")
    out.append("")
    rows = []
    for e in names:
        for t, i in engines[e]["ingest"].items():
            rows.append([e, t, f"{i['rows']:,}", f"{i['process_seconds']:.2f}", f"{i['load_seconds']:.2f}",
                         f"{i['rows'] / i['process_seconds'] / 1e6:.2f} M", f"{i['bytes'] / MiB:.1f} MiB",
                         f"{i['bytes'] / max(1, i['rows']):.2f}", f"{i['peak_bytes'] / MiB:.0f} MiB"])
    out.append(table(["engine", "table", "rows", "process s", "load s", "rows/s", "on disk", "bytes/row", "peak memory"], rows))
    out.append("")
    rows = [[e, f"{sum(i['bytes'] for i in v['ingest'].values()) / MiB:.1f} MiB", f"{v['disk_bytes'] / MiB:.1f} MiB",
             f"{v['query_peak_bytes'] / MiB:.0f} MiB", f"{sum(i['process_seconds'] for i in v['ingest'].values()):.1f}"]
            for e, v in engines.items()]
    out.append(table(["engine", "event tables on disk", "database folder or file", "peak memory of the query suite (its largest query)",
                      "ingest s (all tables)"], rows))
    out.append("")
    out.append("(chDB's folder still holds the parts that OPTIMIZE … FINAL merged away until ClickHouse removes them; "
               "its table sizes are the active parts' bytes_on_disk.)")
    out.append("")
    out.append("Phases, wall seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result["phases"].items()) +
               f"; disk: feeds {result['feed_bytes'] / MiB:.0f} MiB, databases "
               f"{sum(v['disk_bytes'] for v in engines.values()) / MiB:.0f} MiB.")
    return "\n".join(out)
