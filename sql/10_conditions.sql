-- The condition language: valid conditions pass, invalid ones are rejected with the position,
-- the offending token and a hint.
SELECT leadroute.check_condition($$country IN ('US','CA') AND employees >= 500 AND source <> 'partner'$$);
SELECT leadroute.check_condition($$NOT is_freemail AND (score > 80 OR source = 'demo_request')$$);
SELECT leadroute.check_condition($$product_interest CONTAINS 'crm' AND title ~ '(?i)^(vp|chief)'$$);
SELECT leadroute.check_condition($$attributes.utm_source ILIKE 'google%' AND employees BETWEEN 50 AND 499$$);
SELECT leadroute.check_condition($$company IS NOT NULL AND country NOT IN ('CN', 'RU')$$);
SELECT leadroute.check_condition('TRUE');
-- SQL text is not a statement: it is a syntax error at the semicolon.
SELECT leadroute.check_condition($$country = 'US'; DROP TABLE leadroute.rules$$);
SELECT leadroute.check_condition($$contry = 'US'$$);
SELECT leadroute.check_condition($$country = 'US' AND$$);
SELECT leadroute.check_condition($$country 'US'$$);
SELECT leadroute.check_condition($$employees >= 'lots'$$);
SELECT leadroute.check_condition($$postal_code = 10001$$);
SELECT leadroute.check_condition($$product_interest = 'crm'$$);
SELECT leadroute.check_condition($$country = NULL$$);
SELECT leadroute.check_condition($$title ~ '(unclosed'$$);
SELECT leadroute.check_condition($$company = 'O''Reilly$$);
SELECT leadroute.check_condition($$lower(country) = 'us'$$);
SELECT leadroute.check_condition('');
