-- email_domain() gives the registrable domain of an email or a URL, NULL when there is none.
SELECT left(input, 40) AS input, leadroute.email_domain(input) AS domain
  FROM (VALUES ('John@Sub.App.Acme.CO.UK'), ('jane@eu.acme.com'), ('Jane Doe <Jane@Acme.com>'),
               ('mailto:info@acme.com'), ('a@b@c.com'), ('https://www.Acme.com/about?x=1#top'),
               ('http://shop.acme.co.uk:8080/path'), ('https://https://acme.com'), ('  ACME.COM.  '),
               ('foo.github.io'), ('user.blogspot.com'), ('jürgen@müller.de'), ('info@例え.jp'),
               (''), ('@'), ('a@'), ('noatsign'), ('localhost'), ('co.uk'), ('192.168.1.1'),
               ('http://[::1]:8080/'), ('a@-bad-.com'), (repeat('x', 10000))) AS t(input);
SELECT leadroute.email_domain(NULL) IS NULL AS null_in_null_out;
-- Routing normalizes the stored lead: trimmed text, empty strings as NULL, lower-case email,
-- ISO country codes.
INSERT INTO leadroute.leads (email, company, country, city)
VALUES ('  MIXED.Case@Example.ORG  ', '  Acme  ', 'Deutschland', '   '),
       ('x@y.fr', 'Société Générale', 'côte d''ivoire', 'Abidjan'),
       ('x@y.co.uk', NULL, 'U.K.', NULL),
       ('x@y.com', NULL, 'Narnia', NULL)
RETURNING email, email_domain, company, country, city;
DELETE FROM leadroute.leads;
