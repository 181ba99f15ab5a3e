WITH d AS (DELETE FROM leadroute.leads WHERE id = :own_lead RETURNING 1) SELECT 1 / count(*) FROM d;
