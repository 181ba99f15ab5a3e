// Email, website and registrable-domain normalization (libpsl + UTS #46).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/lead/domain.h"

namespace leadroute {
namespace {

const std::optional<std::string> kNone = std::nullopt;

TEST(EmailDomain, RegistrableDomainOfSubdomains) {
  EXPECT_EQ(email_domain("John@Sub.App.Acme.CO.UK"), "acme.co.uk");
  EXPECT_EQ(email_domain("john@eu.acme.com"), "acme.com");
  EXPECT_EQ(email_domain("john@acme.com"), "acme.com");
}

TEST(EmailDomain, PrivatePublicSuffixSection) {
  EXPECT_EQ(email_domain("dev@foo.github.io"), "foo.github.io");
  EXPECT_EQ(website_domain("https://foo.github.io/project"), "foo.github.io");
  EXPECT_NE(website_domain("foo.github.io"), website_domain("bar.github.io"));
}

TEST(EmailDomain, SimilarDomainsStayDistinct) {
  EXPECT_EQ(email_domain("a@acme.co.uk"), "acme.co.uk");
  EXPECT_EQ(email_domain("a@acme.com"), "acme.com");
  EXPECT_NE(email_domain("a@acme.co.uk"), email_domain("a@acme.com"));
}

TEST(EmailDomain, InternationalizedDomains) {
  EXPECT_EQ(email_domain("jürgen@müller.de"), "xn--mller-kva.de");
  EXPECT_EQ(email_domain("JÜRGEN@MÜLLER.DE"), "xn--mller-kva.de");
  EXPECT_EQ(email_domain("x@xn--mller-kva.de"), "xn--mller-kva.de");
  EXPECT_EQ(canonical_host("Müller.de"), "xn--mller-kva.de");
}

TEST(EmailDomain, DisplayNameAndMailto) {
  EXPECT_EQ(email_domain("Jane Doe <Jane@Acme.com>"), "acme.com");
  EXPECT_EQ(email_domain("mailto:jane@acme.com"), "acme.com");
  EXPECT_EQ(email_domain("  jane@acme.com  "), "acme.com");
}

TEST(EmailDomain, UsesTheLastAtSign) {
  EXPECT_EQ(email_domain("a@b@c.com"), "c.com");
  EXPECT_EQ(email_host("a@b@c.com"), "c.com");
}

TEST(EmailDomain, MalformedAddressesHaveNoDomain) {
  for (const char* email : {"", "@", "a@", "noatsign", "a@localhost", "a@co.uk", "a@192.168.1.1",
                            "a@[::1]", "a@-acme.com", "a@acme..com", "a@ac me.com", "a@.com"})
    EXPECT_EQ(email_domain(email), kNone) << email;
}

TEST(EmailDomain, HugeInputsHaveNoDomain) {
  EXPECT_EQ(email_domain(std::string(10000, 'a')), kNone);
  EXPECT_EQ(email_domain("a@" + std::string(10000, 'b') + ".com"), kNone);
  std::string labels;
  for (int i = 0; i < 2500; ++i) labels += "ab.";
  EXPECT_EQ(email_domain("a@" + labels + "com"), kNone);
}

TEST(EmailHost, KeepsTheFullHost) {
  EXPECT_EQ(email_host("John@Sub.App.Acme.CO.UK"), "sub.app.acme.co.uk");
  EXPECT_EQ(email_host("a@localhost"), "localhost");
  EXPECT_EQ(email_host("noatsign"), kNone);
}

TEST(WebsiteDomain, UrlForms) {
  EXPECT_EQ(website_domain("https://www.Acme.com/about"), "acme.com");
  EXPECT_EQ(website_domain("http://acme.com:8080/x?y#z"), "acme.com");
  EXPECT_EQ(website_domain("  ACME.COM.  "), "acme.com");
  EXPECT_EQ(website_domain("https://https://acme.com"), "acme.com");
  EXPECT_EQ(website_domain("//acme.com"), "acme.com");
  EXPECT_EQ(website_domain("https://user@acme.com/"), "acme.com");
  EXPECT_EQ(website_domain("https://user:secret@www.acme.com:443/path"), "acme.com");
  EXPECT_EQ(website_domain("acme.com?ref=x"), "acme.com");
  EXPECT_EQ(website_domain("acme.com#top"), "acme.com");
  EXPECT_EQ(website_domain("HTTPS://WWW.ACME.CO.UK"), "acme.co.uk");
  EXPECT_EQ(website_domain("www.müller.de/impressum"), "xn--mller-kva.de");
}

TEST(WebsiteDomain, NotAWebsite) {
  for (const char* url :
       {"", "  ", "localhost", "http://localhost:3000", "co.uk", "https://co.uk/", "192.168.1.1",
        "http://192.168.1.1/admin", "[::1]", "http://[::1]:80/", "http://", "https:///", "n/a"})
    EXPECT_EQ(website_domain(url), kNone) << url;
  EXPECT_EQ(website_domain(std::string(10000, 'a')), kNone);
  std::string text;
  while (text.size() < 10000) text += "lorem ipsum dolor sit amet ";
  EXPECT_EQ(website_domain(text), kNone);
}

TEST(DomainOf, EmailOrUrl) {
  EXPECT_EQ(domain_of("John@Sub.App.Acme.CO.UK"), "acme.co.uk");
  EXPECT_EQ(domain_of("user@acme.com"), "acme.com");
  EXPECT_EQ(domain_of("https://user@acme.com/x"), "acme.com");
  EXPECT_EQ(domain_of("www.acme.com"), "acme.com");
  EXPECT_EQ(domain_of("Jane Doe <Jane@Acme.com>"), "acme.com");
  EXPECT_EQ(domain_of("a@b@c.com"), "c.com");
  EXPECT_EQ(domain_of(""), kNone);
  EXPECT_EQ(domain_of("@"), kNone);
  EXPECT_EQ(domain_of("a@"), kNone);
  EXPECT_EQ(domain_of("noatsign"), kNone);
}

TEST(CanonicalHost, Forms) {
  EXPECT_EQ(canonical_host("Acme.COM."), "acme.com");
  EXPECT_EQ(canonical_host("  acme.com  "), "acme.com");
  EXPECT_EQ(canonical_host("localhost"), "localhost");
  EXPECT_EQ(canonical_host("192.168.1.1"), kNone);
  EXPECT_EQ(canonical_host("[::1]"), kNone);
  EXPECT_EQ(canonical_host("::1"), kNone);
  EXPECT_EQ(canonical_host("-acme.com"), kNone);
  EXPECT_EQ(canonical_host("acme-.com"), kNone);
  EXPECT_EQ(canonical_host(std::string(64, 'a') + ".com"), kNone);
  EXPECT_EQ(canonical_host(std::string(63, 'a') + ".com"), std::string(63, 'a') + ".com");
  EXPECT_EQ(canonical_host(""), kNone);
  EXPECT_EQ(canonical_host("."), kNone);
  EXPECT_EQ(canonical_host("acme。com"), "acme.com");  // ideographic full stop (UTS #46)
}

TEST(RegistrableDomain, PublicSuffixes) {
  EXPECT_EQ(registrable_domain("sub.app.acme.co.uk"), "acme.co.uk");
  EXPECT_EQ(registrable_domain("acme.co.uk"), "acme.co.uk");
  EXPECT_EQ(registrable_domain("co.uk"), kNone);
  EXPECT_EQ(registrable_domain("com"), kNone);
  EXPECT_EQ(registrable_domain("localhost"), kNone);
  EXPECT_EQ(registrable_domain(""), kNone);
  EXPECT_EQ(registrable_domain("foo.github.io"), "foo.github.io");
  EXPECT_EQ(registrable_domain("a.b.foo.github.io"), "foo.github.io");
}

TEST(NormalizeEmail, Forms) {
  EXPECT_EQ(normalize_email("  John.Doe@Acme.COM "), "john.doe@acme.com");
  EXPECT_EQ(normalize_email("Jane Doe <Jane@Acme.com>"), "jane@acme.com");
  EXPECT_EQ(normalize_email("MAILTO:Jane@Acme.com"), "jane@acme.com");
  EXPECT_EQ(normalize_email("JÜRGEN@MÜLLER.DE"), "jürgen@müller.de");
  EXPECT_EQ(normalize_email(""), "");
  EXPECT_EQ(normalize_email("   "), "");
}

TEST(UrlHost, KeepsSubdomains) {
  EXPECT_EQ(url_host("https://www.Acme.com/about"), "www.acme.com");
  EXPECT_EQ(url_host("acme.com:8080"), "acme.com");
  EXPECT_EQ(url_host("http://"), kNone);
}

}  // namespace
}  // namespace leadroute
