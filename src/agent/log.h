// Structured logs: one JSON object per line on stderr (ts, level, msg, then the fields given).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace leadroute::agent {

enum class LogLevel { Debug, Info, Warn, Error };

void set_log_level(LogLevel level);
void log(LogLevel level, const std::string& msg, nlohmann::json fields = nlohmann::json::object());

inline void log_debug(const std::string& m, nlohmann::json f = nlohmann::json::object()) {
  log(LogLevel::Debug, m, std::move(f));
}
inline void log_info(const std::string& m, nlohmann::json f = nlohmann::json::object()) {
  log(LogLevel::Info, m, std::move(f));
}
inline void log_warn(const std::string& m, nlohmann::json f = nlohmann::json::object()) {
  log(LogLevel::Warn, m, std::move(f));
}
inline void log_error(const std::string& m, nlohmann::json f = nlohmann::json::object()) {
  log(LogLevel::Error, m, std::move(f));
}

}  // namespace leadroute::agent
