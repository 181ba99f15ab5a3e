WITH u AS (UPDATE leadroute.leads SET status = 'lost' WHERE id = :own_lead RETURNING 1) SELECT 1 / count(*) FROM u;
