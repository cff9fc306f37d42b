// One error path for every stage:
//   s2f-<stage>: error: <what> (<where>) — <how to fix>
// Stages throw s2f::Error; the tool lifecycle (tool.hpp) prints it and exits
// with the documented code. stdout never carries error text.
#pragma once
#include <stdexcept>
#include <string>

namespace s2f {

// Documented exit codes (README "Exit codes").
enum class Exit : int {
  ok = 0,
  bad_input = 1,  // malformed or inconsistent input data
  usage = 2,      // bad command line or option combination
  io = 3,         // cannot open, read, write or rename a file
  internal = 4,   // a bug in s2f: please report
};

class Error : public std::runtime_error {
 public:
  Error(Exit code, std::string what, std::string where = {}, std::string fix = {});
  Exit code() const { return code_; }
  const std::string& what_part() const { return what_; }
  const std::string& where() const { return where_; }
  const std::string& fix() const { return fix_; }

 private:
  Exit code_;
  std::string what_, where_, fix_;
};

// The single formatter used for every message on stderr.
std::string format_error(const std::string& program, const Error& e);

[[noreturn]] inline void fail(Exit code, std::string what, std::string where = {},
                              std::string fix = {}) {
  throw Error(code, std::move(what), std::move(where), std::move(fix));
}
[[noreturn]] inline void fail_input(std::string what, std::string where = {},
                                    std::string fix = {}) {
  throw Error(Exit::bad_input, std::move(what), std::move(where), std::move(fix));
}
[[noreturn]] inline void fail_usage(std::string what, std::string fix = {}) {
  throw Error(Exit::usage, std::move(what), {}, std::move(fix));
}
[[noreturn]] inline void fail_io(std::string what, std::string where = {},
                                 std::string fix = {}) {
  throw Error(Exit::io, std::move(what), std::move(where), std::move(fix));
}

// Non-fatal message on stderr in the same voice ("s2f-x: warning: ...").
void warn(const std::string& message);
// Name of the running program, set once by the tool lifecycle.
void set_program_name(std::string name);
const std::string& program_name();

}  // namespace s2f
