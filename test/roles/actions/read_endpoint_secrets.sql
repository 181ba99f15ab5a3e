SELECT secret FROM leadroute.delivery_endpoints;
