-- The side-by-side suite of tools/compare-peers: analyst questions in Huiyan's dialect, one statement a line.
-- "-- name:" starts a query; "-- duckdb:" or "-- clickhouse:" gives that engine's rewrite where the dialects
-- differ (kept minimal); "-- approximate: NAME" marks an estimate, each engine's within 2 % of the exact
-- answer of query NAME ("-- tolerance: ENGINE N %" allows an engine more: DuckDB's approx_count_distinct was
-- up to 8.2 % off per route at the small scale, Huiyan's and ClickHouse's uniq within 1.4 %). Rows are sorted
-- before the answers are compared, so ORDER BY only matters with LIMIT (ties broken explicitly there).
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
