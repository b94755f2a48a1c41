-- The side-by-side suite of tools/compare-peers: analyst questions in Huiyan's dialect, one statement a line.
-- "-- family:" starts a section of queries of one shape (the report gives each family's geometric mean as well
-- as the overall one); "-- name:" starts a query; "-- duckdb:" or "-- clickhouse:" gives that engine's rewrite
-- where the dialects differ (kept minimal); "-- approximate: NAME" marks an estimate, each engine's within 3 % of
-- the exact answer of query NAME ("-- tolerance: ENGINE N %" allows an engine more: DuckDB's
-- approx_count_distinct was up to 8.2 % off per route at the small scale, Huiyan's and ClickHouse's uniq within
-- 1.4 %). Rows are sorted before the answers are compared, so ORDER BY only matters with LIMIT (ties broken
-- explicitly there, NULLs placed explicitly: the engines' defaults differ). A query an engine cannot run is
-- reported as refused with its error and left out of the ratios.
-- family: analyst
-- name: arrivals_by_spot
SELECT spot, count(*) AS arrivals FROM visits GROUP BY spot ORDER BY arrivals DESC, spot;
-- name: arrivals_by_route
SELECT route, count(*) AS arrivals FROM visits GROUP BY route ORDER BY arrivals DESC, route;
-- name: arrivals_by_origin
SELECT origin, count(*) AS arrivals FROM visits GROUP BY origin ORDER BY arrivals DESC, origin;
-- name: arrivals_by_month
SELECT date_trunc('month', ts) AS month, count(*) AS arrivals FROM visits GROUP BY month ORDER BY month;
-- clickhouse: SELECT toStartOfMonth(ts) AS month, count(*) AS arrivals FROM visits GROUP BY month ORDER BY month
-- name: arrivals_by_day
SELECT CAST(ts AS DATE) AS day, count(*) AS arrivals FROM visits GROUP BY day ORDER BY day;
-- name: arrivals_by_hour
SELECT EXTRACT(HOUR FROM ts) AS hour, count(*) AS arrivals FROM visits GROUP BY hour ORDER BY hour;
-- name: ticket_revenue_by_spot_channel
SELECT spot, channel, sum(amount) AS revenue, sum(qty) AS tickets FROM tickets GROUP BY spot, channel ORDER BY spot, channel;
-- name: ticket_revenue_by_type
SELECT ticket_type, count(*) AS sales, sum(amount) AS revenue FROM tickets GROUP BY ticket_type ORDER BY ticket_type;
-- name: golden_week_arrivals
SELECT CAST(ts AS DATE) AS day, count(*) AS arrivals, sum(spend) AS spend FROM visits WHERE ts >= '2025-10-01' AND ts < '2025-10-09' GROUP BY day ORDER BY day;
-- name: golden_week_ticket_revenue
SELECT spot, sum(amount) AS revenue FROM tickets WHERE ts >= '2025-10-01' AND ts < '2025-10-09' GROUP BY spot ORDER BY revenue DESC, spot LIMIT 10;
-- name: treasures_by_product_platform
SELECT product, platform, sum(qty) AS units, sum(amount) AS sales FROM orders WHERE category = '雁城四宝' GROUP BY product, platform ORDER BY product, platform;
-- name: daily_online_retail
SELECT CAST(ts AS DATE) AS day, sum(amount) AS retail FROM orders GROUP BY day ORDER BY day;
-- name: top_buyer_provinces_tea
SELECT buyer_province, sum(amount) AS sales FROM orders WHERE product = '南岳云雾茶' AND buyer_province IS NOT NULL GROUP BY buyer_province ORDER BY sales DESC, buyer_province LIMIT 10;
-- name: distinct_visitors
SELECT count(DISTINCT visitor_id) AS visitors FROM visits;
-- clickhouse: SELECT uniqExact(visitor_id) AS visitors FROM visits
-- name: distinct_visitors_by_route
SELECT route, count(DISTINCT visitor_id) AS visitors FROM visits GROUP BY route ORDER BY route;
-- clickhouse: SELECT route, uniqExact(visitor_id) AS visitors FROM visits GROUP BY route ORDER BY route
-- name: approx_distinct_visitors
SELECT approx_count_distinct(visitor_id) AS visitors FROM visits;
-- clickhouse: SELECT uniq(visitor_id) AS visitors FROM visits
-- approximate: distinct_visitors
-- tolerance: duckdb 10 %
-- name: approx_distinct_visitors_by_route
SELECT route, approx_count_distinct(visitor_id) AS visitors FROM visits GROUP BY route ORDER BY route;
-- clickhouse: SELECT route, uniq(visitor_id) AS visitors FROM visits GROUP BY route ORDER BY route
-- approximate: distinct_visitors_by_route
-- tolerance: duckdb 10 %
-- name: arrivals_by_grade
SELECT s.grade, count(*) AS arrivals, sum(v.spend) AS spend FROM visits v JOIN spots s ON v.spot = s.spot GROUP BY s.grade ORDER BY s.grade;
-- name: online_retail_by_product_county
SELECT p.county, count(*) AS order_lines, sum(o.amount) AS retail FROM orders o JOIN products p ON o.product = p.product GROUP BY p.county ORDER BY p.county;
-- name: one_spot_one_week
SELECT count(*) AS arrivals, sum(spend) AS spend FROM visits WHERE spot = '石鼓书院' AND ts >= '2025-05-01' AND ts < '2025-05-08';
-- family: top_n
-- The largest values over every row: a full scan feeding a top-10 heap.
-- name: top_spend_visits
SELECT visitor_id, spot, spend FROM visits ORDER BY spend DESC NULLS LAST, visitor_id, spot LIMIT 10;
-- name: top_amount_orders
SELECT order_id, product, amount FROM orders ORDER BY amount DESC, order_id LIMIT 10;
-- family: select_distinct
-- name: distinct_spot_route
SELECT DISTINCT spot, route FROM visits;
-- name: distinct_product_platform_buyer
SELECT DISTINCT product, platform, buyer_province FROM orders;
-- family: median
-- Exact median and 90th percentile of spend per group: every value of a group kept, then selected.
-- ClickHouse's median is an estimate; quantileExactInclusive interpolates at (n - 1)·q as DuckDB and Huiyan do, in
-- Float64 only (not on Decimal), cut to the fen toward zero as DuckDB's and Huiyan's DECIMAL interpolation is.
-- name: median_spend_by_spot
SELECT spot, median(spend), quantile_cont(spend, 0.9) FROM visits GROUP BY spot ORDER BY 1;
-- clickhouse: SELECT spot, floor(quantileExactInclusive(0.5)(toFloat64(spend)) * 100 + 1e-6) / 100, floor(quantileExactInclusive(0.9)(toFloat64(spend)) * 100 + 1e-6) / 100 FROM visits GROUP BY spot ORDER BY 1
-- name: median_spend_by_group_type
SELECT group_type, median(spend), quantile_cont(spend, 0.9) FROM visits GROUP BY group_type ORDER BY 1;
-- clickhouse: SELECT group_type, floor(quantileExactInclusive(0.5)(toFloat64(spend)) * 100 + 1e-6) / 100, floor(quantileExactInclusive(0.9)(toFloat64(spend)) * 100 + 1e-6) / 100 FROM visits GROUP BY group_type ORDER BY 1
-- family: group_by_id
-- Grouping by the visitor id: hundreds of thousands to tens of millions of groups.
-- name: busiest_visitors
SELECT visitor_id, count(*), sum(spend) FROM visits GROUP BY visitor_id ORDER BY 2 DESC, 1 LIMIT 10;
-- name: widest_travelled_visitors
SELECT visitor_id, count(DISTINCT spot) AS spots, min(ts) AS first_visit FROM visits GROUP BY visitor_id ORDER BY spots DESC, visitor_id LIMIT 10;
-- clickhouse: SELECT visitor_id, uniqExact(spot) AS spots, min(ts) AS first_visit FROM visits GROUP BY visitor_id ORDER BY spots DESC, visitor_id LIMIT 10
-- family: count_distinct_groups
-- Exact distinct visitors in every one of many groups (spot × day: about 10,000), checked through the ten
-- largest (the shape the suite had before Huiyan had subqueries, kept for comparable timings).
-- name: distinct_visitors_by_spot_day
SELECT spot, date_trunc('day', ts) AS day, count(DISTINCT visitor_id) AS visitors FROM visits GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10;
-- clickhouse: SELECT spot, toStartOfDay(ts) AS day, uniqExact(visitor_id) AS visitors FROM visits GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10
-- name: distinct_visitors_by_spot_hour
SELECT spot, EXTRACT(HOUR FROM ts) AS hour, count(DISTINCT visitor_id) AS visitors FROM visits GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10;
-- clickhouse: SELECT spot, toHour(ts) AS hour, uniqExact(visitor_id) AS visitors FROM visits GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10
-- family: join_aggregates
-- Two event tables, each aggregated in a WITH query, the two joined on their keys (a hash join of computed rows).
-- name: arrivals_and_ticket_revenue_by_spot_day
WITH v AS (SELECT spot, CAST(ts AS DATE) AS day, count(*) AS arrivals FROM visits GROUP BY spot, day), t AS (SELECT spot, CAST(ts AS DATE) AS day, sum(amount) AS revenue FROM tickets GROUP BY spot, day) SELECT v.spot, v.day, v.arrivals, t.revenue FROM v JOIN t ON v.spot = t.spot AND v.day = t.day ORDER BY t.revenue DESC, v.spot, v.day LIMIT 10;
-- name: arrivals_and_online_retail_by_day
WITH v AS (SELECT CAST(ts AS DATE) AS day, count(*) AS arrivals, sum(spend) AS spend FROM visits GROUP BY day), o AS (SELECT CAST(ts AS DATE) AS day, sum(amount) AS retail FROM orders GROUP BY day) SELECT v.day, v.arrivals, v.spend, o.retail FROM v JOIN o ON v.day = o.day ORDER BY o.retail DESC, v.day LIMIT 10;
-- family: windows
-- Window functions over aggregated rows: the bureau's monthly questions. (Visits and ticket revenue per spot
-- and day side by side, two aggregated event tables joined, is arrivals_and_ticket_revenue_by_spot_day above.)
-- ClickHouse's lagInFrame reads its frame only (hence ROWS BETWEEN 1 PRECEDING) and gives the type's default
-- where no row is, 0, unless the value is nullable.
-- name: month_over_month_arrivals
WITH m AS (SELECT spot, date_trunc('month', ts) AS month, count(*) AS arrivals FROM visits GROUP BY spot, month) SELECT spot, month, arrivals, lag(arrivals) OVER (PARTITION BY spot ORDER BY month) AS previous FROM m ORDER BY spot, month;
-- clickhouse: WITH m AS (SELECT spot, toStartOfMonth(ts) AS month, count(*) AS arrivals FROM visits GROUP BY spot, month) SELECT spot, month, arrivals, lagInFrame(toNullable(arrivals)) OVER (PARTITION BY spot ORDER BY month ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS previous FROM m ORDER BY spot, month
-- name: ticket_revenue_share_by_spot
SELECT spot, sum(amount) AS revenue, CAST(sum(amount) AS DOUBLE) / sum(CAST(sum(amount) AS DOUBLE)) OVER () AS share FROM tickets GROUP BY spot ORDER BY spot;
-- clickhouse: SELECT spot, sum(amount) AS revenue, toFloat64(sum(amount)) / sum(toFloat64(sum(amount))) OVER () AS share FROM tickets GROUP BY spot ORDER BY spot
-- name: top3_spots_per_origin
SELECT origin, spot, arrivals FROM (SELECT origin, spot, count(*) AS arrivals, row_number() OVER (PARTITION BY origin ORDER BY count(*) DESC, spot) AS rn FROM visits GROUP BY origin, spot) t WHERE rn <= 3 ORDER BY origin, rn;
-- name: running_total_arrivals
WITH d AS (SELECT CAST(ts AS DATE) AS day, count(*) AS arrivals FROM visits GROUP BY day) SELECT day, arrivals, sum(arrivals) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS to_date FROM d ORDER BY day;
