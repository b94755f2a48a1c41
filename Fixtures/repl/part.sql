-- read by .read from script.sql
SELECT 'from part.sql' AS source;
