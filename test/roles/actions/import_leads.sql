SELECT 1 / leadroute.import_leads('public.crm_history'::regclass)::int;
