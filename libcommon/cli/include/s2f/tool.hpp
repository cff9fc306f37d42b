// The lifecycle every s2f stage shares: one declaration of the common
// options, one validation of their combinations, one error path, provenance,
// progress and the closing one-line run summary.
//
//   int main(int argc, char** argv) {
//     s2f::Tool tool("view", "Print, check and convert s2f streams",
//                    "s2f-view calls.s2f --head 5");
//     tool.use(s2f::Opt::Output | s2f::Opt::Shard);
//     auto& app = tool.app();   // add stage options here
//     return tool.run(argc, argv, [&](s2f::Run& run) { ...; return 0; });
//   }
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "s2f/run.hpp"

namespace s2f {

class Tool {
 public:
  Tool(std::string stage, std::string summary, std::string example);
  CLI::App& app() { return app_; }
  void use(unsigned opts);
  CommonOptions& options() { return opt_; }
  // Parses, validates, runs `body`, prints errors and the summary; returns
  // the process exit code.
  int run(int argc, char** argv, const std::function<int(Run&)>& body);
  // Extra option-combination checks, run after the common ones.
  void validate(std::function<void(const CommonOptions&)> check) { checks_ = std::move(check); }

 private:
  std::string stage_, program_;
  CLI::App app_;
  CommonOptions opt_;
  unsigned used_ = 0;
  std::function<void(const CommonOptions&)> checks_;
};

}  // namespace s2f
