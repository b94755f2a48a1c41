"""How cost grows with the data: for the newest recorded run of each scale (Benchmarks/results/*.json),
ingest rate, every query's latency and the peak memory of the query suite, side by side, with the factor
each grew by against the growth of the rows. Linear growth shows as a factor near the rows' factor; a
query pruned by zone maps (one week, one spot) grows less."""
import glob, json, os

import report

ORDER = ["small", "s10m", "city"]
MiB = 1024 * 1024


def newest_runs(folder):
    """The newest result JSON of each scale in `folder`, in scale order."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(folder, "results-*.json"))):
        with open(path, encoding="utf-8") as f:
            r = json.load(f)
        runs[r["scale"]] = r          # file names sort by time: the last one wins
    return [runs[s] for s in ORDER if s in runs]


def factor(a, b):
    return f"{b / a:.1f}×" if a > 0 else "—"


def markdown(runs):
    if len(runs) < 2:
        return "Cost growth needs recorded runs of at least two scales in Benchmarks/results/."
    engines = list(runs[0]["engines"])
    scales = [r["scale"] for r in runs]
    visits = [r["rows"]["visits"] for r in runs]
    out = ["Rows of visits: " + ", ".join(f"{s} {v:,}" for s, v in zip(scales, visits)) +
           f" (×{visits[-1] / visits[0]:.0f} from first to last). Runs of " +
           ", ".join(f"{r['scale']} {r['date']}" for r in runs) + ".", ""]

    out.append("Ingest rate of visits (rows/s, whole process), and peak memory of the query suite (its largest query):")
    out.append("")
    rows = []
    for e in engines:
        rates = [r["engines"][e]["ingest"]["visits"]["rows"] / r["engines"][e]["ingest"]["visits"]["process_seconds"]
                 for r in runs]
        peaks = [r["engines"][e]["query_peak_bytes"] for r in runs]
        rows.append([e] + [f"{x / 1e6:.2f} M" for x in rates] + [f"{p / MiB:,.0f} MiB" for p in peaks])
    out.append(report.table(["engine"] + [f"ingest {s}" for s in scales] + [f"peak {s}" for s in scales], rows))
    out.append("")

    out.append("Huiyan's median per query (ms), and how much it grew from each scale to the next "
               f"(the rows grew {factor(visits[0], visits[1])}" +
               (f", then {factor(visits[1], visits[2])}" if len(runs) > 2 else "") + "):")
    out.append("")
    rows = []
    for name in runs[-1]["queries"]:
        ms = [r["queries"].get(name, {}).get("huiyan") for r in runs]
        if any(m is None for m in ms):   # not in every run, or refused by Huiyan
            continue
        growth = [factor(ms[i], ms[i + 1]) for i in range(len(ms) - 1)]
        best = [min((v for e, v in r["queries"][name].items() if e != "huiyan" and v is not None), default=None)
                for r in runs]
        rows.append([f"`{name}`"] + [f"{m:.1f}" for m in ms] + growth +
                    [f"{m / b:.2f}" if b else "—" for m, b in zip(ms, best)])
    growth_headers = [f"{scales[i]}→{scales[i + 1]}" for i in range(len(scales) - 1)]
    out.append(report.table(["query"] + [f"{s} ms" for s in scales] + growth_headers + [f"ratio {s}" for s in scales], rows))
    out.append("")
    out.append("(ratio = Huiyan / best peer at that scale.)")
    return "\n".join(out)


if __name__ == "__main__":
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    print(markdown(newest_runs(os.path.join(root, "Benchmarks", "results"))))
