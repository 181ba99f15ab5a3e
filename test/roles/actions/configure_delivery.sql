INSERT INTO leadroute.queues (name, notify_channel, notify_address) VALUES ('roles_queue', 'email', 'queue@example.com');
INSERT INTO leadroute.delivery_settings (admin_channel, admin_address) VALUES ('email', 'ops@example.com')
  ON CONFLICT (singleton) DO UPDATE SET admin_address = EXCLUDED.admin_address;
INSERT INTO leadroute.delivery_endpoints (name, channel, url, secret) VALUES ('roles_hook', 'webhook', 'https://hooks.example.com/', 'k1');
UPDATE leadroute.delivery_endpoints SET secret = 'k2' WHERE name = 'roles_hook';
