// leadroute._library_info(): what the loaded library was built with and runs on, for
// leadroute.version_info() (the SQL function adds the installed extension version and the
// shipped free-mail list). Like postgis_full_version(): the first thing a bug report needs.
#include <libpsl.h>
#include <sys/stat.h>
#include <unicode/uversion.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "pg/boundary/errors.h"

using namespace leadroute::pg;

#ifndef LEADROUTE_LIBRARY_VERSION
#define LEADROUTE_LIBRARY_VERSION "unknown"
#endif

namespace {

std::string utc_date(time_t t) {
  if (t <= 0) return "";
  char buf[32];
  struct tm parts;
  gmtime_r(&t, &parts);
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &parts);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace

// _library_info() → text: a JSON object (library, icu, libpsl, psl_builtin_date, psl_file,
// psl_file_date, psl_in_use).
LR_FUNCTION(leadroute_library_info) {
  UVersionInfo icu;
  u_getVersion(icu);
  char icu_text[U_MAX_VERSION_STRING_LENGTH];
  u_versionToString(icu, icu_text);
  std::string builtin_date = utc_date(psl_builtin_file_time());
  const char* dist = psl_dist_filename();
  std::string file = dist ? dist : "";
  std::string file_date;
  struct stat st;
  if (!file.empty() && stat(file.c_str(), &st) == 0) file_date = utc_date(st.st_mtime);
  // psl_latest() (what matching uses) takes the newer of the system file and the built-in list.
  bool file_newer = !file_date.empty() && st.st_mtime > psl_builtin_file_time();
  std::string json =
      "{\"library\": " + json_string(LEADROUTE_LIBRARY_VERSION) +
      ", \"icu\": " + json_string(icu_text) + ", \"libpsl\": " + json_string(psl_get_version()) +
      ", \"psl_builtin_date\": " + json_string(builtin_date) +
      ", \"psl_file\": " + json_string(file) + ", \"psl_file_date\": " + json_string(file_date) +
      ", \"psl_in_use\": " + json_string(file_newer ? "file" : "builtin") + "}";
  return text_datum(json);
}
