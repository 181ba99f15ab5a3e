-- Installing the extension creates its schema, tables and roles.
SET client_min_messages = warning;  -- the same output whatever PGOPTIONS says
CREATE EXTENSION leadroute CASCADE;
RESET client_min_messages;
SELECT extname, extversion, nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'leadroute';
SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class') IS NOT NULL AS has_comment
  FROM pg_class c
 WHERE c.relnamespace = 'leadroute'::regnamespace AND c.relkind IN ('r', 'v')
 ORDER BY 1;
-- Every user-visible column (of tables and views) has a comment.
SELECT c.relname, a.attname
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'leadroute'::regnamespace AND c.relkind IN ('r', 'v')
   AND c.relname NOT LIKE '\_%' AND a.attnum > 0 AND NOT a.attisdropped
   AND col_description(c.oid, a.attnum) IS NULL;
-- Every function has a comment and a pinned search_path (C triggers are written to be immune, and
-- so is _new_lead_id(), the default of leads.id: it resolves no names, and a pinned search_path
-- would cost a setting saved and restored for every inserted row).
SELECT p.proname
  FROM pg_proc p
 WHERE p.pronamespace = 'leadroute'::regnamespace
   AND (obj_description(p.oid, 'pg_proc') IS NULL
        OR (p.proconfig IS NULL AND p.prorettype <> 'trigger'::regtype
            AND p.proname <> '_new_lead_id'))
 ORDER BY 1;
-- Nothing is granted to PUBLIC.
SELECT c.relname FROM pg_class c, aclexplode(c.relacl) acl
 WHERE c.relnamespace = 'leadroute'::regnamespace AND acl.grantee = 0;
SELECT p.proname FROM pg_proc p, aclexplode(p.proacl) acl
 WHERE p.pronamespace = 'leadroute'::regnamespace AND acl.grantee = 0;
SELECT rolname FROM pg_roles WHERE rolname LIKE 'leadroute\_%' ORDER BY 1;
-- The shipped free-mail list.
SELECT kind, count(*) > 100 AS many FROM leadroute.freemail_domains GROUP BY kind ORDER BY kind;
SELECT domain, kind FROM leadroute.freemail_domains
 WHERE domain IN ('gmail.com', 'outlook.com', 'gmai.com', 'mailinator.com') ORDER BY domain;
