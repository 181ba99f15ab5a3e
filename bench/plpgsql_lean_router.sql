-- A lean lead router in PL/pgSQL: the trigger a competent DBA writes by hand when all they want is
-- "route the lead inside the INSERT", and what users would pick instead of leadroute (issue 15).
-- The benchmark (bench/loadgen) runs it as a BEFORE INSERT trigger on leadroute.leads, with
-- leadroute's own triggers and the heavier reference (bench/plpgsql_router.sql) disabled, on the
-- same organization and leads. Never part of the extension.
--   normalize   lower-cased, trimmed email; the domain by split_part and a small multi-level-suffix
--               rule (co.uk, com.au, ...); two-letter countries upper-cased, other spellings by one
--               primary-key lookup; free-mail by one primary-key lookup (the rule set asks for it)
--   match       one indexed lookup of an account by its primary domain, joined to its active
--               owner and CSM (no website, extra-domain or company-name matching)
--   rules       bench_lean.compile() turns the enabled rules, in priority order, into one
--               generated PL/pgSQL function of IF branches that return the rule's action and
--               target (no lookup of the rule afterwards); territories the same way
--   pick        round-robin: UPDATE of the pool's cursor ... RETURNING, joined in the same
--               statement to the member at that ordinal of the pool's (weighted) schedule
--   record      the lead's outputs, one decisions row with a small jsonb, one assignments row
-- It does less than leadroute, on purpose: no public suffix list, no company matching, no SLA clock,
-- no notification, no explanation, no working hours, caps or time off, no subtransaction (an error
-- fails the INSERT). Its decisions therefore differ from leadroute's for some leads (an account
-- known only by its website, extra domain or name; a country written as a name it does not know).

DROP SCHEMA IF EXISTS bench_lean CASCADE;
CREATE SCHEMA bench_lean;

CREATE TABLE bench_lean.country_alias (
  alias text PRIMARY KEY,
  code  text NOT NULL
);
INSERT INTO bench_lean.country_alias (alias, code) VALUES
  ('united states', 'US'), ('usa', 'US'), ('united states of america', 'US'), ('canada', 'CA'),
  ('united kingdom', 'GB'), ('uk', 'GB'), ('great britain', 'GB'), ('germany', 'DE'),
  ('deutschland', 'DE'), ('france', 'FR'), ('netherlands', 'NL'), ('spain', 'ES'),
  ('italy', 'IT'), ('australia', 'AU'), ('india', 'IN'), ('japan', 'JP'), ('brazil', 'BR'),
  ('brasil', 'BR'), ('mexico', 'MX');

-- A pool's cursor and its schedule: one period of the smooth weighted rotation over the active
-- members, laid out by ordinal.
CREATE TABLE bench_lean.pools (
  id     bigint PRIMARY KEY,
  cursor bigint NOT NULL DEFAULT 0,
  size   integer NOT NULL
);
CREATE TABLE bench_lean.pool_slots (
  pool_id bigint NOT NULL,
  ordinal integer NOT NULL,
  rep_id  bigint NOT NULL,
  PRIMARY KEY (pool_id, ordinal)
);

-- The generated functions take the lead's routing inputs by name, so a rule's condition is pasted
-- as it is written (the generated rule set uses only the SQL-compatible part of the language).
CREATE FUNCTION bench_lean._params() RETURNS text
  LANGUAGE sql IMMUTABLE
  RETURN 'country text, state text, employees integer, industry text, source text, score integer, '
         'email_domain text, is_freemail boolean, account_id bigint, account_status text, '
         'owner_rep bigint, csm_rep bigint';

-- A run of consecutive country rules as a decision tree: CASE country WHEN 'XX' THEN (CASE state
-- WHEN 'YY' THEN <the rules of XX/YY and of XX without a state> ... ELSE <the rules of XX without
-- a state> END CASE) ... END CASE, every list in priority order, so the first match still wins.
CREATE FUNCTION bench_lean._country_case(countries text[], states text[], bodies text[]) RETURNS text
  LANGUAGE sql IMMUTABLE
  RETURN CASE WHEN cardinality(countries) = 0 THEN '' ELSE (
    WITH u AS (SELECT * FROM unnest(countries, states, bodies) WITH ORDINALITY AS u(c, s, b, ord)),
    chains AS (  -- per country and state (NULL: no state), the branches that apply
      SELECT k.c, k.s, min(u.ord) AS first,
             string_agg(u.b, ' ' ORDER BY u.ord) AS chain
        FROM (SELECT DISTINCT c, s FROM u UNION SELECT DISTINCT c, NULL FROM u) k
        JOIN u ON u.c = k.c AND (u.s IS NULL OR u.s = k.s)
       GROUP BY k.c, k.s),
    per_country AS (
      SELECT c, min(first) AS first,
             CASE WHEN count(s) = 0 THEN coalesce(max(chain), 'NULL;')
                  ELSE 'CASE state ' || string_agg(format('WHEN %L THEN %s', s, chain), ' ' ORDER BY s)
                         FILTER (WHERE s IS NOT NULL)
                       || ' ELSE ' || coalesce(max(chain) FILTER (WHERE s IS NULL), 'NULL;')
                       || ' END CASE;' END AS body
        FROM chains GROUP BY c)
    SELECT 'CASE country ' || string_agg(format('WHEN %L THEN %s', c, body), E'\n' ORDER BY first)
           || E' ELSE NULL; END CASE;\n' FROM per_country) END;

CREATE FUNCTION bench_lean.compile() RETURNS text
  LANGUAGE plpgsql AS $compile$
DECLARE
  args constant text := 'country, state, employees, industry, source, score, email_domain, '
    'is_freemail, account_id, account_status, owner_rep, csm_rep';
  body text;
  branch text;
  test text;
  set_outputs text;
  run_keys text[] := '{}';
  run_states text[] := '{}';
  run_bodies text[] := '{}';
  r record;
  p record;
  weights integer[];
  cur integer[];
  total integer;
  best integer;
  g integer;
BEGIN
  SELECT string_agg(format('IF (%s) THEN RETURN %s; END IF;', condition, pool_id),
                    E'\n' ORDER BY priority, id)
    INTO body FROM leadroute.territories WHERE enabled AND pool_id IS NOT NULL;
  EXECUTE format('CREATE OR REPLACE FUNCTION bench_lean.territory_pool(%s) RETURNS bigint '
                 'LANGUAGE plpgsql IMMUTABLE AS %L', bench_lean._params(),
                 'BEGIN ' || coalesce(body, '') || ' RETURN NULL; END');

  -- Rules: IF <condition> THEN <action and target>; RETURN; END IF; ... in priority order. An
  -- account rule needs an active account rep; a territory rule falls through to the territories.
  -- What a DBA does with a thousand rules on country x state x segment: consecutive rules that
  -- start with `country = 'XX'` (and `AND state = 'YY'`) become a decision tree of CASEs on the
  -- country and the state (see _country_case), so a lead tests only the rules that can match it.
  body := '';
  FOR r IN
    SELECT id, action, condition, queue,
           CASE action WHEN 'pool' THEN pool_id WHEN 'rep' THEN rep_id END AS target,
           regexp_match(condition, '^country = ''([A-Z]{2})''(?: AND state = ''([^'']+)'')?(?: AND (.*))?$') AS m
      FROM leadroute.rules WHERE enabled ORDER BY priority, id
  LOOP
    -- Under the country CASE, a country rule's branch tests only the rest of its condition.
    test := CASE WHEN r.m IS NOT NULL THEN coalesce(r.m[3], 'true') ELSE r.condition END;
    set_outputs := format('rule_id := %s; action := %L; queue := %L; catch_all := %L; RETURN;',
                          r.id, r.action, r.queue, upper(btrim(r.condition)) = 'TRUE');
    branch := CASE r.action
      WHEN 'account_owner' THEN format('IF (%s) AND owner_rep IS NOT NULL THEN %s END IF;', test, set_outputs)
      WHEN 'account_csm' THEN format('IF (%s) AND csm_rep IS NOT NULL THEN %s END IF;', test, set_outputs)
      WHEN 'territory' THEN format('IF (%s) THEN target := bench_lean.territory_pool(%s); '
                                   'IF target IS NOT NULL THEN %s END IF; END IF;', test, args, set_outputs)
      ELSE format('IF (%s) THEN target := %s; %s END IF;', test, coalesce(r.target::text, 'NULL'),
                  set_outputs) END;
    IF r.m IS NOT NULL THEN
      run_keys := run_keys || r.m[1];
      run_states := run_states || r.m[2];
      run_bodies := run_bodies || branch;
    ELSE
      body := body || bench_lean._country_case(run_keys, run_states, run_bodies) || branch || E'\n';
      run_keys := '{}';
      run_states := '{}';
      run_bodies := '{}';
    END IF;
  END LOOP;
  body := body || bench_lean._country_case(run_keys, run_states, run_bodies);
  EXECUTE format('CREATE OR REPLACE FUNCTION bench_lean.first_rule(%s, OUT rule_id bigint, '
                 'OUT action text, OUT target bigint, OUT queue text, OUT catch_all boolean) '
                 'LANGUAGE plpgsql IMMUTABLE AS %L', bench_lean._params(),
                 'BEGIN ' || body || ' END');

  TRUNCATE bench_lean.pools, bench_lean.pool_slots;
  FOR p IN
    SELECT m.pool_id, array_agg(m.rep_id ORDER BY m.rep_id) AS reps,
           array_agg(round(m.weight * 1000)::integer ORDER BY m.rep_id) AS w
      FROM leadroute.pool_members m JOIN leadroute.reps rp ON rp.id = m.rep_id AND rp.active
     GROUP BY m.pool_id
  LOOP
    g := 0;
    FOR i IN 1 .. array_length(p.w, 1) LOOP g := gcd(g, p.w[i]); END LOOP;
    weights := ARRAY(SELECT x / g FROM unnest(p.w) x);
    total := (SELECT sum(x) FROM unnest(weights) x);
    cur := array_fill(0, ARRAY[array_length(weights, 1)]);
    FOR turn IN 0 .. total - 1 LOOP
      best := 1;
      FOR i IN 1 .. array_length(weights, 1) LOOP
        cur[i] := cur[i] + weights[i];
        IF cur[i] > cur[best] THEN best := i; END IF;
      END LOOP;
      cur[best] := cur[best] - total;
      INSERT INTO bench_lean.pool_slots VALUES (p.pool_id, turn, p.reps[best]);
    END LOOP;
    INSERT INTO bench_lean.pools (id, size) VALUES (p.pool_id, total);
  END LOOP;
  ANALYZE bench_lean.pools;
  ANALYZE bench_lean.pool_slots;
  RETURN format('lean router: compiled %s rules', (SELECT count(*) FROM leadroute.rules WHERE enabled));
END
$compile$;

CREATE FUNCTION bench_lean.route() RETURNS trigger
  LANGUAGE plpgsql AS $route$
DECLARE
  v_started timestamptz := clock_timestamp();
  v_parts text[];
  v_n integer;
  v_domain text;
  v_freemail boolean;
  v_acc_id bigint;
  v_acc_status text;
  v_owner_rep bigint;
  v_csm_rep bigint;
  v_rule record;
  v_pool bigint;
  v_owner bigint;
  v_status text := 'queued';
  v_queue text;
  v_model text := 'fallback';
  v_fallback boolean := true;
BEGIN
  IF NEW.routed_at IS NOT NULL THEN
    RETURN NEW;
  END IF;
  NEW.email := nullif(lower(btrim(NEW.email)), '');
  NEW.country := nullif(btrim(NEW.country), '');
  IF length(NEW.country) = 2 THEN
    NEW.country := upper(NEW.country);
  ELSIF NEW.country IS NOT NULL THEN
    NEW.country := coalesce((SELECT code FROM bench_lean.country_alias WHERE alias = lower(NEW.country)),
                            NEW.country);
  END IF;
  v_parts := string_to_array(split_part(NEW.email, '@', 2), '.');
  v_n := coalesce(array_length(v_parts, 1), 0);
  IF v_n >= 3 AND length(v_parts[v_n]) = 2
     AND v_parts[v_n - 1] IN ('co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ne', 'or') THEN
    v_domain := v_parts[v_n - 2] || '.' || v_parts[v_n - 1] || '.' || v_parts[v_n];
  ELSIF v_n >= 2 THEN
    v_domain := v_parts[v_n - 1] || '.' || v_parts[v_n];
  END IF;
  IF v_domain IS NOT NULL THEN
    v_freemail := EXISTS (SELECT 1 FROM leadroute.freemail_domains WHERE domain = v_domain);
    IF NOT v_freemail THEN
      SELECT a.id, a.status, o.id, c.id INTO v_acc_id, v_acc_status, v_owner_rep, v_csm_rep
        FROM leadroute.accounts a
        LEFT JOIN leadroute.reps o ON o.id = a.owner_id AND o.active
        LEFT JOIN leadroute.reps c ON c.id = a.csm_id AND c.active
       WHERE a.domain = v_domain
       ORDER BY a.status <> 'customer', a.id
       LIMIT 1;
    END IF;
  END IF;

  SELECT * INTO v_rule FROM bench_lean.first_rule(NEW.country, NEW.state, NEW.employees,
    NEW.industry, NEW.source, NEW.score, v_domain, v_freemail, v_acc_id, v_acc_status,
    v_owner_rep, v_csm_rep);
  v_fallback := coalesce(v_rule.catch_all, true);
  CASE v_rule.action
    WHEN 'account_owner' THEN v_owner := v_owner_rep; v_model := 'account';
    WHEN 'account_csm' THEN v_owner := v_csm_rep; v_model := 'account';
    WHEN 'rep' THEN v_owner := v_rule.target; v_model := 'territory';
    WHEN 'queue' THEN v_queue := v_rule.queue; v_model := 'queue';
    WHEN 'nurture' THEN v_status := 'nurture'; v_queue := v_rule.queue; v_model := 'nurture';
    WHEN 'pool', 'territory' THEN
      v_pool := v_rule.target;
      WITH turn AS (
        UPDATE bench_lean.pools SET cursor = cursor + 1 WHERE id = v_pool RETURNING cursor, size)
      SELECT s.rep_id INTO v_owner FROM turn
        JOIN bench_lean.pool_slots s ON s.pool_id = v_pool AND s.ordinal = turn.cursor % turn.size;
      v_model := CASE v_rule.action WHEN 'pool' THEN 'round_robin' ELSE 'territory' END;
    ELSE NULL;
  END CASE;
  IF v_owner IS NOT NULL THEN
    v_status := 'assigned';
  ELSIF v_status <> 'nurture' AND v_queue IS NULL THEN
    v_queue := 'unrouted';
    v_model := 'fallback';
    v_fallback := true;
  END IF;

  NEW.email_domain := v_domain;
  NEW.is_freemail := v_freemail;
  NEW.account_id := v_acc_id;
  NEW.match_tier := CASE WHEN v_acc_id IS NOT NULL THEN 'email_domain' END;
  NEW.owner_id := v_owner;
  NEW.status := v_status;
  NEW.queue := v_queue;
  NEW.rule_id := v_rule.rule_id;
  NEW.pool_id := v_pool;
  NEW.routing_model := v_model;
  NEW.routed_at := now();
  INSERT INTO leadroute.decisions (lead_id, status, rule_id, pool_id, routing_model, owner_id,
                                   queue, fallback, trace, duration_us)
  VALUES (NEW.id, v_status, v_rule.rule_id, v_pool, v_model, v_owner, v_queue, v_fallback,
          jsonb_build_object('rule', v_rule.rule_id, 'account', v_acc_id),
          (extract(epoch FROM clock_timestamp() - v_started) * 1000000)::integer);
  IF v_owner IS NOT NULL THEN
    INSERT INTO leadroute.assignments (lead_id, rep_id, reason, rule_id, pool_id)
    VALUES (NEW.id, v_owner, 'routed', v_rule.rule_id, v_pool);
  END IF;
  RETURN NEW;
END
$route$;

CREATE TRIGGER bench_lean_route BEFORE INSERT ON leadroute.leads
  FOR EACH ROW EXECUTE FUNCTION bench_lean.route();
ALTER TABLE leadroute.leads DISABLE TRIGGER bench_lean_route;
