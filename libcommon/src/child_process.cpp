#include "s2f/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "s2f/error.hpp"

namespace s2f {

namespace {

constexpr size_t kTailBytes = 8192;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

class ChildStdout final : public ByteSource {
 public:
  ChildStdout(int fd, ChildProcess* child, double timeout)
      : ByteSource("output of " + child->role()), fd_(fd), child_(child), timeout_(timeout) {}
  ~ChildStdout() override { ::close(fd_); }

 protected:
  size_t read_some(void* dst, size_t n) override {
    for (;;) {
      if (timeout_ > 0) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(timeout_ * 1000));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
          child_->kill();
          fail_io(child_->role() + " produced no output for " + std::to_string(static_cast<int>(timeout_)) +
                      " s and was killed",
                  child_->command(), "raise --exec-timeout or check why the model hangs; its stderr: " +
                                         child_->stderr_tail());
        }
      }
      ssize_t r = ::read(fd_, dst, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      fail_io("reading from " + child_->role() + " failed: " + std::strerror(errno), child_->command());
    }
  }

 private:
  int fd_;
  ChildProcess* child_;
  double timeout_;
};

class ChildStdin final : public ByteSink {
 public:
  ChildStdin(int fd, ChildProcess* child) : ByteSink("input of " + child->role()), fd_(fd), child_(child) {}
  ~ChildStdin() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void commit() override {
    flush();
    ::close(fd_);
    fd_ = -1;
  }
  bool is_stdout() const override { return true; }  // a pipe: no compression by default

 protected:
  void write_out(const void* src, size_t n) override {
    auto* p = static_cast<const uint8_t*>(src);
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        if (errno == EPIPE)
          fail_io(child_->role() + " stopped reading its input", child_->command(),
                  "it probably crashed; its stderr: " + child_->stderr_tail());
        fail_io("writing to " + child_->role() + " failed: " + std::strerror(errno), child_->command());
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
  }

 private:
  int fd_;
  ChildProcess* child_;
};

}  // namespace

ChildProcess::ChildProcess(const std::string& command, double timeout_seconds, std::string role)
    : command_(command), timeout_(timeout_seconds), role_(std::move(role)) {
  // A child that dies must surface as EPIPE on write, not kill us.
  ::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
    fail_io(std::string("cannot create pipes: ") + std::strerror(errno), command);
  pid_ = ::fork();
  if (pid_ < 0) fail_io(std::string("cannot fork: ") + std::strerror(errno), command);
  if (pid_ == 0) {
    // Own process group, so kill() also stops whatever the shell started.
    ::setpgid(0, 0);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, to win the race with the child
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_fd_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
  err_thread_ = std::thread([this] {
    char buf[4096];
    for (;;) {
      ssize_t r = ::read(err_fd_, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      std::lock_guard<std::mutex> lock(err_mutex_);
      err_tail_.append(buf, static_cast<size_t>(r));
      if (err_tail_.size() > 2 * kTailBytes) err_tail_.erase(0, err_tail_.size() - kTailBytes);
    }
  });
}

ChildProcess::~ChildProcess() {
  close_fd(in_fd_);
  close_fd(out_fd_);
  if (!waited_ && pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
  if (err_thread_.joinable()) err_thread_.join();
  close_fd(err_fd_);
}

std::unique_ptr<ByteSink> ChildProcess::take_stdin() {
  int fd = in_fd_;
  in_fd_ = -1;
  return std::make_unique<ChildStdin>(fd, this);
}

std::unique_ptr<ByteSource> ChildProcess::take_stdout() {
  int fd = out_fd_;
  out_fd_ = -1;
  return std::make_unique<ChildStdout>(fd, this, timeout_);
}

void ChildProcess::kill() {
  if (pid_ > 0 && !waited_) {
    killed_ = true;
    ::kill(-pid_, SIGKILL);
  }
}

std::string ChildProcess::stderr_tail() const {
  std::lock_guard<std::mutex> lock(err_mutex_);
  std::string t = err_tail_.size() > kTailBytes ? err_tail_.substr(err_tail_.size() - kTailBytes) : err_tail_;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t.empty() ? "(empty)" : "\n---\n" + t + "\n---";
}

namespace {
std::string describe_status(int status) {
  return WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                           : "was killed by signal " + std::to_string(WTERMSIG(status));
}
}  // namespace

std::optional<std::string> ChildProcess::failure_within(double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!waited_) {
    int r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      waited_ = true;
      ::kill(-pid_, SIGKILL);  // stragglers of the group would hold stderr open
      if (err_thread_.joinable()) err_thread_.join();
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status_) && WEXITSTATUS(status_) == 0) return std::nullopt;
  return describe_status(status_);
}

void ChildProcess::wait_success() {
  if (!waited_) {
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    waited_ = true;
    ::kill(-pid_, SIGKILL);  // stragglers of the group would hold stderr open
    if (err_thread_.joinable()) err_thread_.join();
  }
  if (WIFEXITED(status_) && WEXITSTATUS(status_) == 0) return;
  fail_input(role_ + " " + describe_status(status_), command_, "its stderr: " + stderr_tail());
}

}  // namespace s2f
