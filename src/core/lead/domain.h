// Email, website and domain normalization (docs/architecture.md). A registrable domain is the
// public suffix plus one label (libpsl, ICANN and private sections): sub.app.acme.co.uk →
// acme.co.uk, foo.github.io → foo.github.io.
#pragma once
#include "core/util/core_guard.h"

#include <optional>
#include <string>
#include <string_view>

namespace leadroute {

// Trims, unwraps "Name <addr>" and "mailto:", lower-cases. Empty input gives "".
std::string normalize_email(std::string_view email);

// The host of an email address (after the last @), as canonical ASCII; nullopt when malformed.
std::optional<std::string> email_host(std::string_view email);

// The host of a URL or bare domain: schemes (even doubled), userinfo, port, path, query,
// fragment, trailing dots and whitespace removed; canonical ASCII; nullopt when there is none.
std::optional<std::string> url_host(std::string_view url);

// Lower-case ASCII form of a host name (IDN → punycode by UTS #46); nullopt for IP addresses and
// anything that is not a valid DNS name.
std::optional<std::string> canonical_host(std::string_view host);

// Registrable domain of a canonical host; nullopt for a bare public suffix or a single label.
std::optional<std::string> registrable_domain(std::string_view canonical);

// Registrable domain of an email address or a URL (an input with @ and no scheme is an email).
std::optional<std::string> domain_of(std::string_view email_or_url);

// Registrable domain of an email address.
std::optional<std::string> email_domain(std::string_view email);

// Registrable domain of a website.
std::optional<std::string> website_domain(std::string_view url);

// Why a value cannot be an account's domain, or nullopt with the registrable domain in *out.
// Accepts a bare domain, a URL or an email address.
enum class DomainProblem { None, Empty, IpAddress, PublicSuffix, NotADomain };
DomainProblem account_domain(std::string_view input, std::string* out);
const char* domain_problem_text(DomainProblem p);

}  // namespace leadroute
