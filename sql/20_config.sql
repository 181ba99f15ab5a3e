-- Configuration is plain SQL; mistakes are rejected with a message that says what and where.
\set SHOW_CONTEXT never
INSERT INTO leadroute.reps (id, name, email, timezone, working_hours) VALUES
  (1, 'Ana Lee',   'ana@example.com', 'America/Chicago', '{"mon": [["09:00","17:00"]]}'),
  (2, 'Ben Ortiz', 'ben@example.com', 'Europe/Berlin', NULL),
  (3, 'Cy Park',   'cy@example.com',  'UTC', NULL);
-- Bad rows.
INSERT INTO leadroute.reps (name, email, timezone) VALUES ('Dee', 'dee@example.com', 'Mars/Olympus');
INSERT INTO leadroute.reps (name, email, working_hours) VALUES ('Dee', 'dee@example.com', '{"monday": [["09:00","17:00"]]}');
INSERT INTO leadroute.reps (name, email, working_hours) VALUES ('Dee', 'dee@example.com', '{"mon": [["17:00","09:00"]]}');
INSERT INTO leadroute.reps (name, email, working_hours) VALUES ('Dee', 'dee@example.com', '{"mon": [["09:00","12:00"],["11:00","13:00"]]}');
\set VERBOSITY terse
INSERT INTO leadroute.reps (name, email) VALUES ('Dee', 'not-an-email');
INSERT INTO leadroute.reps (name, email) VALUES ('Ana again', 'ana@example.com');
UPDATE leadroute.reps SET backup_id = 1 WHERE id = 1;
\set VERBOSITY default
INSERT INTO leadroute.pools (id, name) VALUES (1, 'SDR');
INSERT INTO leadroute.pools (name, strategy) VALUES ('Odd', 'lottery');
INSERT INTO leadroute.pool_members (pool_id, rep_id, weight) VALUES (1, 1, 0);
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 99);
-- Rules: the condition is checked when written; the target must fit the action.
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id)
  VALUES ('Bad condition', 10, $$country = 'US' AND employees > 'many'$$, 'pool', 1);
INSERT INTO leadroute.rules (name, priority, condition, action) VALUES ('No pool', 10, 'TRUE', 'pool');
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id, pool_id) VALUES ('Two targets', 10, 'TRUE', 'rep', 1, 1);
INSERT INTO leadroute.rules (name, priority, condition, action) VALUES ('No queue', 10, 'TRUE', 'queue');
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('Odd action', 10, 'TRUE', 'lottery', 'x');
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('First', 10, 'TRUE', 'queue', 'a');
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('Same priority', 10, 'TRUE', 'queue', 'b');
UPDATE leadroute.rules SET condition = 'country == ''US''' WHERE name = 'First';
-- A rep who is the target of a rule cannot be deleted; deactivate instead.
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id) VALUES ('Named', 20, 'TRUE', 'rep', 3);
DELETE FROM leadroute.reps WHERE id = 3;
-- Priorities can be swapped inside a transaction.
BEGIN;
SET CONSTRAINTS leadroute.rules_priority_key DEFERRED;
UPDATE leadroute.rules SET priority = 20 WHERE name = 'First';
UPDATE leadroute.rules SET priority = 10 WHERE name = 'Named';
COMMIT;
SELECT name, priority FROM leadroute.rules ORDER BY priority;
-- Each pool has a rotation counter that goes away with the pool.
SELECT relname FROM pg_class WHERE relname LIKE '\_pool\_turns\_%' ORDER BY 1;
INSERT INTO leadroute.pools (id, name) VALUES (2, 'Temp');
SELECT relname FROM pg_class WHERE relname LIKE '\_pool\_turns\_%' ORDER BY 1;
DELETE FROM leadroute.pools WHERE id = 2;
SELECT relname FROM pg_class WHERE relname LIKE '\_pool\_turns\_%' ORDER BY 1;
\set SHOW_CONTEXT never
UPDATE leadroute.pools SET id = 5 WHERE id = 1;
-- Rep e-mails are one address whatever their case; free-mail domains are lower-case names.
INSERT INTO leadroute.reps (name, email) VALUES ('Maya Chen', 'Maya.Chen@Example.com');
INSERT INTO leadroute.reps (name, email) VALUES ('Maya again', 'maya.chen@example.com');
INSERT INTO leadroute.freemail_domains (domain) VALUES ('Bad.COM');
INSERT INTO leadroute.freemail_domains (domain) VALUES ('localhost');
-- A rule pointed at a pool without members is written, with a warning.
INSERT INTO leadroute.pools (id, name) VALUES (3, 'Nobody yet');
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('To nobody', 90, 'TRUE', 'pool', 3);
DELETE FROM leadroute.rules WHERE name = 'To nobody';
\set SHOW_CONTEXT errors
-- Clean up for the next test.
DELETE FROM leadroute.rules;
DELETE FROM leadroute.pools;
DELETE FROM leadroute.reps;
