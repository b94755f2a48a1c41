#!/usr/bin/env python3
"""Writes arrivals.csv and sales.csv, the larger tables of the SQL tests (Fixtures/sqllogic), from a fixed seed.
The small hand-made tables (spots.csv, products.csv, weather.csv, edge.csv) are written by hand. Run it again only
to change the data; then refresh the expected rows with tools/make-sqllogic."""
import csv, datetime, random

rng = random.Random(20251001)
spots = ["南岳衡山", "石鼓书院", "廻雁峰", "东洲岛", "罗荣桓故居", "蔡伦竹海", "船山故里", "夏明翰故居", "岣嵝峰", "萱洲古镇"]
weights = [30, 12, 10, 9, 6, 8, 7, 5, 4, 3]
origins = ["湖南", "广东", "湖北", "江西", "广西", "上海", "北京", "香港", "台湾", "Hunan"]
groups = ["散客", "团队", "研学"]

def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")

# Visitors: 700 random-looking ids, some of them coming back many times.
ids = ["%08x" % rng.getrandbits(32) for _ in range(700)]
start = datetime.datetime(2025, 9, 28, 0, 0, 0)
with open("arrivals.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["ts", "visitor_id", "spot", "origin", "group_type", "party", "spend", "rating", "member"])
    for i in range(2400):
        t = start + datetime.timedelta(seconds=rng.randrange(0, 98 * 86400))
        visitor = ids[min(int(rng.paretovariate(1.2)) - 1, 699)] if rng.random() < 0.3 else rng.choice(ids)
        spot = rng.choices(spots, weights)[0]
        origin = "" if rng.random() < 0.08 else rng.choice(origins)
        group = "" if rng.random() < 0.05 else rng.choices(groups, [6, 3, 1])[0]
        party = rng.randint(1, 4) if group != "团队" else rng.randint(8, 45)
        r = rng.random()
        if r < 0.07:
            spend = ""
        elif r < 0.10:
            spend = "-%d.%02d" % (rng.randint(0, 300), rng.randint(0, 99))
        else:
            spend = "%d.%02d" % (rng.randint(0, 900), rng.choice([0, 0, 50, 5, 99, rng.randint(0, 99)]))
        rating = "" if rng.random() < 0.2 else "%.1f" % (rng.randint(2, 10) / 2)
        member = rng.choice(["true", "false", "false"])
        w.writerow([stamp(t), visitor, spot, origin, group, party, spend, rating, member])

products = [("南岳云雾茶", "南岳区"), ("西渡湖之酒", "衡阳县"), ("衡南鸽来香", "衡南县"), ("南岳雁鹅菌", "南岳区"),
            ("祁东黄花菜", "祁东县"), ("衡阳非遗剪纸", None), ("油茶", "常宁市"), ("油茶", "衡南县"), ("酃酒", "珠晖区")]
platforms = ["抖音直播", "快手直播", "淘宝", "京东", "拼多多", "微信小程序"]
with open("sales.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["ts", "order_id", "product", "county", "platform", "qty", "amount"])
    for i in range(900):
        t = datetime.datetime(2025, 10, 1) + datetime.timedelta(seconds=rng.randrange(0, 92 * 86400))
        product, county = rng.choice(products)
        qty = rng.randint(1, 12)
        amount = qty * rng.choice([1680, 5800, 9950, 12800, 4500, 8970, 15800])
        if rng.random() < 0.05:
            amount = -amount
        w.writerow([stamp(t), "SO-%06d-%s" % (i + 1, "%04x" % rng.getrandbits(16)), product, county or "",
                    rng.choice(platforms), qty, "%d.%02d" % (amount // 100, amount % 100) if amount >= 0 else "-%d.%02d" % ((-amount) // 100, (-amount) % 100)])

# The same arrivals in three files by month (October and before, November, December and after), for a table
# loaded by three COPY statements: three segments with their own dictionaries and disjoint time ranges.
with open("arrivals.csv", encoding="utf-8") as f:
    header, *rows = f.read().splitlines()
for name, low, high in [("arrivals-1.csv", "", "2025-11"), ("arrivals-2.csv", "2025-11", "2025-12"), ("arrivals-3.csv", "2025-12", "9")]:
    with open(name, "w", encoding="utf-8") as f:
        f.write("\n".join([header] + [r for r in rows if low <= r[:7] < high]) + "\n")

# The same arrivals sorted by time and dealt into two files by visitor id: two segments whose rows run in time
# order over the same months (time runs, overlapping zone maps) with dictionaries of their own.
ordered = sorted(rows)
with open("arrivals-even.csv", "w", encoding="utf-8") as even, open("arrivals-odd.csv", "w", encoding="utf-8") as odd:
    even.write(header + "\n")
    odd.write(header + "\n")
    for r in ordered:
        (odd if int(r.split(",")[1], 16) % 2 else even).write(r + "\n")
