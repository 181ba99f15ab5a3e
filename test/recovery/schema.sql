-- A text description of everything the extension defines in a database, one line per fact, sorted:
-- two databases with the same output have the same leadroute schema (the upgrade test compares a
-- fresh install with an updated one). Data is left out, except the rows the extension ships.
WITH ns AS (SELECT 'leadroute'::regnamespace AS oid),
rels AS (SELECT c.* FROM pg_class c, ns WHERE c.relnamespace = ns.oid AND c.relkind IN ('r', 'v', 'S', 'i', 'm'))
SELECT line FROM (
  SELECT format('relation %s kind=%s rls=%s force_rls=%s acl=%s comment=%s', c.relname, c.relkind,
                c.relrowsecurity, c.relforcerowsecurity, (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(c.relacl) x), obj_description(c.oid, 'pg_class')) AS line
    FROM rels c WHERE c.relkind <> 'i' AND c.relname NOT LIKE '\_pool\_turns\_%'
  UNION ALL
  SELECT format('column %s.%s %s notnull=%s default=%s identity=%s collation=%s acl=%s comment=%s',
                c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attcollation,
                (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(a.attacl) x),
                col_description(c.oid, a.attnum))
    FROM rels c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relkind IN ('r', 'v')
  UNION ALL
  SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
    FROM rels c JOIN pg_constraint k ON k.conrelid = c.oid
  UNION ALL
  SELECT format('index %s', regexp_replace(pg_get_indexdef(i.oid), ' ON ONLY ', ' ON '))
    FROM rels i WHERE i.relkind = 'i'
  UNION ALL
  SELECT format('trigger %s', pg_get_triggerdef(t.oid))
    FROM rels c JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
  UNION ALL
  SELECT format('policy %s.%s cmd=%s roles=%s using=%s check=%s permissive=%s', p.tablename, p.policyname,
                p.cmd, p.roles::text, p.qual, p.with_check, p.permissive)
    FROM pg_policies p WHERE p.schemaname = 'leadroute'
  UNION ALL
  SELECT format('view %s %s', c.relname, replace(pg_get_viewdef(c.oid), E'\n', ' | '))
    FROM rels c WHERE c.relkind = 'v'
  UNION ALL
  SELECT format('sequence %s %s %s %s %s %s', c.relname, s.seqtypid::regtype, s.seqincrement, s.seqmin,
                s.seqmax, s.seqcycle)
    FROM rels c JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relname NOT LIKE '\_pool\_turns\_%'
  UNION ALL
  SELECT format('function %s acl=%s comment=%s %s', p.oid::regprocedure,
                (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(p.proacl) x),
                obj_description(p.oid, 'pg_proc'), replace(pg_get_functiondef(p.oid), E'\n', ' | '))
    FROM pg_proc p, ns WHERE p.pronamespace = ns.oid AND p.prokind <> 'a'
  UNION ALL
  SELECT format('type %s %s', t.typname, t.typtype)
    FROM pg_type t, ns WHERE t.typnamespace = ns.oid AND t.typrelid = 0 AND t.typelem = 0
  UNION ALL
  SELECT format('config_dump %s %s', x.tbl, x.cond)
    FROM pg_extension e, unnest(e.extconfig::regclass[], e.extcondition) x(tbl, cond)
   WHERE e.extname = 'leadroute'
  UNION ALL
  SELECT format('member %s', pg_describe_object(d.classid, d.objid, d.objsubid))
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'leadroute'
   WHERE d.deptype = 'e'
  UNION ALL
  SELECT format('shipped sla_policies %s', row(name, priority, condition, response_minutes, business_hours, description)::text)
    FROM leadroute.sla_policies WHERE shipped
  UNION ALL
  SELECT format('shipped metric_settings %s', row(name, value, description)::text) FROM leadroute.metric_settings WHERE shipped
  UNION ALL
  SELECT format('shipped alert_thresholds %s', row(alert, threshold, description)::text) FROM leadroute.alert_thresholds WHERE shipped
  UNION ALL
  SELECT format('shipped freemail_domains count=%s md5=%s', count(*), md5(string_agg(domain, ',' ORDER BY domain)))
    FROM leadroute.freemail_domains WHERE shipped
) facts
ORDER BY line;
