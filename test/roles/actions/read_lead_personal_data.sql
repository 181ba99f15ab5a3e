SELECT email, phone, company FROM leadroute.leads LIMIT 1;
