COPY leadroute.leads (email, company, country, source) FROM STDIN (FORMAT csv);
matrix-copy-1@example.org,Copy One,US,demo_request
matrix-copy-2@example.org,Copy Two,DE,webinar
\.
