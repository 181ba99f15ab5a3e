INSERT INTO leadroute.leads (email, company) VALUES ('jordan.miles@brightwave.io', 'Brightwave Inc') ON CONFLICT (pg_catalog.lower(email)) DO UPDATE SET company = EXCLUDED.company;
