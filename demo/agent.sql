-- Delivery for the demo (docs/agent.md): leadroute-agent sends the outbox to a local receiver
-- (test/agent/receiver.py) started by scripts/demo.sh. psql variables: http (its base URL) and
-- smtp (its SMTP URL).
\set ON_ERROR_STOP on
-- Two reps on Slack, one on a webhook (the CRM), the rest by e-mail (the default).
UPDATE leadroute.reps SET notify_channel = 'slack', notify_address = 'U02MCHEN' WHERE id = 1;
UPDATE leadroute.reps SET notify_channel = 'slack', notify_address = 'U02RSTEIN' WHERE id = 8;
UPDATE leadroute.reps SET notify_channel = 'webhook', notify_address = :'http' || '/ok/crm/jonas' WHERE id = 7;
-- The partner desk has its own Slack channel; the nurture track tells nobody; routing_error and
-- the default queue go to the admins' channel.
INSERT INTO leadroute.queues (name, notify_channel, notify_address, description) VALUES
  ('partner_desk', 'slack', :'http' || '/ok/slack/partner-desk', 'Partner managers, #partner-desk'),
  ('newsletter', 'none', NULL, 'Nurture by the marketing newsletter, nobody to call');
INSERT INTO leadroute.delivery_settings (admin_channel, admin_address)
VALUES ('slack', :'http' || '/ok/slack/sales-ops');
INSERT INTO leadroute.delivery_endpoints (name, channel, url, is_default, secret, link_template, mail_from, description) VALUES
  ('slack', 'slack', :'http' || '/ok/slack/sales', true, NULL, 'https://crm.example.com/leads/{lead_id}', NULL,
   'The #sales incoming webhook; member ids are mentioned there'),
  ('crm', 'webhook', :'http' || '/ok/crm/', false, 'demo-secret', NULL, NULL, 'The CRM''s lead webhook'),
  ('mail', 'email', :'smtp', true, NULL, 'https://crm.example.com/leads/{lead_id}', 'leadroute@example.com',
   'The local SMTP relay');
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'demo_agent') THEN
    CREATE ROLE demo_agent LOGIN IN ROLE leadroute_agent;
  END IF;
END $$;
