#include "core/lead/domain.h"

#include <libpsl.h>
#include <unicode/bytestream.h>
#include <unicode/idna.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cctype>
#include <memory>

#include "core/lead/text.h"

namespace leadroute {

namespace {

// The newest list available: libpsl's built-in copy or Debian's publicsuffix package, whichever
// is newer. Loaded on first use and kept for the life of the process.
const psl_ctx_t* public_suffix_list() {
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest ? latest : psl_builtin();
  }();
  return ctx;
}

const icu::IDNA* uts46() {
  static const icu::IDNA* idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    icu::IDNA* p = icu::IDNA::createUTS46Instance(
        UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ, status);
    return U_SUCCESS(status) ? p : nullptr;
  }();
  return idna;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// DNS name rules on an ASCII lower-case host: labels of 1..63 characters, no leading or trailing
// hyphen, 253 characters in all, and a last label that is not numeric (that would be an IPv4).
bool valid_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t start = 0;
  std::string_view last;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view label = host.substr(start, dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_host_char(c)) return false;
    last = label;
    start = dot + 1;
    if (dot == host.size()) break;
  }
  return !all_digits(last);
}

std::string_view strip_prefix_ci(std::string_view s, std::string_view prefix) {
  if (s.size() >= prefix.size() && iequals_ascii(s.substr(0, prefix.size()), prefix))
    return s.substr(prefix.size());
  return s;
}

}  // namespace

std::string normalize_email(std::string_view email) {
  std::string_view s = trim(email);
  size_t lt = s.rfind('<');
  if (lt != std::string_view::npos) {
    size_t gt = s.find('>', lt);
    if (gt != std::string_view::npos) s = trim(s.substr(lt + 1, gt - lt - 1));
  }
  s = trim(strip_prefix_ci(s, "mailto:"));
  if (is_ascii(s)) return ascii_lower(s);
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::optional<std::string> canonical_host(std::string_view host) {
  host = trim(host);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 1024) return std::nullopt;
  if (host.front() == '[' || host.find(':') != std::string_view::npos) return std::nullopt;  // IPv6
  std::string ascii;
  if (is_ascii(host)) {
    ascii = ascii_lower(host);
  } else {
    const icu::IDNA* idna = uts46();
    if (!idna) return std::nullopt;
    UErrorCode status = U_ZERO_ERROR;
    icu::IDNAInfo info;
    icu::StringByteSink<std::string> sink(&ascii);
    idna->nameToASCII_UTF8(icu::StringPiece(host.data(), static_cast<int32_t>(host.size())), sink,
                           info, status);
    if (U_FAILURE(status) || info.hasErrors()) return std::nullopt;
    ascii = ascii_lower(ascii);
    while (!ascii.empty() && ascii.back() == '.') ascii.pop_back();
  }
  if (!valid_dns_name(ascii)) return std::nullopt;
  return ascii;
}

std::optional<std::string> registrable_domain(std::string_view canonical) {
  if (canonical.empty() || canonical.find('.') == std::string_view::npos) return std::nullopt;
  std::string host(canonical);
  const char* reg = psl_registrable_domain(public_suffix_list(), host.c_str());
  if (!reg) return std::nullopt;
  return std::string(reg);
}

std::optional<std::string> email_host(std::string_view email) {
  std::string normalized = normalize_email(email);
  size_t at = normalized.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  std::string_view host = std::string_view(normalized).substr(at + 1);
  return canonical_host(host);
}

std::optional<std::string> url_host(std::string_view url) {
  std::string_view s = trim(url);
  // Schemes, possibly doubled by a careless form ("https://https://acme.com"), and "//".
  for (bool stripped = true; stripped;) {
    stripped = false;
    size_t colon = s.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      std::string_view scheme = s.substr(0, colon);
      bool is_scheme =
          (scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z');
      for (char c : scheme)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'))
          is_scheme = false;
      std::string_view rest = s.substr(colon + 1);
      bool slashes = rest.size() >= 2 && rest[0] == '/' && rest[1] == '/';
      if (is_scheme &&
          (slashes || iequals_ascii(scheme, "http") || iequals_ascii(scheme, "https"))) {
        s = rest;
        stripped = true;
      }
    }
    while (!s.empty() && (s.front() == '/' || s.front() == '\\')) {
      s.remove_prefix(1);
      stripped = true;
    }
    s = trim(s);
  }
  size_t end = s.find_first_of("/?#\\ \t");
  if (end != std::string_view::npos) s = s.substr(0, end);
  size_t at = s.rfind('@');
  if (at != std::string_view::npos) s = s.substr(at + 1);
  if (!s.empty() && s.front() == '[') return std::nullopt;  // IPv6 literal
  size_t colon = s.rfind(':');
  if (colon != std::string_view::npos) s = s.substr(0, colon);
  return canonical_host(s);
}

std::optional<std::string> email_domain(std::string_view email) {
  auto host = email_host(email);
  if (!host) return std::nullopt;
  return registrable_domain(*host);
}

std::optional<std::string> website_domain(std::string_view url) {
  auto host = url_host(url);
  if (!host) return std::nullopt;
  return registrable_domain(*host);
}

std::optional<std::string> domain_of(std::string_view email_or_url) {
  std::string_view s = trim(email_or_url);
  bool has_scheme = s.find("://") != std::string_view::npos;
  if (!has_scheme && s.find('@') != std::string_view::npos) return email_domain(s);
  return website_domain(s);
}

namespace {

bool looks_like_ip(std::string_view host) {
  host = trim(host);
  if (!host.empty() && (host.front() == '[' || host.find(':') != std::string_view::npos))
    return true;
  size_t dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
      continue;
    }
    if (c < '0' || c > '9') return false;
  }
  return !host.empty() && dots <= 3;
}

}  // namespace

DomainProblem account_domain(std::string_view input, std::string* out) {
  std::string_view s = trim(input);
  if (s.empty()) return DomainProblem::Empty;
  std::optional<std::string> host;
  bool has_scheme = s.find("://") != std::string_view::npos;
  if (!has_scheme && s.find('@') != std::string_view::npos)
    host = email_host(s);
  else
    host = url_host(s);
  if (!host) {
    // url_host rejects IPv6 literals and IPv4 addresses as hosts; say which.
    std::string_view bare = s;
    size_t scheme = bare.find("://");
    if (scheme != std::string_view::npos) bare = bare.substr(scheme + 3);
    bare = bare.substr(0, bare.find_first_of("/?#"));
    if (looks_like_ip(bare) || looks_like_ip(bare.substr(0, bare.rfind(':'))))
      return DomainProblem::IpAddress;
    return DomainProblem::NotADomain;
  }
  if (host->find('.') == std::string::npos) return DomainProblem::NotADomain;  // "n/a", "acme"
  auto registrable = registrable_domain(*host);
  if (!registrable) return DomainProblem::PublicSuffix;
  *out = *registrable;
  return DomainProblem::None;
}

const char* domain_problem_text(DomainProblem p) {
  switch (p) {
    case DomainProblem::None:
      return "";
    case DomainProblem::Empty:
      return "is empty";
    case DomainProblem::IpAddress:
      return "is an IP address, not a domain";
    case DomainProblem::PublicSuffix:
      return "is a public suffix (like co.uk or com), not a company's domain";
    case DomainProblem::NotADomain:
      return "is not a valid domain name";
  }
  return "";
}

}  // namespace leadroute
