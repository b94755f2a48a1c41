-- Analyst queries whose results DuckDB computed independently (tools/make-goldens writes qNN.csv).
-- Every query orders its rows completely, so that results compare row by row.
-- name: q01
SELECT count(*) FROM visits;
-- name: q02
SELECT spot, count(*) AS arrivals FROM visits GROUP BY spot ORDER BY arrivals DESC, spot;
-- name: q03
SELECT route, count(*) FROM visits WHERE route IS NOT NULL GROUP BY route ORDER BY 2 DESC, 1;
-- name: q04
SELECT origin, count(*) FROM visits GROUP BY origin ORDER BY origin NULLS LAST;
-- name: q05
SELECT date_trunc('month', ts) AS month, count(*) FROM visits GROUP BY month ORDER BY month;
-- name: q06
SELECT CAST(ts AS DATE) AS day, count(*) FROM visits GROUP BY day ORDER BY day;
-- name: q07
SELECT EXTRACT(HOUR FROM ts) AS hour, count(*) FROM visits GROUP BY hour ORDER BY hour;
-- name: q08
SELECT spot, sum(amount) AS revenue, sum(qty) AS tickets FROM tickets GROUP BY spot ORDER BY revenue DESC, spot;
-- name: q09
SELECT spot, channel, sum(amount) FROM tickets GROUP BY spot, channel ORDER BY 1, 2;
-- name: q10
SELECT ticket_type, count(*), sum(amount), avg(amount) FROM tickets GROUP BY ticket_type ORDER BY 1;
-- name: q11
SELECT count(*) FROM visits WHERE ts >= '2025-10-01' AND ts < '2025-10-08';
-- name: q12
SELECT spot, count(*) FROM visits WHERE ts BETWEEN '2025-10-01 00:00:00' AND '2025-10-07 23:59:59' GROUP BY spot ORDER BY 2 DESC, 1 LIMIT 5;
-- name: q13
SELECT product, platform, sum(amount), sum(qty) FROM orders WHERE category = '雁城四宝' GROUP BY product, platform ORDER BY 1, 2;
-- name: q14
SELECT CAST(ts AS DATE) AS day, sum(amount) FROM orders GROUP BY day ORDER BY day;
-- name: q15
SELECT buyer_province, sum(amount) FROM orders WHERE product = '南岳云雾茶' AND buyer_province IS NOT NULL GROUP BY buyer_province ORDER BY 2 DESC, 1 LIMIT 10;
-- name: q16
SELECT count(DISTINCT visitor_id) FROM visits;
-- name: q17
SELECT route, count(DISTINCT visitor_id) FROM visits GROUP BY route ORDER BY route NULLS LAST;
-- name: q18
SELECT county, sum(amount) FROM orders GROUP BY county ORDER BY county NULLS LAST;
-- name: q19
SELECT platform, count(*) FILTER (WHERE amount < 0) AS refunds, sum(amount) FROM orders GROUP BY platform ORDER BY platform;
-- name: q20
SELECT date_trunc('quarter', ts) AS q, sum(spend) FROM visits GROUP BY q ORDER BY q;
-- name: q21
SELECT group_type, avg(spend), min(spend), max(spend) FROM visits GROUP BY group_type ORDER BY group_type NULLS LAST;
-- name: q22
SELECT spot, count(*) FROM visits WHERE spot LIKE '%山%' GROUP BY spot ORDER BY spot;
-- name: q23
SELECT EXTRACT(DOW FROM ts) AS dow, count(*) FROM visits GROUP BY dow ORDER BY dow;
-- name: q24
SELECT channel, sum(amount) FROM tickets WHERE spot IN ('南岳衡山', '石鼓书院') GROUP BY channel HAVING sum(amount) > 0 ORDER BY channel;
-- name: q25
SELECT CASE WHEN spend >= 500 THEN 'high' WHEN spend >= 100 THEN 'mid' ELSE 'low' END AS band, count(*) FROM visits WHERE spend IS NOT NULL GROUP BY band ORDER BY band;
-- name: q26
SELECT min(ts), max(ts) FROM orders;
-- name: q27
SELECT merchant, sum(amount) FROM orders WHERE merchant IS NOT NULL GROUP BY merchant ORDER BY 2 DESC, 1 LIMIT 10;
-- name: q28
SELECT spot, count(*) FROM visits WHERE ts >= '2025-10-01' AND ts < '2025-10-02' AND spot = '南岳衡山' GROUP BY spot;
-- name: q29
SELECT strftime(ts, '%Y-%m') AS ym, count(*) FROM orders GROUP BY ym ORDER BY ym;
-- name: q30
SELECT sum(amount), count(*), sum(qty) FROM orders;
-- name: q31
SELECT product, count(*) FROM orders WHERE platform IN ('抖音直播', '快手直播') GROUP BY product ORDER BY 2 DESC, 1;
-- name: q32
SELECT date_trunc('week', ts) AS w, count(*) FROM tickets GROUP BY w ORDER BY w;
-- name: q33
SELECT visitor_id, count(*) AS n FROM visits GROUP BY visitor_id ORDER BY n DESC, visitor_id LIMIT 10;
-- name: q34
SELECT origin, count(*) FROM visits WHERE origin NOT IN ('湖南', '广东') GROUP BY origin ORDER BY 2 DESC, 1;
-- name: q35
SELECT EXTRACT(YEAR FROM ts) AS y, EXTRACT(QUARTER FROM ts) AS q, count(*), sum(amount) FROM orders WHERE qty >= 2 GROUP BY y, q ORDER BY y, q;
-- name: q36
SELECT spot, count(*) FROM visits WHERE spot = '石鼓书院' AND CAST(ts AS DATE) = DATE '2025-05-01' GROUP BY spot;
-- name: q37
SELECT s.grade, count(*) AS arrivals, sum(v.spend) AS spend FROM visits v JOIN spot_catalog s ON v.spot = s.spot GROUP BY s.grade ORDER BY s.grade;
-- name: q38
SELECT s.theme, date_trunc('month', v.ts) AS month, count(*) FROM visits v JOIN spot_catalog s ON v.spot = s.spot WHERE s.grade = '5A' OR s.theme = '红色' GROUP BY 1, 2 ORDER BY 1, 2;
-- name: q39
SELECT s.spot, s.grade, count(t.ticket_id) AS tickets, sum(t.amount) AS revenue FROM spot_catalog s LEFT JOIN tickets t ON t.spot = s.spot GROUP BY 1, 2 ORDER BY 1;
-- name: q40
SELECT p.county, count(*), sum(o.amount) FROM orders o JOIN product_catalog p ON o.product = p.product WHERE p.category = '雁城四宝' GROUP BY 1 ORDER BY 1;
-- name: q41
SELECT o.platform, count(*), sum(o.amount) FROM orders o JOIN product_catalog p ON o.product = p.product AND o.county = p.county GROUP BY 1 ORDER BY 1;
-- name: q42
SELECT s.county, count(*) AS arrivals FROM spot_catalog s JOIN visits v ON s.spot = v.spot WHERE v.ts >= '2025-10-01' AND v.ts < '2025-10-08' GROUP BY s.county ORDER BY 2 DESC, 1 LIMIT 5;
-- name: q43
SELECT t.channel, count(*), sum(t.amount - s.price) FROM tickets t JOIN spot_catalog s ON t.spot = s.spot AND t.amount > s.price GROUP BY t.channel ORDER BY 1;
-- name: q44
SELECT s.grade, count(*), count(p.product), count(DISTINCT p.product) FROM visits v JOIN spot_catalog s ON v.spot = s.spot LEFT JOIN product_catalog p ON p.county = s.county WHERE v.ts < '2025-02-01' GROUP BY 1 ORDER BY 1;
-- name: q45
SELECT v.origin, s.theme, count(*) FROM visits v LEFT JOIN spot_catalog s ON v.spot = s.spot AND s.grade = '5A' WHERE v.origin IN ('广东', '北京') GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST;
