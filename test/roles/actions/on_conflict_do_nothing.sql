INSERT INTO leadroute.leads (email, country, source) VALUES ('jordan.miles@brightwave.io', 'US', 'demo_request') ON CONFLICT DO NOTHING;
