-- Typical analyst questions (the foundation and query-core issues' figures), one statement each.
SELECT spot, count(*) AS arrivals FROM visits GROUP BY spot ORDER BY arrivals DESC;
SELECT route, count(*) FROM visits GROUP BY route ORDER BY 2 DESC;
SELECT origin, count(*) FROM visits GROUP BY origin ORDER BY 2 DESC;
SELECT date_trunc('month', ts) AS month, count(*) FROM visits GROUP BY month ORDER BY month;
SELECT CAST(ts AS DATE) AS day, count(*) FROM visits GROUP BY day ORDER BY day;
SELECT EXTRACT(HOUR FROM ts) AS hour, count(*) FROM visits GROUP BY hour ORDER BY hour;
SELECT spot, channel, sum(amount) FROM tickets GROUP BY spot, channel ORDER BY 1, 2;
SELECT ticket_type, sum(amount) FROM tickets GROUP BY ticket_type ORDER BY 1;
SELECT count(*) FROM visits WHERE ts >= '2025-10-01' AND ts < '2025-10-08';
SELECT product, platform, sum(amount) FROM orders WHERE category = '雁城四宝' GROUP BY product, platform ORDER BY 1, 2;
SELECT CAST(ts AS DATE) AS day, sum(amount) FROM orders GROUP BY day ORDER BY day;
SELECT buyer_province, sum(amount) FROM orders WHERE product = '南岳云雾茶' GROUP BY buyer_province ORDER BY 2 DESC LIMIT 10;
SELECT count(DISTINCT visitor_id) FROM visits;
SELECT route, count(DISTINCT visitor_id) FROM visits GROUP BY route ORDER BY route;
SELECT approx_count_distinct(visitor_id) FROM visits;
SELECT count(*) FROM visits WHERE spot = '石鼓书院' AND ts >= '2025-05-01' AND ts < '2025-05-08';
