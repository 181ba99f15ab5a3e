-- A reference lead router in PL/pgSQL: what a competent DBA would write by hand to do leadroute's
-- work inside the INSERT. The benchmark (bench/loadgen) runs it as a BEFORE INSERT trigger on
-- leadroute.leads, with leadroute's own triggers disabled, on the same organization and leads.
-- Never part of the extension. Kept honest: it does every step leadroute does for the generated
-- organization, with the tools a DBA has:
--   normalize   lower-cased, trimmed email; country names and codes to ISO codes (a lookup table);
--               the registrable domain by a simple rule (two labels, three under co.uk-style
--               second-level suffixes); free-mail by a primary-key lookup
--   match       account by email domain, then website domain (accounts.domain, website_domain,
--               account_domains, each by its index), then normalized company name (index);
--               ties: customers, then prospects, parents before subsidiaries, the lowest id
--   rules       compiled: bench_router.compile() turns the enabled rules, in priority order, into
--               one CASE expression (WHEN <condition> THEN <rule id> ...) inside a generated
--               PL/pgSQL function; the first true WHEN wins. Actions that can fall through
--               (account_owner, account_csm, territory) carry their guard in the WHEN. Conditions
--               are pasted as SQL: the generated rule sets use only the SQL-compatible part of
--               leadroute's condition language (compile() refuses the rest)
--   pick        round-robin by UPDATE ... RETURNING on a per-pool turn counter, indexed into a
--               smooth weighted round-robin schedule of the active members; a rep on time off
--               loses the turn to the backup, else the next turn; territory rules through the
--               compiled territory CASE; account owners and CSMs with their backups
--   record      the lead's outputs and SLA due time (compiled CASE over sla_policies); one
--               decisions row (with a small trace and duration_us measured like leadroute's:
--               before the writes), one assignments row and one notifications row for a lead
--               given to a rep, and pg_notify('leadroute', ...)
-- What it does not do, in its favour: no subtransaction per lead (an error fails the INSERT
-- instead of parking the lead in a queue), no rule-by-rule trace, no working hours, caps, skills
-- or other pool strategies (the generated organization uses none of them).

DROP SCHEMA IF EXISTS bench_router CASCADE;
CREATE SCHEMA bench_router;

-- Country names and codes as web forms write them, lower-cased, to ISO 3166-1 alpha-2.
CREATE TABLE bench_router.country_alias (
  alias text PRIMARY KEY,
  code  text NOT NULL
);
INSERT INTO bench_router.country_alias (alias, code)
SELECT lower(code), code FROM unnest(ARRAY[
  'US', 'CA', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'SE', 'CH', 'AT', 'IE', 'BE', 'DK', 'NO', 'FI',
  'PL', 'ZA', 'AE', 'IL', 'AU', 'NZ', 'IN', 'JP', 'SG', 'KR', 'BR', 'MX', 'AR', 'CL', 'CO', 'KE',
  'CN', 'PT', 'CZ', 'TR', 'SA', 'EG', 'NG', 'ID', 'MY', 'TH', 'VN', 'PH', 'PE']) AS code;
INSERT INTO bench_router.country_alias (alias, code) VALUES
  ('united states', 'US'), ('usa', 'US'), ('united states of america', 'US'), ('canada', 'CA'),
  ('united kingdom', 'GB'), ('uk', 'GB'), ('great britain', 'GB'), ('england', 'GB'),
  ('germany', 'DE'), ('deutschland', 'DE'), ('france', 'FR'), ('netherlands', 'NL'),
  ('the netherlands', 'NL'), ('spain', 'ES'), ('españa', 'ES'), ('italy', 'IT'), ('italia', 'IT'),
  ('sweden', 'SE'), ('switzerland', 'CH'), ('schweiz', 'CH'), ('austria', 'AT'),
  ('österreich', 'AT'), ('ireland', 'IE'), ('belgium', 'BE'), ('denmark', 'DK'), ('norway', 'NO'),
  ('finland', 'FI'), ('poland', 'PL'), ('south africa', 'ZA'), ('united arab emirates', 'AE'),
  ('israel', 'IL'), ('australia', 'AU'), ('new zealand', 'NZ'), ('india', 'IN'), ('japan', 'JP'),
  ('singapore', 'SG'), ('south korea', 'KR'), ('brazil', 'BR'), ('brasil', 'BR'),
  ('mexico', 'MX'), ('méxico', 'MX'), ('argentina', 'AR'), ('chile', 'CL'), ('colombia', 'CO'),
  ('kenya', 'KE'), ('china', 'CN'), ('portugal', 'PT');

-- Each pool's rotation: a turn counter moved by UPDATE ... RETURNING, and one period of the
-- smooth weighted round-robin schedule over the active members.
CREATE TABLE bench_router.pool_turns (
  pool_id  bigint PRIMARY KEY,
  turn     bigint NOT NULL DEFAULT 0,
  size     integer NOT NULL,
  weighted boolean NOT NULL
);
CREATE TABLE bench_router.pool_slots (
  pool_id bigint NOT NULL,
  slot    integer NOT NULL,
  rep_id  bigint NOT NULL,
  PRIMARY KEY (pool_id, slot)
);

-- Registrable domain by a simple rule: the last two labels, or three under a second-level
-- suffix such as co.uk, com.au, co.jp.
CREATE FUNCTION bench_router.registrable_domain(host text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce(
    substring(host FROM '([a-z0-9-]+\.(?:co|com|org|net|ac|gov|edu|ne|or)\.[a-z]{2})$'),
    substring(host FROM '([a-z0-9-]+\.[a-z0-9-]+)$'));

-- The host of a URL: scheme, www., port and path removed.
CREATE FUNCTION bench_router.url_host(url text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN substring(lower(btrim(url)) FROM '^(?:[a-z]+://)?(?:www\.)?([^/:?#@]+)');

-- Company names as matching compares them: lower case, punctuation and legal suffixes removed.
CREATE FUNCTION bench_router.normalize_company(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN nullif(btrim(regexp_replace(regexp_replace(regexp_replace(
           replace(lower(name), '.', ''),
           '[^[:alnum:]]+', ' ', 'g'),
           '^the ', ''),
           '( (inc|llc|ltd|gmbh|corp|corporation|sa|ag|bv|pty|kk|plc|limited|co))+ *$', '')), '');

-- Can the rep take a lead now: active and not on time off.
CREATE FUNCTION bench_router.available(rep bigint) RETURNS boolean
  LANGUAGE plpgsql STABLE AS $$
DECLARE
  ok boolean;
BEGIN
  SELECT r.active AND NOT EXISTS (SELECT 1 FROM leadroute.time_off t
                                   WHERE t.rep_id = r.id AND t.during @> now())
    INTO ok FROM leadroute.reps r WHERE r.id = rep;
  RETURN coalesce(ok, false);
END
$$;

-- Who covers for an unavailable rep: the time-off backup, else the rep's backup, if available.
CREATE FUNCTION bench_router.cover(rep bigint) RETURNS bigint
  LANGUAGE plpgsql STABLE AS $$
DECLARE
  backup bigint;
BEGIN
  SELECT coalesce((SELECT t.backup_id FROM leadroute.time_off t
                    WHERE t.rep_id = rep AND t.during @> now() AND t.backup_id IS NOT NULL LIMIT 1),
                  r.backup_id)
    INTO backup FROM leadroute.reps r WHERE r.id = rep;
  IF backup IS NOT NULL AND backup <> rep AND bench_router.available(backup) THEN
    RETURN backup;
  END IF;
  RETURN NULL;
END
$$;

-- The rep for an account_owner / account_csm rule: the rep if available, the cover if the rep is
-- away; NULL (the rule falls through) for no rep, an inactive rep, or nobody to cover.
CREATE FUNCTION bench_router.account_rep(rep bigint) RETURNS bigint
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF rep IS NULL OR NOT EXISTS (SELECT 1 FROM leadroute.reps r WHERE r.id = rep AND r.active) THEN
    RETURN NULL;
  END IF;
  IF bench_router.available(rep) THEN
    RETURN rep;
  END IF;
  RETURN bench_router.cover(rep);
END
$$;

-- Round-robin: the next turn of the pool (UPDATE ... RETURNING: concurrent inserts queue on the
-- counter row until the holder commits); a rep who cannot take the lead loses the turn to the
-- backup, else to the next turn; then the overflow pool.
CREATE FUNCTION bench_router.round_robin(p_pool bigint, OUT rep_id bigint, OUT pool_id bigint,
                                         OUT weighted boolean)
  LANGUAGE plpgsql AS $$
DECLARE
  v_pool bigint := p_pool;
  visited bigint[] := '{}';
  t bigint;
  n integer;
  candidate bigint;
  candidate_ok boolean;
  tries integer;
BEGIN
  WHILE v_pool IS NOT NULL AND NOT v_pool = ANY (visited) LOOP
    visited := visited || v_pool;
    tries := 0;
    LOOP
      UPDATE bench_router.pool_turns pt SET turn = pt.turn + 1 WHERE pt.pool_id = v_pool
        RETURNING pt.turn, pt.size, pt.weighted INTO t, n, weighted;
      EXIT WHEN n IS NULL OR n = 0;
      SELECT s.rep_id, r.active AND NOT EXISTS (SELECT 1 FROM leadroute.time_off away
                                                 WHERE away.rep_id = r.id AND away.during @> now())
        INTO candidate, candidate_ok
        FROM bench_router.pool_slots s JOIN leadroute.reps r ON r.id = s.rep_id
       WHERE s.pool_id = v_pool AND s.slot = t % n;
      IF candidate_ok THEN
        rep_id := candidate;
      ELSE
        rep_id := bench_router.cover(candidate);
      END IF;
      IF rep_id IS NOT NULL THEN
        pool_id := v_pool;
        RETURN;
      END IF;
      tries := tries + 1;
      EXIT WHEN tries >= least(n, 16);
    END LOOP;
    SELECT p.overflow_pool_id INTO v_pool FROM leadroute.pools p WHERE p.id = v_pool;
  END LOOP;
END
$$;

-- The fields a compiled condition can name, in the order the generated functions take them.
CREATE FUNCTION bench_router._field_params() RETURNS text
  LANGUAGE sql IMMUTABLE
  RETURN 'email text, first_name text, last_name text, company text, website text, phone text, '
         'title text, country text, state text, city text, postal_code text, employees integer, '
         'industry text, source text, score integer, language text, email_domain text, '
         'is_freemail boolean, account_id bigint, account_status text, account_owner_id bigint, '
         'match_tier text';

-- Rules, territories and SLA policies compiled into CASE expressions, and the pools' schedules.
-- Run after any change to the configuration (the benchmark runs it after loading).
CREATE FUNCTION bench_router.compile() RETURNS text
  LANGUAGE plpgsql AS $compile$
DECLARE
  bad text;
  rules_case text;
  territories_case text;
  sla_case text;
  field_args constant text := 'email, first_name, last_name, company, website, phone, title, '
    'country, state, city, postal_code, employees, industry, source, score, language, '
    'email_domain, is_freemail, account_id, account_status, account_owner_id, match_tier';
  p record;
  slots bigint[];
  weights integer[];
  current_w integer[];
  total integer;
  best integer;
  g integer;
BEGIN
  SELECT string_agg(condition, '; ') INTO bad FROM (
    SELECT condition FROM leadroute.rules WHERE enabled
    UNION ALL SELECT condition FROM leadroute.territories WHERE enabled
    UNION ALL SELECT condition FROM leadroute.sla_policies WHERE enabled) c
   WHERE condition ~* '\mcontains\M|attributes\.|\m(product_interest)\M';
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'the PL/pgSQL reference compiles only SQL-compatible conditions: %', bad;
  END IF;
  IF EXISTS (SELECT 1 FROM leadroute.sla_policies WHERE enabled AND business_hours) THEN
    RAISE EXCEPTION 'the PL/pgSQL reference does not count business hours';
  END IF;
  IF EXISTS (SELECT 1 FROM leadroute.pools WHERE strategy <> 'round_robin' OR respect_working_hours)
     OR EXISTS (SELECT 1 FROM leadroute.reps WHERE max_open_leads IS NOT NULL OR max_daily_leads IS NOT NULL)
     OR EXISTS (SELECT 1 FROM leadroute.rules WHERE enabled AND required_skills <> '{}') THEN
    RAISE EXCEPTION 'the PL/pgSQL reference implements round-robin pools without caps, hours or skills';
  END IF;

  SELECT 'CASE ' || coalesce(string_agg(format('WHEN (%s) THEN %s', condition, id), E'\n'
                                        ORDER BY priority), 'WHEN false THEN NULL') || ' END'
    INTO territories_case FROM leadroute.territories WHERE enabled;
  EXECUTE format('CREATE OR REPLACE FUNCTION bench_router.first_territory(%s) RETURNS bigint '
                 'LANGUAGE plpgsql STABLE AS %L', bench_router._field_params(),
                 'BEGIN RETURN ' || territories_case || '; END');

  -- Fall-through guards: an account rule needs an available account rep, a territory rule a
  -- matching territory.
  SELECT 'CASE ' || coalesce(string_agg(format('WHEN (%s)%s THEN %s', condition,
           CASE action
             WHEN 'account_owner' THEN ' AND owner_rep IS NOT NULL'
             WHEN 'account_csm' THEN ' AND csm_rep IS NOT NULL'
             WHEN 'territory' THEN ' AND bench_router.first_territory(' || field_args || ') IS NOT NULL'
             ELSE '' END, id), E'\n' ORDER BY priority), 'WHEN false THEN NULL') || ' END'
    INTO rules_case FROM leadroute.rules WHERE enabled;
  EXECUTE format('CREATE OR REPLACE FUNCTION bench_router.first_rule(%s, owner_rep bigint, '
                 'csm_rep bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS %L',
                 bench_router._field_params(), 'BEGIN RETURN ' || rules_case || '; END');

  SELECT 'CASE ' || coalesce(string_agg(format('WHEN (%s) THEN %s', condition, id), E'\n'
                                        ORDER BY priority), 'WHEN false THEN NULL') || ' END'
    INTO sla_case FROM leadroute.sla_policies WHERE enabled;
  EXECUTE format('CREATE OR REPLACE FUNCTION bench_router.first_sla_policy(%s) RETURNS bigint '
                 'LANGUAGE plpgsql STABLE AS %L', bench_router._field_params(),
                 'BEGIN RETURN ' || sla_case || '; END');

  -- One period of the smooth weighted round-robin over the active members, weights honoured
  -- to 0.001 and reduced by their greatest common divisor.
  TRUNCATE bench_router.pool_slots;
  DELETE FROM bench_router.pool_turns WHERE pool_id NOT IN (SELECT id FROM leadroute.pools);
  FOR p IN
    SELECT pl.id, array_agg(m.rep_id ORDER BY m.rep_id) FILTER (WHERE r.active) AS reps,
           array_agg(round(m.weight * 1000)::integer ORDER BY m.rep_id) FILTER (WHERE r.active) AS w
      FROM leadroute.pools pl
      LEFT JOIN leadroute.pool_members m ON m.pool_id = pl.id
      LEFT JOIN leadroute.reps r ON r.id = m.rep_id
     GROUP BY pl.id
  LOOP
    slots := '{}';
    IF p.reps IS NOT NULL THEN
      g := 0;
      FOR i IN 1 .. array_length(p.w, 1) LOOP
        g := gcd(g, p.w[i]);
      END LOOP;
      weights := ARRAY(SELECT x / g FROM unnest(p.w) x);
      total := (SELECT sum(x) FROM unnest(weights) x);
      current_w := array_fill(0, ARRAY[array_length(weights, 1)]);
      FOR turn IN 1 .. total LOOP
        best := 1;
        FOR i IN 1 .. array_length(weights, 1) LOOP
          current_w[i] := current_w[i] + weights[i];
          IF current_w[i] > current_w[best] THEN best := i; END IF;
        END LOOP;
        current_w[best] := current_w[best] - total;
        slots := slots || p.reps[best];
      END LOOP;
      INSERT INTO bench_router.pool_slots (pool_id, slot, rep_id)
        SELECT p.id, s.ord - 1, s.rep FROM unnest(slots) WITH ORDINALITY AS s(rep, ord);
    END IF;
    INSERT INTO bench_router.pool_turns (pool_id, size, weighted)
      VALUES (p.id, coalesce(array_length(slots, 1), 0),
              (SELECT count(DISTINCT x) > 1 FROM unnest(p.w) x))
      ON CONFLICT (pool_id) DO UPDATE SET size = excluded.size, weighted = excluded.weighted;
  END LOOP;
  ANALYZE bench_router.pool_slots;
  ANALYZE bench_router.pool_turns;
  RETURN format('compiled %s rules, %s territories, %s SLA policies',
                (SELECT count(*) FROM leadroute.rules WHERE enabled),
                (SELECT count(*) FROM leadroute.territories WHERE enabled),
                (SELECT count(*) FROM leadroute.sla_policies WHERE enabled));
END
$compile$;

-- The trigger: normalize, match, rules, pick, record.
CREATE FUNCTION bench_router.route() RETURNS trigger
  LANGUAGE plpgsql AS $route$
DECLARE
  v_started timestamptz := clock_timestamp();
  v_host text;
  v_domain text;
  v_freemail boolean;
  v_web_domain text;
  v_web_freemail boolean := false;
  v_company_key text;
  v_acc_id bigint;
  v_acc_status text;
  v_acc_owner bigint;
  v_acc_csm bigint;
  v_tier text;
  v_owner_rep bigint;
  v_csm_rep bigint;
  v_rid bigint;
  v_rule leadroute.rules%ROWTYPE;
  v_terr leadroute.territories%ROWTYPE;
  v_tid bigint;
  v_picked record;
  v_owner bigint;
  v_pool bigint;
  v_queue text;
  v_status text := 'queued';
  v_model text := 'fallback';
  v_fallback boolean := true;
  v_sla_id bigint;
  v_due timestamptz;
  v_rep leadroute.reps%ROWTYPE;
  v_duration integer;
BEGIN
  IF NEW.routed_at IS NOT NULL THEN
    RETURN NEW;  -- an import of already routed leads, as leadroute does
  END IF;

  -- 1. normalize
  NEW.email := nullif(lower(btrim(NEW.email)), '');
  NEW.company := nullif(btrim(NEW.company), '');
  NEW.website := nullif(btrim(NEW.website), '');
  NEW.state := nullif(btrim(NEW.state), '');
  NEW.industry := nullif(btrim(NEW.industry), '');
  NEW.source := nullif(btrim(NEW.source), '');
  NEW.country := nullif(btrim(NEW.country), '');
  IF NEW.country IS NOT NULL THEN
    NEW.country := coalesce((SELECT a.code FROM bench_router.country_alias a
                              WHERE a.alias = lower(NEW.country)), NEW.country);
  END IF;
  IF NEW.email LIKE '%_@_%' THEN
    v_host := split_part(NEW.email, '@', 2);
    v_domain := bench_router.registrable_domain(v_host);
  END IF;
  IF v_domain IS NOT NULL THEN
    v_freemail := EXISTS (SELECT 1 FROM leadroute.freemail_domains f WHERE f.domain IN (v_host, v_domain));
  END IF;
  IF NEW.website IS NOT NULL THEN
    v_web_domain := bench_router.registrable_domain(bench_router.url_host(NEW.website));
    IF v_web_domain IS NOT NULL THEN
      v_web_freemail := EXISTS (SELECT 1 FROM leadroute.freemail_domains f WHERE f.domain = v_web_domain);
    END IF;
  END IF;
  v_company_key := bench_router.normalize_company(NEW.company);

  -- 2. match the account: email v_domain, website v_domain, company name
  IF v_domain IS NOT NULL AND NOT v_freemail THEN
    SELECT a.id, a.status, a.owner_id, a.csm_id INTO v_acc_id, v_acc_status, v_acc_owner, v_acc_csm FROM leadroute.accounts a
     WHERE a.id IN (SELECT x.id FROM leadroute.accounts x WHERE x.domain = v_domain
                    UNION ALL SELECT x.id FROM leadroute.accounts x WHERE x.website_domain = v_domain
                    UNION ALL SELECT d.account_id FROM leadroute.account_domains d WHERE d.domain = v_domain)
     ORDER BY CASE a.status WHEN 'customer' THEN 0 WHEN 'prospect' THEN 1 ELSE 2 END,
              a.parent_id IS NOT NULL, a.id
     LIMIT 1;
    IF FOUND THEN v_tier := 'email_domain'; END IF;
  END IF;
  IF v_tier IS NULL AND v_web_domain IS NOT NULL AND v_web_domain IS DISTINCT FROM v_domain
     AND NOT v_web_freemail THEN
    SELECT a.id, a.status, a.owner_id, a.csm_id INTO v_acc_id, v_acc_status, v_acc_owner, v_acc_csm FROM leadroute.accounts a
     WHERE a.id IN (SELECT x.id FROM leadroute.accounts x WHERE x.domain = v_web_domain
                    UNION ALL SELECT x.id FROM leadroute.accounts x WHERE x.website_domain = v_web_domain
                    UNION ALL SELECT d.account_id FROM leadroute.account_domains d WHERE d.domain = v_web_domain)
     ORDER BY CASE a.status WHEN 'customer' THEN 0 WHEN 'prospect' THEN 1 ELSE 2 END,
              a.parent_id IS NOT NULL, a.id
     LIMIT 1;
    IF FOUND THEN v_tier := 'website'; END IF;
  END IF;
  IF v_tier IS NULL AND v_company_key IS NOT NULL THEN
    SELECT a.id, a.status, a.owner_id, a.csm_id INTO v_acc_id, v_acc_status, v_acc_owner, v_acc_csm FROM leadroute.accounts a
     WHERE a.name_normalized = v_company_key
     ORDER BY CASE a.status WHEN 'customer' THEN 0 WHEN 'prospect' THEN 1 ELSE 2 END,
              a.parent_id IS NOT NULL, a.id
     LIMIT 1;
    IF FOUND THEN v_tier := 'company'; END IF;
  END IF;
  IF v_tier IS NOT NULL THEN
    v_owner_rep := bench_router.account_rep(v_acc_owner);
    v_csm_rep := bench_router.account_rep(v_acc_csm);
  END IF;

  -- 3. the first matching v_rule
  v_rid := bench_router.first_rule(NEW.email, NEW.first_name, NEW.last_name, NEW.company,
           NEW.website, NEW.phone, NEW.title, NEW.country, NEW.state, NEW.city, NEW.postal_code,
           NEW.employees, NEW.industry, NEW.source, NEW.score, NEW.language, v_domain, v_freemail,
           v_acc_id, v_acc_status, v_acc_owner, v_tier, v_owner_rep, v_csm_rep);

  -- 4. pick
  IF v_rid IS NOT NULL THEN
    SELECT * INTO v_rule FROM leadroute.rules r WHERE r.id = v_rid;
    v_fallback := upper(btrim(v_rule.condition)) = 'TRUE';
    CASE v_rule.action
      WHEN 'account_owner' THEN
        v_owner := v_owner_rep;
        v_model := 'account';
      WHEN 'account_csm' THEN
        v_owner := v_csm_rep;
        v_model := 'account';
      WHEN 'rep' THEN
        v_owner := CASE WHEN bench_router.available(v_rule.rep_id) THEN v_rule.rep_id
                      ELSE bench_router.cover(v_rule.rep_id) END;
        v_model := 'territory';
      WHEN 'pool' THEN
        SELECT * INTO v_picked FROM bench_router.round_robin(v_rule.pool_id);
        v_owner := v_picked.rep_id;
        v_pool := v_picked.pool_id;
        v_model := CASE WHEN v_picked.weighted THEN 'weighted_round_robin' ELSE 'round_robin' END;
      WHEN 'territory' THEN
        v_tid := bench_router.first_territory(NEW.email, NEW.first_name, NEW.last_name,
                 NEW.company, NEW.website, NEW.phone, NEW.title, NEW.country, NEW.state, NEW.city,
                 NEW.postal_code, NEW.employees, NEW.industry, NEW.source, NEW.score, NEW.language,
                 v_domain, v_freemail, v_acc_id, v_acc_status, v_acc_owner, v_tier);
        SELECT * INTO v_terr FROM leadroute.territories t WHERE t.id = v_tid;
        IF v_terr.rep_id IS NOT NULL THEN
          v_owner := CASE WHEN bench_router.available(v_terr.rep_id) THEN v_terr.rep_id
                        ELSE bench_router.cover(v_terr.rep_id) END;
        ELSE
          SELECT * INTO v_picked FROM bench_router.round_robin(v_terr.pool_id);
          v_owner := v_picked.rep_id;
          v_pool := v_picked.pool_id;
        END IF;
        v_model := 'territory';
      WHEN 'queue' THEN
        v_queue := v_rule.queue;
        v_model := 'queue';
      WHEN 'nurture' THEN
        v_status := 'nurture';
        v_queue := v_rule.queue;
        v_model := 'nurture';
    END CASE;
    IF v_owner IS NOT NULL THEN
      v_status := 'assigned';
    ELSIF v_rule.action NOT IN ('queue', 'nurture') THEN
      v_queue := 'unrouted';  -- nobody can take it: the default v_queue
      v_model := 'fallback';
      v_fallback := true;
    END IF;
  ELSE
    v_queue := 'unrouted';
  END IF;

  -- 5. record
  IF v_owner IS NOT NULL THEN
    v_sla_id := bench_router.first_sla_policy(NEW.email, NEW.first_name, NEW.last_name,
                NEW.company, NEW.website, NEW.phone, NEW.title, NEW.country, NEW.state, NEW.city,
                NEW.postal_code, NEW.employees, NEW.industry, NEW.source, NEW.score, NEW.language,
                v_domain, v_freemail, v_acc_id, v_acc_status, v_acc_owner, v_tier);
    IF v_sla_id IS NOT NULL THEN
      v_due := now() + make_interval(mins => (SELECT s.response_minutes FROM leadroute.sla_policies s
                                             WHERE s.id = v_sla_id));
    END IF;
  END IF;
  NEW.email_domain := v_domain;
  NEW.is_freemail := v_freemail;
  NEW.account_id := v_acc_id;
  NEW.match_tier := v_tier;
  NEW.owner_id := v_owner;
  NEW.status := v_status;
  NEW.queue := v_queue;
  NEW.rule_id := v_rid;
  NEW.pool_id := v_pool;
  NEW.routing_model := v_model;
  NEW.routed_at := now();
  NEW.sla_due_at := v_due;
  NEW.sla_policy_id := v_sla_id;
  v_duration := (extract(epoch FROM clock_timestamp() - v_started) * 1000000)::integer;

  INSERT INTO leadroute.decisions (lead_id, status, rule_id, pool_id, routing_model, owner_id,
                                   queue, fallback, trace, duration_us)
  VALUES (NEW.id, v_status, v_rid, v_pool, v_model, v_owner, v_queue, v_fallback,
          jsonb_build_object('v', 1, 'rule', v_rid, 'account', v_acc_id, 'tier', v_tier), v_duration);
  IF v_owner IS NOT NULL THEN
    INSERT INTO leadroute.assignments (lead_id, rep_id, reason, rule_id, pool_id, sla_due_at,
                                       sla_policy_id)
    VALUES (NEW.id, v_owner, 'routed', v_rid, v_pool, v_due, v_sla_id);
    SELECT * INTO v_rep FROM leadroute.reps r WHERE r.id = v_owner;
    IF v_rep.notify_channel <> 'none' THEN
      INSERT INTO leadroute.notifications (event, lead_id, rep_id, channel, recipient, payload)
      VALUES ('assigned', NEW.id, v_owner, v_rep.notify_channel, coalesce(v_rep.notify_address, v_rep.email),
              jsonb_build_object('event', 'assigned', 'lead_id', NEW.id, 'rep_id', v_owner,
                                 'rep', v_rep.name, 'rule_id', v_rid, 'routing_model', v_model,
                                 'sla_due_at', v_due));
    END IF;
  END IF;
  PERFORM pg_notify('leadroute', json_build_object('event', 'routed', 'lead_id', NEW.id,
                      'status', v_status, 'owner_id', v_owner, 'queue', v_queue, 'rule_id', v_rid,
                      'routing_model', v_model)::text);
  RETURN NEW;
END
$route$;

CREATE TRIGGER bench_plpgsql_route BEFORE INSERT ON leadroute.leads
  FOR EACH ROW EXECUTE FUNCTION bench_router.route();
ALTER TABLE leadroute.leads DISABLE TRIGGER bench_plpgsql_route;
