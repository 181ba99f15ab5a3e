WITH u AS (UPDATE leadroute.rules SET name = name WHERE id = (SELECT min(id) FROM leadroute.rules) RETURNING 1) SELECT 1 / count(*) FROM u;
