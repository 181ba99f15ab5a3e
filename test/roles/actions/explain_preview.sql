SELECT leadroute.explain(:own_lead);
SELECT leadroute.preview('{"country": "US", "source": "demo_request"}');
