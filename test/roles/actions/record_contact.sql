SELECT leadroute.record_contact(:own_lead);
