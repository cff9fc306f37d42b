// Small helpers several unit-test files share.
#pragma once
#include <functional>
#include <string>

#include "s2f/error.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::testing_support {

// The message of the s2f::Error `f` throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A stream header of `kind` with `schema` and one provenance entry.
inline stream::Header header_for(const std::string& kind, stream::Schema schema) {
  stream::Header h;
  h.kind = kind;
  h.schema = std::move(schema);
  h.meta["provenance"] = nlohmann::json::array({{{"tool", "test"}}});
  return h;
}

}  // namespace s2f::testing_support
