WITH u AS (UPDATE leadroute.my_leads SET status = 'contacted' WHERE id = :own_lead RETURNING 1) SELECT 1 / count(*) FROM u;
