SELECT count(*) FROM leadroute.claim_notifications('roles-test', 1, '1 second');
SELECT leadroute.ack_notifications('roles-test', '{}');
SELECT ready FROM leadroute.outbox_depth();
