-- As a login holding only leadroute_rep, mapped to rep 2 (Diego; may_reassign on): handing a lead
-- on goes to an active rep that exists, and is recorded.
\set ON_ERROR_STOP on
SELECT plan(6);
SELECT min(id) AS mine FROM leadroute.my_leads WHERE status = 'assigned' \gset
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET owner_id = 424242 WHERE id = %s$$, :mine), '23503',
                 'rep 424242 does not exist', 'a lead cannot be handed to a rep that does not exist');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET owner_id = 9 WHERE id = %s$$, :mine), '23514',
                 'rep 9 (Tom Whitaker) is inactive', 'nor to an inactive rep');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET owner_id = NULL WHERE id = %s$$, :mine), '42501', NULL,
                 'nor left without an owner');
SELECT is((SELECT owner_id FROM leadroute.my_leads WHERE id = :mine), 2::bigint, 'the lead is still his');
CREATE TEMP TABLE handed AS
  WITH u AS (UPDATE leadroute.my_leads SET owner_id = 3 WHERE id = :mine RETURNING id, owner_id) SELECT * FROM u;
SELECT is((SELECT owner_id FROM handed), 3::bigint, 'to an active colleague it works, and RETURNING shows the new owner');
SELECT is((SELECT count(*) FROM leadroute.my_leads WHERE id = :mine), 0::bigint, 'after which it is no longer in his leads');
SELECT * FROM finish();
