SELECT 1 / count(*) FROM leadroute.my_leads;
