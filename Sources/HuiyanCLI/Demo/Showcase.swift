/// The analyst questions `huiyan demo` asks of its database, with their SQL.
enum Showcase {
    static let queries: [(title: String, sql: String)] = [
        ("Arrivals by scenic spot (top 8)",
         "SELECT spot, count(*) AS arrivals, sum(spend) AS spend FROM visits GROUP BY spot ORDER BY arrivals DESC LIMIT 8"),
        ("Arrivals by month",
         "SELECT date_trunc('month', ts) AS month, count(*) AS arrivals, sum(spend) AS spend FROM visits GROUP BY month ORDER BY month"),
        ("国庆 Golden Week (Oct 1–7) against an ordinary week",
         "SELECT CASE WHEN ts >= '2025-10-01' AND ts < '2025-10-08' THEN '国庆 10-01…07' ELSE '10-15…21' END AS week, count(*) AS arrivals "
            + "FROM visits WHERE (ts >= '2025-10-01' AND ts < '2025-10-08') OR (ts >= '2025-10-15' AND ts < '2025-10-22') GROUP BY week ORDER BY week"),
        ("Ticket revenue by channel",
         "SELECT channel, sum(qty) AS tickets, sum(amount) AS revenue FROM tickets GROUP BY channel ORDER BY revenue DESC"),
        ("雁城四宝 online sales by product, and the live-streaming share",
         "SELECT product, count(*) AS orders, sum(amount) AS sales, sum(amount) FILTER (WHERE platform IN ('抖音直播', '快手直播')) AS live_streaming "
            + "FROM orders WHERE category = '雁城四宝' GROUP BY product ORDER BY sales DESC"),
        ("5A and 4A spots in the dimension table, by theme",
         "SELECT theme, count(*) FILTER (WHERE grade = '5A') AS a5, count(*) FILTER (WHERE grade = '4A') AS a4, count(*) AS spots "
            + "FROM spots GROUP BY theme ORDER BY spots DESC, theme"),
        ("Distinct visitors and where they come from",
         "SELECT count(DISTINCT visitor_id) AS visitors, count(*) FILTER (WHERE origin = '湖南') AS from_hunan, "
            + "count(*) FILTER (WHERE origin = '广东') AS from_guangdong FROM visits"),
    ]
}
