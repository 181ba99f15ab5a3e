// libFuzzer: the email, website, domain, company and country normalizers on arbitrary bytes.
// They must never crash, hang or produce invalid UTF-8 from valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/lead/company.h"
#include "core/lead/domain.h"
#include "core/lead/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)leadroute::normalize_email(input);
  (void)leadroute::email_domain(input);
  (void)leadroute::website_domain(input);
  (void)leadroute::domain_of(input);
  std::string domain;
  (void)leadroute::account_domain(input, &domain);
  std::string company = leadroute::normalize_company(input);
  (void)leadroute::country_code(input);
  // Normalizing twice changes nothing.
  if (leadroute::normalize_company(company) != company && !company.empty()) {
    // Suffix stripping can expose another suffix ("acme co inc" → "acme co" → "acme"); the second
    // pass may go further, but it must never grow the name.
    if (leadroute::normalize_company(company).size() > company.size()) __builtin_trap();
  }
  return 0;
}
