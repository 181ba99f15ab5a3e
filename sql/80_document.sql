-- What a new RevOps hire reads: document() for the demo organization (demo/org.sql), the
-- conditions in plain words, and a rule without a rationale called out.
BEGIN;
SET client_min_messages = warning;
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools,
         leadroute.reps RESTART IDENTITY CASCADE;
\set ECHO none
\o /dev/null
\i demo/org.sql
\o
\set ECHO all
\pset format unaligned
\pset tuples_only on
SELECT leadroute.document();
\pset format aligned
\pset tuples_only off
-- Conditions in plain words, one per construct of the language.
SELECT c AS condition, leadroute._condition_words(c) AS words
  FROM unnest(ARRAY[
    $$country IN ('US','CA') AND employees >= 500 AND source <> 'partner'$$,
    $$NOT (score > 80 OR source = 'demo_request')$$,
    $$employees NOT BETWEEN 50 AND 199$$,
    $$title ILIKE '%vp%' AND product_interest CONTAINS 'analytics'$$,
    $$attributes.utm.campaign LIKE 'spring%' AND state IS NULL$$]) c;
ROLLBACK;
