-- Leads and the engine's record of what it decided. Inserting a lead routes it (the trigger
-- _route_trigger); decisions and assignments are written by the engine in the same transaction.

-- Lead ids come from leads_id_seq through _new_lead_id(), which also tells the routing trigger that
-- this id was generated and not supplied by the inserting role (only the extension owner and
-- superusers may supply ids: a forged id ahead of the sequence would make later inserts fail).
CREATE SEQUENCE leadroute.leads_id_seq;
CREATE FUNCTION leadroute._new_lead_id() RETURNS bigint
  LANGUAGE c VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'leadroute_new_lead_id';
COMMENT ON FUNCTION leadroute._new_lead_id() IS
  'Internal: the default of leads.id (nextval of leads_id_seq, remembered so the routing trigger can tell a generated id from a supplied one)';

CREATE TABLE leadroute.leads (
  id               bigint NOT NULL DEFAULT leadroute._new_lead_id() PRIMARY KEY,
  -- inputs
  email            text,
  first_name       text,
  last_name        text,
  company          text,
  website          text,
  phone            text,
  title            text,
  country          text,
  state            text,
  city             text,
  postal_code      text,
  employees        integer CHECK (employees >= 0),
  industry         text,
  source           text,
  product_interest text[],
  score            integer,
  language         text,
  attributes       jsonb NOT NULL DEFAULT '{}',
  captured_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
  -- outputs, set by routing
  email_domain     text,
  is_freemail      boolean,
  account_id       bigint,
  match_tier       text CHECK (match_tier IN ('email_domain', 'website', 'company', 'fuzzy')),
  owner_id         bigint,
  status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('assigned', 'queued', 'nurture', 'contacted', 'converted',
                                       'lost', 'disqualified')),
  queue            text,
  rule_id          bigint,
  pool_id          bigint,
  routing_model    text CHECK (routing_model IN ('round_robin', 'weighted_round_robin', 'territory',
                                                 'skills', 'capacity', 'performance', 'points',
                                                 'account', 'queue', 'nurture', 'fallback')),
  routed_at        timestamptz,
  sla_due_at       timestamptz,
  sla_policy_id    bigint,
  first_contact_at timestamptz,
  escalations      integer NOT NULL DEFAULT 0 CHECK (escalations >= 0),
  converted_at     timestamptz,
  -- A lead always ends with an owner or a queue.
  CONSTRAINT leads_assigned_has_owner CHECK (status <> 'assigned' OR owner_id IS NOT NULL),
  CONSTRAINT leads_queued_has_queue CHECK (status <> 'queued' OR queue IS NOT NULL)
);
COMMENT ON TABLE leadroute.leads IS 'Inbound leads; every INSERT or COPY routes each row (a row that arrives with routed_at set is stored as is: imports and restores)';
COMMENT ON COLUMN leadroute.leads.id IS 'Lead id (from leads_id_seq; supplied ids are refused except for the extension owner and superusers)';
ALTER SEQUENCE leadroute.leads_id_seq OWNED BY leadroute.leads.id;
COMMENT ON COLUMN leadroute.leads.email IS 'Email address; trimmed and lower-cased by routing';
COMMENT ON COLUMN leadroute.leads.first_name IS 'First name';
COMMENT ON COLUMN leadroute.leads.last_name IS 'Last name';
COMMENT ON COLUMN leadroute.leads.company IS 'Company name as entered';
COMMENT ON COLUMN leadroute.leads.website IS 'Company website as entered';
COMMENT ON COLUMN leadroute.leads.phone IS 'Phone number';
COMMENT ON COLUMN leadroute.leads.title IS 'Job title';
COMMENT ON COLUMN leadroute.leads.country IS 'Country; routing stores the ISO 3166-1 alpha-2 code when it recognises the name (Deutschland -> DE)';
COMMENT ON COLUMN leadroute.leads.state IS 'State or region';
COMMENT ON COLUMN leadroute.leads.city IS 'City';
COMMENT ON COLUMN leadroute.leads.postal_code IS 'Postal code';
COMMENT ON COLUMN leadroute.leads.employees IS 'Company size in employees';
COMMENT ON COLUMN leadroute.leads.industry IS 'Industry';
COMMENT ON COLUMN leadroute.leads.source IS 'Lead source: demo_request, pricing_page, webinar, content, partner, ...';
COMMENT ON COLUMN leadroute.leads.product_interest IS 'Products of interest';
COMMENT ON COLUMN leadroute.leads.score IS 'Lead score';
COMMENT ON COLUMN leadroute.leads.language IS 'Preferred language (en, de, ...)';
COMMENT ON COLUMN leadroute.leads.attributes IS 'Any other inputs; rules read them as attributes.<key>';
COMMENT ON COLUMN leadroute.leads.captured_at IS 'When the lead was captured (form submitted); speed to lead starts here';
COMMENT ON COLUMN leadroute.leads.email_domain IS 'Output: registrable domain of the email (acme.co.uk)';
COMMENT ON COLUMN leadroute.leads.is_freemail IS 'Output: the email domain is a free-mail, disposable or typo domain';
COMMENT ON COLUMN leadroute.leads.account_id IS 'Output: matched account';
COMMENT ON COLUMN leadroute.leads.match_tier IS 'Output: how the account matched (email_domain, website, company, fuzzy)';
COMMENT ON COLUMN leadroute.leads.owner_id IS 'Output: the rep who owns the lead (NULL while queued)';
COMMENT ON COLUMN leadroute.leads.status IS 'assigned, queued or nurture after routing; then contacted, converted, lost or disqualified';
COMMENT ON COLUMN leadroute.leads.queue IS 'Output: queue holding the lead when no rep owns it (the default queue is leadroute.default_queue; routing_error holds leads whose routing failed)';
COMMENT ON COLUMN leadroute.leads.rule_id IS 'Output: the rule that placed the lead';
COMMENT ON COLUMN leadroute.leads.pool_id IS 'Output: the pool the owner was picked from (escalation picks the next member of it)';
COMMENT ON COLUMN leadroute.leads.sla_policy_id IS 'Output: the SLA policy that set sla_due_at';
COMMENT ON COLUMN leadroute.leads.routing_model IS 'Output: the routing model that placed the lead';
COMMENT ON COLUMN leadroute.leads.routed_at IS 'Output: when routing first placed the lead (reroute() keeps it; the decisions and assignments tables have every later placement)';
COMMENT ON COLUMN leadroute.leads.sla_due_at IS 'Output: first contact is due by then';
COMMENT ON COLUMN leadroute.leads.first_contact_at IS 'When the owner first contacted the lead';
COMMENT ON COLUMN leadroute.leads.escalations IS 'How many times the lead was escalated for a missed SLA';
COMMENT ON COLUMN leadroute.leads.converted_at IS 'When the lead converted';

CREATE INDEX leads_owner_open_idx ON leadroute.leads (owner_id)
  WHERE status IN ('assigned', 'contacted');
CREATE INDEX leads_queue_idx ON leadroute.leads (queue) WHERE status = 'queued';
CREATE INDEX leads_account_id_idx ON leadroute.leads (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX leads_sla_due_idx ON leadroute.leads (sla_due_at)
  WHERE status = 'assigned' AND first_contact_at IS NULL;
CREATE INDEX leads_outcome_idx ON leadroute.leads (owner_id, routed_at) WHERE status IN ('converted', 'lost');

-- The engine's audit log. Rows reference leads and configuration by id without foreign keys: a
-- foreign key would lock the rep and rule rows for every routed lead (multixacts under
-- concurrency) and would forbid keeping history for deleted rules.
CREATE TABLE leadroute.decisions (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  lead_id       bigint NOT NULL,
  decided_at    timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  kind          text NOT NULL DEFAULT 'routed' CHECK (kind IN ('routed', 'rerouted', 'escalated', 'imported')),
  status        text NOT NULL CHECK (status IN ('assigned', 'queued', 'nurture')),
  rule_id       bigint,
  pool_id       bigint,
  routing_model text NOT NULL,
  owner_id      bigint,
  queue         text,
  fallback      boolean NOT NULL,
  trace         jsonb,
  duration_us   integer,
  error         text
);
CREATE INDEX decisions_lead_id_idx ON leadroute.decisions (lead_id);
COMMENT ON TABLE leadroute.decisions IS 'One row per routing decision, with the trace that explain() renders';
COMMENT ON COLUMN leadroute.decisions.id IS 'Decision id';
COMMENT ON COLUMN leadroute.decisions.lead_id IS 'The lead';
COMMENT ON COLUMN leadroute.decisions.decided_at IS 'When the decision was made';
COMMENT ON COLUMN leadroute.decisions.kind IS 'routed (on insert), rerouted (reroute()), escalated (SLA) or imported (import_leads(): the lead came with its routing)';
COMMENT ON COLUMN leadroute.decisions.status IS 'The status routing gave the lead';
COMMENT ON COLUMN leadroute.decisions.rule_id IS 'The matched rule, if any';
COMMENT ON COLUMN leadroute.decisions.pool_id IS 'The pool the rep was picked from, if any';
COMMENT ON COLUMN leadroute.decisions.routing_model IS 'The routing model that placed the lead';
COMMENT ON COLUMN leadroute.decisions.owner_id IS 'The rep picked, if any';
COMMENT ON COLUMN leadroute.decisions.queue IS 'The queue picked, if any';
COMMENT ON COLUMN leadroute.decisions.fallback IS 'true when placed by a catch-all rule or the default queue';
COMMENT ON COLUMN leadroute.decisions.trace IS 'Rules tried, candidates and the pick (detail set by leadroute.trace)';
COMMENT ON COLUMN leadroute.decisions.duration_us IS 'Time spent deciding, in microseconds';
COMMENT ON COLUMN leadroute.decisions.error IS 'The error, when routing failed and the lead went to the routing_error queue';

CREATE TABLE leadroute.assignments (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  lead_id     bigint NOT NULL,
  rep_id      bigint,
  queue       text,
  reason      text NOT NULL CHECK (reason IN ('routed', 'escalated', 'manual', 'rerouted')),
  rule_id     bigint,
  pool_id     bigint,
  assigned_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  assigned_by text NOT NULL DEFAULT CURRENT_USER,
  sla_due_at  timestamptz,
  sla_policy_id bigint,
  points      numeric,
  CONSTRAINT assignments_rep_or_queue CHECK (rep_id IS NOT NULL OR queue IS NOT NULL)
);
CREATE INDEX assignments_lead_id_idx ON leadroute.assignments (lead_id);
CREATE INDEX assignments_rep_time_idx ON leadroute.assignments (rep_id, assigned_at);
-- Points pools read each member's points over the last 30 days (one index-only scan per
-- transaction and pool).
CREATE INDEX assignments_points_idx ON leadroute.assignments (pool_id, assigned_at)
  INCLUDE (rep_id, points) WHERE points IS NOT NULL;
COMMENT ON TABLE leadroute.assignments IS 'Ownership history: every time a lead gets a rep (or moves to a queue by escalation or by hand)';
COMMENT ON COLUMN leadroute.assignments.id IS 'Assignment id';
COMMENT ON COLUMN leadroute.assignments.lead_id IS 'The lead';
COMMENT ON COLUMN leadroute.assignments.rep_id IS 'The new owner';
COMMENT ON COLUMN leadroute.assignments.queue IS 'The queue, when the lead moved to a queue';
COMMENT ON COLUMN leadroute.assignments.reason IS 'routed, escalated, manual or rerouted';
COMMENT ON COLUMN leadroute.assignments.rule_id IS 'The rule behind a routed or rerouted assignment';
COMMENT ON COLUMN leadroute.assignments.pool_id IS 'The pool the rep was picked from, if any';
COMMENT ON COLUMN leadroute.assignments.assigned_at IS 'When';
COMMENT ON COLUMN leadroute.assignments.sla_due_at IS 'First contact was due by then for this assignment (SLA adherence is judged against it)';
COMMENT ON COLUMN leadroute.assignments.sla_policy_id IS 'The SLA policy of this assignment';
COMMENT ON COLUMN leadroute.assignments.points IS 'points pools: what the lead was worth to the pool (pools.points); NULL for other pools';
COMMENT ON COLUMN leadroute.assignments.assigned_by IS 'Database user who made the change (the engine records the inserting user)';
