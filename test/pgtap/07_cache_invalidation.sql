-- The compiled configuration is cached per session and dropped when a config change commits: a
-- rule committed in one session governs the very next INSERT in every other session.
-- Not inside one transaction: the other session (dblink) must see committed rows.
SET client_min_messages = warning;
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.notifications,
         leadroute.shadow_decisions, leadroute.pools, leadroute.reps RESTART IDENTITY CASCADE;
SELECT plan(10);
SELECT dblink_connect('other', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1),
                      current_setting('port'))) AS connected \gset

INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io');
INSERT INTO leadroute.rules (id, name, priority, condition, action, queue) VALUES (1, 'all', 100, 'TRUE', 'queue', 'q1');
INSERT INTO leadroute.leads (email) VALUES ('l1@x.com');
SELECT is((SELECT queue FROM leadroute.leads ORDER BY id DESC LIMIT 1), 'q1', 'this session routes with the config it cached');

SELECT dblink_exec('other', $$UPDATE leadroute.rules SET queue = 'q2' WHERE id = 1$$);
INSERT INTO leadroute.leads (email) VALUES ('l2@x.com');
SELECT is((SELECT queue FROM leadroute.leads ORDER BY id DESC LIMIT 1), 'q2',
          'a rule changed and committed in another session governs the next INSERT');

SELECT dblink_exec('other', $$INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id)
                               VALUES (2, 'hot', 10, 'score > 50', 'rep', 1)$$);
INSERT INTO leadroute.leads (email, score) VALUES ('l3@x.com', 60);
SELECT is((SELECT owner_id FROM leadroute.leads ORDER BY id DESC LIMIT 1), 1::bigint, 'a new rule applies at once');

SELECT dblink_exec('other', $$UPDATE leadroute.reps SET active = false WHERE id = 1$$);
INSERT INTO leadroute.leads (email, score) VALUES ('l4@x.com', 60);
SELECT is((SELECT queue FROM leadroute.leads ORDER BY id DESC LIMIT 1), 'unrouted', 'a rep deactivated elsewhere gets no lead');

SELECT dblink_exec('other', $$INSERT INTO leadroute.freemail_domains (domain) VALUES ('newfree.example')$$);
INSERT INTO leadroute.leads (email) VALUES ('x@newfree.example');
SELECT is((SELECT is_freemail FROM leadroute.leads ORDER BY id DESC LIMIT 1), true, 'a free-mail domain added elsewhere applies');

-- An uncommitted change elsewhere neither applies nor blocks.
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', $$UPDATE leadroute.rules SET queue = 'q3' WHERE id = 1$$);
INSERT INTO leadroute.leads (email) VALUES ('l5@x.com');
SELECT is((SELECT queue FROM leadroute.leads ORDER BY id DESC LIMIT 1), 'q2', 'an uncommitted change does not apply (and does not block)');
SELECT dblink_exec('other', 'COMMIT');
INSERT INTO leadroute.leads (email) VALUES ('l6@x.com');
SELECT is((SELECT queue FROM leadroute.leads ORDER BY id DESC LIMIT 1), 'q3', 'it applies once committed');

-- Our own change applies inside our transaction, and is undone by its rollback.
BEGIN;
UPDATE leadroute.rules SET queue = 'q4' WHERE id = 1;
INSERT INTO leadroute.leads (email) VALUES ('l7@x.com') RETURNING queue AS queue_inside \gset
ROLLBACK;
SELECT is(:'queue_inside'::text, 'q4', 'a change applies to the next INSERT in the same transaction');
INSERT INTO leadroute.leads (email) VALUES ('l8@x.com');
SELECT is((SELECT queue FROM leadroute.leads ORDER BY id DESC LIMIT 1), 'q3', 'and a rollback takes it back');

SELECT dblink_disconnect('other');
DELETE FROM leadroute.freemail_domains WHERE domain = 'newfree.example';
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.notifications,
         leadroute.shadow_decisions, leadroute.pools, leadroute.reps RESTART IDENTITY CASCADE;
\ir 99_invariant.sql.inc
SELECT * FROM finish();
