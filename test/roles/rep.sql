-- As a login holding only leadroute_rep, mapped to rep 1 (Maya; may_reassign off): she works her
-- own leads through leadroute.my_leads, and what she records is checked.
\set ON_ERROR_STOP on
SELECT plan(16);
SELECT is(leadroute.current_rep_id(), 1::bigint, 'her login is rep 1');
SELECT ok((SELECT count(*) > 0 AND bool_and(owner_id = 1) FROM leadroute.my_leads), 'my_leads shows her leads, only hers');
SELECT throws_ok($$SELECT count(*) FROM leadroute.leads$$, '42501', NULL, 'the table itself is not readable');
SELECT min(id) AS mine FROM leadroute.my_leads WHERE status = 'assigned' \gset
SELECT max(id) AS mine2 FROM leadroute.my_leads WHERE status = 'assigned' \gset

SELECT throws_ok(format($$SELECT leadroute.record_contact(%s, '1990-01-01')$$, :mine), '23514', NULL,
                 'a first contact in 1990 (before the lead arrived) is refused');
SELECT throws_ok(format($$SELECT leadroute.record_contact(%s, now() + interval '1 day')$$, :mine), '23514', NULL,
                 'so is one in the future');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET first_contact_at = '1990-01-01' WHERE id = %s$$, :mine), '23514', NULL,
                 'also when written into the column');
SELECT lives_ok(format($$SELECT leadroute.record_contact(%s)$$, :mine), 'a contact now is recorded');
SELECT is((SELECT status FROM leadroute.my_leads WHERE id = :mine), 'contacted', 'the lead is contacted');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET status = 'assigned', first_contact_at = NULL WHERE id = %s$$, :mine), '23514', NULL,
                 'moving it back to assigned with the contact cleared rewrites history: refused');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET first_contact_at = now() - interval '1 minute' WHERE id = %s$$, :mine), '23514', NULL,
                 'a recorded contact time cannot be changed');
SELECT lives_ok(format($$UPDATE leadroute.my_leads SET status = 'converted' WHERE id = %s$$, :mine), 'she converts it');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET status = 'lost' WHERE id = %s$$, :mine), '23514', NULL,
                 'a conversion is final');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET owner_id = 3 WHERE id = %s$$, :mine2), '42501', NULL,
                 'without may_reassign she cannot hand a lead on');
SELECT throws_ok(format($$UPDATE leadroute.my_leads SET status = 'queued' WHERE id = %s$$, :mine2), '42501', NULL,
                 'nor put it back in a queue');
SELECT throws_ok($$SELECT leadroute.record_contact((SELECT min(id) FROM leadroute.my_leads) + 100000)$$, 'P0002', NULL,
                 'a lead that is not hers does not exist for record_contact()');
SELECT throws_ok($$SELECT db_role FROM leadroute.reps$$, '42501', NULL, 'colleagues'' logins are not readable');
SELECT * FROM finish();
