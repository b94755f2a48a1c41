-- huiyan < script.sql: statements and meta-commands mixed, as an analyst writes them
.tables
SELECT spot, count(*) AS arrivals, sum(spend) AS spend
  FROM visits
 GROUP BY spot
 ORDER BY arrivals DESC, spot
 LIMIT 4;
SELECT count(*) AS orders FROM orders; SELECT count(*) AS tickets FROM tickets;
.mode csv
SELECT visitor_id, route FROM visits WHERE visitor_id IN ('V000001', 'V000002') ORDER BY ts;
.mode table
.nullvalue ∅
SELECT visitor_id, route FROM visits WHERE visitor_id = 'V000002' ORDER BY ts;
SELEC 1;
.nosuchcommand
SELECT 'still here' AS session;
.units wan
SELECT 80000000 AS arrivals_target, 70000000000 AS revenue_target, 12345 AS n, 9999 AS small;
.units plain
.maxrows 4
SELECT visitor_id, spot FROM visits ORDER BY ts;
.maxrows 40
.output out.csv
.mode csv
SELECT product, sum(amount) AS revenue FROM orders GROUP BY product ORDER BY revenue DESC LIMIT 2;
.output
.read part.sql
.mode line
SELECT product, qty FROM orders ORDER BY ts LIMIT 2;
.schema tickets
.mode markdown
SELECT channel, count(*) AS n FROM tickets GROUP BY channel ORDER BY channel;
.open other.db
.mode table
.tables
-- the last statement may go without its semicolon
SELECT count(*) AS visits_in_other FROM visits
