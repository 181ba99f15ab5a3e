INSERT INTO leadroute.leads (email, country, source) VALUES ('matrix-insert@example.org', 'US', 'demo_request');
