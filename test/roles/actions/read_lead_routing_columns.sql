SELECT id, owner_id, status, queue, sla_due_at FROM leadroute.leads LIMIT 1;
