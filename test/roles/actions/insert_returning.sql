INSERT INTO leadroute.leads (email, country, source) VALUES ('matrix-returning@example.org', 'US', 'demo_request') RETURNING id, owner_id, status, queue, sla_due_at;
