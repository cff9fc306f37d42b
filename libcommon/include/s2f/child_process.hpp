// A child process with piped stdin/stdout/stderr, for `--exec` model
// plug-ins. stderr is drained by a thread into a bounded tail so a failing
// child's last words can be shown; reads from stdout can time out so a hung
// child is detected and killed rather than hanging the pipeline.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "s2f/io.hpp"

namespace s2f {

class ChildProcess {
 public:
  // Runs `command` with /bin/sh -c. `timeout_seconds` <= 0 disables the
  // inactivity timeout on reads from the child's stdout.
  // `role` names the child in messages ("the --exec command", "s2f-encode").
  ChildProcess(const std::string& command, double timeout_seconds, std::string role = "the --exec command");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Sink writing to the child's stdin; commit() closes it (EOF for the child).
  std::unique_ptr<ByteSink> take_stdin();
  // Source reading the child's stdout; a read waiting longer than the
  // timeout kills the child and throws.
  std::unique_ptr<ByteSource> take_stdout();

  // Waits for exit. Throws s2f::Error naming the command, its exit status
  // and the tail of its stderr when it did not exit 0.
  void wait_success();
  void kill();
  // Whether kill() was called (by the caller, or on a timeout) while the
  // child had not been waited for: its death is then s2f's doing.
  bool killed() const { return killed_; }
  // Waits up to `seconds` for the child to exit by itself; returns how it
  // failed ("exited with status 1", "was killed by signal 11") or nullopt
  // when it succeeded or is still running.
  std::optional<std::string> failure_within(double seconds);
  std::string stderr_tail() const;
  const std::string& command() const { return command_; }
  const std::string& role() const { return role_; }

 private:
  std::string command_;
  double timeout_;
  std::string role_;
  int pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::thread err_thread_;
  mutable std::mutex err_mutex_;
  std::string err_tail_;
  bool waited_ = false;
  std::atomic<bool> killed_{false};
  int status_ = 0;
};

}  // namespace s2f
