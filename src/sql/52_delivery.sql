-- Delivery of the outbox (docs/agent.md): who a queued lead is told to, where each channel is
-- sent, and the verbs leadroute-agent calls (claim, ack, fail), in the pgmq model: a claim hides
-- rows for a visibility timeout and commits at once, so no transaction stays open while the agent
-- talks to the network; a failure makes the row visible again later (exponential backoff with
-- jitter) or, after max_attempts, dead-letters it (an alert in leadroute.alerts).

-- ---- Recipients of queued leads -----------------------------------------------------------

CREATE TABLE leadroute.queues (
  name           text PRIMARY KEY CHECK (pg_catalog.btrim(name) <> ''),
  notify_channel text NOT NULL DEFAULT 'admins'
                 CHECK (notify_channel IN ('email', 'slack', 'webhook', 'admins', 'none')),
  notify_address text,
  description    text,
  CONSTRAINT queues_notify_address CHECK ((notify_channel IN ('admins', 'none')) = (notify_address IS NULL))
);
COMMENT ON TABLE leadroute.queues IS 'Queues as configurable objects: who is told when a lead lands in a queue (a queue without a row tells the admins'' channel)';
COMMENT ON COLUMN leadroute.queues.name IS 'The queue, as in rules.queue and leads.queue';
COMMENT ON COLUMN leadroute.queues.notify_channel IS 'email, slack, webhook, admins (the admins'' channel of delivery_settings) or none (nobody is told)';
COMMENT ON COLUMN leadroute.queues.notify_address IS 'Email address, Slack member id or incoming-webhook URL, or webhook URL; NULL for admins and none';
COMMENT ON COLUMN leadroute.queues.description IS 'Free text for people: who works the queue';

-- One optional row; without it every setting has its default.
CREATE TABLE leadroute.delivery_settings (
  singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  admin_channel text CHECK (admin_channel IN ('email', 'slack', 'webhook')),
  admin_address text,
  max_attempts  integer NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 100),
  retry_base    interval NOT NULL DEFAULT '10 seconds' CHECK (retry_base > interval '0'),
  retry_max     interval NOT NULL DEFAULT '1 hour',
  CONSTRAINT delivery_settings_admin CHECK ((admin_channel IS NULL) = (admin_address IS NULL)),
  CONSTRAINT delivery_settings_retry CHECK (retry_max >= retry_base)
);
COMMENT ON TABLE leadroute.delivery_settings IS 'Delivery settings (at most one row; without it each setting has its default)';
COMMENT ON COLUMN leadroute.delivery_settings.singleton IS 'Always true: the table has at most one row';
COMMENT ON COLUMN leadroute.delivery_settings.admin_channel IS 'The admins'' channel (email, slack or webhook): told about routing_error, the default queue and queues without a target';
COMMENT ON COLUMN leadroute.delivery_settings.admin_address IS 'The admins'' address on that channel';
COMMENT ON COLUMN leadroute.delivery_settings.max_attempts IS 'Attempts before a notification is dead-lettered (default 8)';
COMMENT ON COLUMN leadroute.delivery_settings.retry_base IS 'Wait after the first failure; doubles with each attempt, with jitter (default 10 seconds)';
COMMENT ON COLUMN leadroute.delivery_settings.retry_max IS 'Longest wait between attempts (default 1 hour)';

CREATE FUNCTION leadroute._delivery_policy(OUT admin_channel text, OUT admin_address text,
    OUT max_attempts integer, OUT retry_base interval, OUT retry_max interval)
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT s.admin_channel, s.admin_address, coalesce(s.max_attempts, 8),
         coalesce(s.retry_base, interval '10 seconds'), coalesce(s.retry_max, interval '1 hour')
    FROM (SELECT 1) one LEFT JOIN leadroute.delivery_settings s ON true
$$;
COMMENT ON FUNCTION leadroute._delivery_policy() IS 'Internal: the delivery settings, with their defaults';

-- Fills in the recipient of an event without a rep (routing placed the lead in a queue, an
-- escalation or a person moved it there), or drops the row when nobody is to be told.
CREATE FUNCTION leadroute._notification_target() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  q leadroute.queues;
  p record;
BEGIN
  IF NEW.queue IS NULL OR NEW.queue LIKE 'manager:%' THEN
    RETURN NULL;   -- a manager's queue: the manager is told by the manager_alert of the same escalation
  END IF;
  SELECT * INTO q FROM leadroute.queues WHERE name OPERATOR(pg_catalog.=) NEW.queue;
  IF FOUND AND q.notify_channel OPERATOR(pg_catalog.=) 'none' THEN
    RETURN NULL;
  ELSIF FOUND AND q.notify_channel OPERATOR(pg_catalog.<>) 'admins' THEN
    NEW.channel := q.notify_channel;
    NEW.recipient := q.notify_address;
    RETURN NEW;
  ELSIF NOT FOUND AND NEW.payload OPERATOR(pg_catalog.->>) 'status' OPERATOR(pg_catalog.=) 'nurture' THEN
    RETURN NULL;   -- not for sales yet: a nurture track is told only when it has a target
  END IF;
  SELECT * INTO p FROM leadroute._delivery_policy();
  IF p.admin_channel IS NULL THEN
    RETURN NULL;   -- no admins' channel: audit() reports it
  END IF;
  NEW.channel := p.admin_channel;
  NEW.recipient := p.admin_address;
  RETURN NEW;
END
$body$;
COMMENT ON FUNCTION leadroute._notification_target() IS
  'Internal: the recipient of a queued lead''s notification (its queue''s target, else the admins'' channel)';
CREATE TRIGGER notification_target BEFORE INSERT ON leadroute.notifications
  FOR EACH ROW WHEN (NEW.rep_id IS NULL) EXECUTE FUNCTION leadroute._notification_target();

-- ---- Where each channel is sent --------------------------------------------------------------

CREATE TABLE leadroute.delivery_endpoints (
  name          text PRIMARY KEY CHECK (pg_catalog.btrim(name) <> ''),
  channel       text NOT NULL CHECK (channel IN ('email', 'slack', 'webhook')),
  url           text NOT NULL,
  is_default    boolean NOT NULL DEFAULT false,
  secret        text,
  link_template text,
  mail_from     text,
  max_parallel  integer NOT NULL DEFAULT 4 CHECK (max_parallel BETWEEN 1 AND 64),
  timeout_ms    integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 300000),
  description   text,
  CONSTRAINT delivery_endpoints_url CHECK (CASE channel WHEN 'email' THEN url ~ '^smtps?://[^/]'
                                                        ELSE url ~ '^https?://[^/]' END),
  CONSTRAINT delivery_endpoints_mail_from CHECK (channel <> 'email' OR mail_from IS NOT NULL)
);
CREATE UNIQUE INDEX delivery_endpoints_default_idx ON leadroute.delivery_endpoints (channel) WHERE is_default;
COMMENT ON TABLE leadroute.delivery_endpoints IS 'Where leadroute-agent sends each channel: a notification goes to the endpoint whose url is the longest prefix of its recipient, else its channel''s default';
COMMENT ON COLUMN leadroute.delivery_endpoints.name IS 'Endpoint name (metrics and logs show it)';
COMMENT ON COLUMN leadroute.delivery_endpoints.channel IS 'email, slack or webhook';
COMMENT ON COLUMN leadroute.delivery_endpoints.url IS 'webhook: a URL prefix of the recipients it signs; slack: the incoming-webhook URL (recipients that are member ids are mentioned in its channel); email: the SMTP server, smtp://[user@]host:port or smtps://';
COMMENT ON COLUMN leadroute.delivery_endpoints.is_default IS 'The endpoint of recipients no other endpoint''s url prefixes (one per channel)';
COMMENT ON COLUMN leadroute.delivery_endpoints.secret IS 'webhook: the HMAC-SHA256 key of the X-Leadroute-Signature header; email: the SMTP password. Write-only for admins; only leadroute_agent reads it (through claim_notifications)';
COMMENT ON COLUMN leadroute.delivery_endpoints.link_template IS 'Link to the lead in the message, {lead_id} replaced (e.g. https://crm.example.com/leads/{lead_id})';
COMMENT ON COLUMN leadroute.delivery_endpoints.mail_from IS 'email: the From address';
COMMENT ON COLUMN leadroute.delivery_endpoints.max_parallel IS 'Requests in flight to this endpoint at most, per agent (a slow endpoint holds up no other)';
COMMENT ON COLUMN leadroute.delivery_endpoints.timeout_ms IS 'A request taking longer fails (and is retried)';
COMMENT ON COLUMN leadroute.delivery_endpoints.description IS 'Free text for people';

CREATE FUNCTION leadroute._notification_endpoint(channel text, recipient text)
  RETURNS leadroute.delivery_endpoints
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT e.* FROM leadroute.delivery_endpoints e
   WHERE e.channel OPERATOR(pg_catalog.=) $1
     AND (pg_catalog.starts_with($2, e.url) OR e.is_default OR $1 OPERATOR(pg_catalog.=) 'email')
   ORDER BY pg_catalog.starts_with($2, e.url) DESC, e.is_default DESC,
            pg_catalog.length(e.url) DESC, e.name
   LIMIT 1
$$;
COMMENT ON FUNCTION leadroute._notification_endpoint(text, text) IS
  'Internal: the delivery endpoint of a recipient (longest url prefix, else the channel''s default)';

-- One line for people: why this lead reached this recipient, from the lead's decision.
CREATE FUNCTION leadroute._notification_why(n leadroute.notifications) RETURNS text
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT CASE
    WHEN n.event IN ('escalated', 'manager_alert') THEN
      pg_catalog.format('%s did not make first contact by the SLA due time: escalated %s',
                        coalesce(prev.name, 'the previous owner'),
                        CASE WHEN n.payload OPERATOR(pg_catalog.->>) 'queue' IS NULL
                             THEN 'to ' || coalesce(rep.name, 'another rep')
                             ELSE 'to queue ' || (n.payload OPERATOR(pg_catalog.->>) 'queue') END)
    WHEN n.event OPERATOR(pg_catalog.=) 'reassigned' THEN 'reassigned by hand'
    WHEN d.error IS NOT NULL THEN 'routing failed: ' || d.error
    WHEN r.name IS NOT NULL THEN
      pg_catalog.format('rule "%s" (%s)', r.name, d.routing_model) || coalesce(': ' || r.rationale, '')
    WHEN d.fallback THEN pg_catalog.format('no rule matched: default queue %s', d.queue)
    ELSE coalesce(d.routing_model, n.event)
  END
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT * FROM leadroute.decisions x
                        WHERE x.lead_id OPERATOR(pg_catalog.=) n.lead_id
                        ORDER BY x.decided_at OPERATOR(pg_catalog.<=) n.created_at DESC, x.id DESC
                        LIMIT 1) d ON true
    LEFT JOIN leadroute.rules r ON r.id OPERATOR(pg_catalog.=) d.rule_id
    LEFT JOIN leadroute.reps rep ON rep.id OPERATOR(pg_catalog.=) n.rep_id
    LEFT JOIN leadroute.reps prev
      ON prev.id OPERATOR(pg_catalog.=) (n.payload OPERATOR(pg_catalog.->>) 'previous_rep_id')::bigint
$$;
COMMENT ON FUNCTION leadroute._notification_why(leadroute.notifications) IS
  'Internal: one line saying why the notification''s lead went where it went (rule, escalation, error)';

-- ---- The delivery verbs ------------------------------------------------------------------------

CREATE TYPE leadroute.delivery AS (
  id           bigint,
  attempt      integer,
  event        text,
  lead_id      bigint,
  channel      text,
  recipient    text,
  endpoint     text,
  url          text,
  secret       text,
  mail_from    text,
  max_parallel integer,
  timeout_ms   integer,
  created_at   timestamptz,
  message      jsonb
);
COMMENT ON TYPE leadroute.delivery IS 'A claimed notification, with everything needed to send it (claim_notifications)';

-- Security definer: the agent reads no table; claiming is its only way to the outbox.
CREATE FUNCTION leadroute.claim_notifications(agent text, max_rows integer DEFAULT 50,
    visibility interval DEFAULT '60 seconds', skip_endpoints text[] DEFAULT '{}')
  RETURNS SETOF leadroute.delivery
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  attempts_allowed integer;
  abandoned bigint;
BEGIN
  IF agent IS NULL OR pg_catalog.btrim(agent) OPERATOR(pg_catalog.=) '' THEN
    RAISE EXCEPTION 'agent must name the claiming agent' USING ERRCODE = '22023',
      HINT = 'Pass a name that identifies this agent process, such as host:pid.';
  END IF;
  IF max_rows IS NULL OR max_rows < 1 THEN
    RAISE EXCEPTION 'max_rows must be at least 1' USING ERRCODE = '22023';
  END IF;
  IF visibility IS NULL OR visibility <= interval '0' THEN
    RAISE EXCEPTION 'visibility must be a positive interval' USING ERRCODE = '22023',
      HINT = 'It is how long a claimed row stays hidden from other agents; give it more than the slowest send.';
  END IF;
  -- A row whose claims all ran out without an outcome (the agent died while sending it, each
  -- time) is dead-lettered once it has had its attempts, instead of being claimed forever.
  SELECT p.max_attempts INTO attempts_allowed FROM leadroute._delivery_policy() p;
  UPDATE leadroute.notifications n
     SET dead_at = pg_catalog.now(), claimed_at = NULL,
         last_error = pg_catalog.format('claimed %s times without an outcome (did the agent stop while sending?)', n.attempts)
                      || coalesce('; last error: ' || n.last_error, '')
    FROM (SELECT x.id FROM leadroute.notifications x
           WHERE x.delivered_at IS NULL AND x.dead_at IS NULL
             AND x.visible_after OPERATOR(pg_catalog.<=) pg_catalog.now()
           ORDER BY x.id LIMIT max_rows OPERATOR(pg_catalog.*) 4) r
   WHERE n.id OPERATOR(pg_catalog.=) r.id AND n.claimed_at IS NOT NULL
     AND n.attempts OPERATOR(pg_catalog.>=) attempts_allowed
     AND n.visible_after OPERATOR(pg_catalog.<=) pg_catalog.now() AND n.dead_at IS NULL
     AND n.delivered_at IS NULL;
  GET DIAGNOSTICS abandoned = ROW_COUNT;
  IF abandoned > 0 THEN
    RAISE WARNING 'leadroute: % notification(s) dead-lettered after % claims without an outcome', abandoned, attempts_allowed
      USING HINT = 'See leadroute.notifications.last_error and the agents'' logs.';
  END IF;
  RETURN QUERY
  -- Oldest first, at most twice its max_parallel per endpoint (an agent's queue for one endpoint
  -- stays short, so a claim does not outlive its visibility in that queue), none for the
  -- endpoints the agent says are busy.
  WITH ready AS (
    SELECT n.id, coalesce(e.name, '') AS endpoint, coalesce(e.max_parallel, 4) AS cap
      FROM leadroute.notifications n
      LEFT JOIN LATERAL leadroute._notification_endpoint(n.channel, n.recipient) e ON true
     WHERE n.delivered_at IS NULL AND n.dead_at IS NULL
       AND n.visible_after OPERATOR(pg_catalog.<=) pg_catalog.now()
       AND coalesce(e.name, '') OPERATOR(pg_catalog.<>) ALL (coalesce(skip_endpoints, '{}'))
     ORDER BY n.id
     LIMIT max_rows OPERATOR(pg_catalog.*) 4
  ), spread AS (
    SELECT r.id, r.cap, pg_catalog.row_number() OVER (PARTITION BY r.endpoint ORDER BY r.id) AS nth
      FROM ready r
  ), candidates AS (
    SELECT n.id
      FROM leadroute.notifications n JOIN spread s ON s.id OPERATOR(pg_catalog.=) n.id
     WHERE s.nth OPERATOR(pg_catalog.<=) (2 OPERATOR(pg_catalog.*) s.cap)
       AND n.delivered_at IS NULL AND n.dead_at IS NULL
       AND n.visible_after OPERATOR(pg_catalog.<=) pg_catalog.now()
     ORDER BY n.id
     LIMIT max_rows
       FOR UPDATE OF n SKIP LOCKED
  ), claimed AS (
    UPDATE leadroute.notifications n
       SET attempts = n.attempts OPERATOR(pg_catalog.+) 1, claimed_by = agent,
           claimed_at = pg_catalog.now(), visible_after = pg_catalog.now() OPERATOR(pg_catalog.+) visibility
      FROM candidates c
     WHERE n.id OPERATOR(pg_catalog.=) c.id
    RETURNING n.*
  )
  SELECT c.id, c.attempts, c.event, c.lead_id, c.channel, c.recipient, e.name,
         CASE WHEN c.channel OPERATOR(pg_catalog.<>) 'email' AND c.recipient OPERATOR(pg_catalog.~) '^https?://' THEN c.recipient
              ELSE e.url END,
         e.secret, e.mail_from, e.max_parallel, e.timeout_ms, c.created_at,
         c.payload OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
           'notification_id', c.id,
           'created_at', c.created_at,
           'lead', (SELECT pg_catalog.jsonb_build_object(
                             'name', nullif(pg_catalog.concat_ws(' ', l.first_name, l.last_name), ''),
                             'email', l.email, 'company', l.company, 'title', l.title,
                             'country', l.country, 'source', l.source)
                      FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) c.lead_id),
           'why', leadroute._notification_why(ROW(c.*)::leadroute.notifications),
           'link', pg_catalog.replace(e.link_template, '{lead_id}', c.lead_id::text))
    FROM claimed c
    LEFT JOIN LATERAL leadroute._notification_endpoint(c.channel, c.recipient) e ON true
   ORDER BY c.id;
END
$body$;
COMMENT ON FUNCTION leadroute.claim_notifications(text, integer, interval, text[]) IS
  'Claims up to max_rows deliverable notifications (oldest first, FOR UPDATE SKIP LOCKED) for visibility: they are hidden from other agents until then; call in its own transaction, send, then ack or fail';

CREATE FUNCTION leadroute.ack_notifications(agent text, ids bigint[]) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH acked AS (
    UPDATE leadroute.notifications
       SET delivered_at = pg_catalog.now(), claimed_by = agent
     WHERE id OPERATOR(pg_catalog.=) ANY (ids) AND delivered_at IS NULL
    RETURNING 1)
  SELECT pg_catalog.count(*)::integer FROM acked
$$;
COMMENT ON FUNCTION leadroute.ack_notifications(text, bigint[]) IS
  'Marks notifications delivered (sent by agent); returns how many were not marked already';

CREATE FUNCTION leadroute.fail_notification(agent text, id bigint, error text,
    retry_after interval DEFAULT NULL, OUT state text, OUT retry_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  p record;
  n leadroute.notifications;
  wait interval;
BEGIN
  SELECT * INTO p FROM leadroute._delivery_policy();
  SELECT * INTO n FROM leadroute.notifications x
   WHERE x.id OPERATOR(pg_catalog.=) fail_notification.id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'notification % does not exist', fail_notification.id USING ERRCODE = 'P0002';
  END IF;
  IF n.delivered_at IS NOT NULL OR n.dead_at IS NOT NULL
     OR n.claimed_by IS DISTINCT FROM agent THEN
    state := 'ignored';   -- delivered meanwhile, dead already, or claimed again by another agent
    RETURN;
  END IF;
  IF n.attempts >= p.max_attempts THEN
    UPDATE leadroute.notifications x SET dead_at = pg_catalog.now(), last_error = error, claimed_at = NULL
     WHERE x.id OPERATOR(pg_catalog.=) n.id;
    state := 'dead';
    RAISE WARNING 'leadroute: notification % (% to %) dead-lettered after % attempts: %',
      n.id, n.channel, n.recipient, n.attempts, error;
    RETURN;
  END IF;
  -- Exponential backoff with "equal jitter": half the wait is fixed, half random.
  wait := least(p.retry_base * pg_catalog.power(2, n.attempts - 1), p.retry_max);
  wait := wait * (0.5 + pg_catalog.random() / 2);
  IF retry_after IS NOT NULL AND retry_after > wait THEN
    wait := least(retry_after, p.retry_max);
  END IF;
  retry_at := pg_catalog.now() + wait;
  UPDATE leadroute.notifications x SET visible_after = retry_at, last_error = error, claimed_at = NULL
   WHERE x.id OPERATOR(pg_catalog.=) n.id;
  state := 'retry';
END
$body$;
COMMENT ON FUNCTION leadroute.fail_notification(text, bigint, text, interval) IS
  'Records a failed send of a claimed notification: retried after an exponential backoff with jitter (at least retry_after), or dead-lettered after delivery_settings.max_attempts attempts';

CREATE FUNCTION leadroute.outbox_depth(OUT ready bigint, OUT waiting bigint, OUT in_flight bigint,
    OUT dead bigint, OUT oldest_ready_seconds double precision)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT pg_catalog.count(*) FILTER (WHERE dead_at IS NULL AND visible_after <= pg_catalog.now()),
         pg_catalog.count(*) FILTER (WHERE dead_at IS NULL AND visible_after > pg_catalog.now() AND claimed_at IS NULL),
         pg_catalog.count(*) FILTER (WHERE dead_at IS NULL AND visible_after > pg_catalog.now() AND claimed_at IS NOT NULL),
         pg_catalog.count(*) FILTER (WHERE dead_at IS NOT NULL),
         EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.min(created_at)
                              FILTER (WHERE dead_at IS NULL AND visible_after <= pg_catalog.now()))::double precision
    FROM leadroute.notifications WHERE delivered_at IS NULL
$$;
COMMENT ON FUNCTION leadroute.outbox_depth() IS
  'Undelivered notifications: ready to claim, waiting for a retry, claimed (in flight), dead-lettered; and the age of the oldest ready one';

-- Delivered notifications are purged by purge_notifications() (87_operations_functions.sql), with
-- the retention of leadroute.retention: one setting and one routine for every kind of history.
