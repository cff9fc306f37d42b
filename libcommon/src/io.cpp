#include "s2f/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <algorithm>
#include <mutex>
#include <set>

#include "s2f/error.hpp"

namespace s2f {

namespace {

std::string errno_text() { return std::strerror(errno); }

// ---- temporary-file registry, consulted from the signal handler ----------
// A fixed array of C strings so the handler only does async-signal-safe work.
constexpr int kMaxTemps = 256;
char g_temps[kMaxTemps][4096];
std::atomic<bool> g_temp_used[kMaxTemps];
std::mutex g_temp_mutex;

int register_temp(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_temp_mutex);
  for (int i = 0; i < kMaxTemps; ++i) {
    if (!g_temp_used[i].load()) {
      std::strncpy(g_temps[i], path.c_str(), sizeof g_temps[i] - 1);
      g_temps[i][sizeof g_temps[i] - 1] = '\0';
      g_temp_used[i].store(true);
      return i;
    }
  }
  return -1;
}
void unregister_temp(int slot) {
  if (slot >= 0) g_temp_used[slot].store(false);
}

extern "C" void cleanup_and_reraise(int sig) {
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_temp_used[i].load()) ::unlink(g_temps[i]);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// ---- sources -------------------------------------------------------------
class FdSource final : public ByteSource {
 public:
  FdSource(int fd, std::string name, bool owned) : ByteSource(std::move(name)), fd_(fd), owned_(owned) {
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
      seekable_ = true;
      size_ = static_cast<uint64_t>(st.st_size);
    }
    // Large sequential reads: tell the kernel.
    if (seekable_) ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  bool seekable() const override { return seekable_; }
  uint64_t size() const override { return size_; }
  void pread_exact(void* dst, size_t n, uint64_t at) override {
    auto* p = static_cast<uint8_t*>(dst);
    while (n > 0) {
      ssize_t r = ::pread(fd_, p, n, static_cast<off_t>(at));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) fail_io("cannot read " + name() + ": " + (r < 0 ? errno_text() : "unexpected end"), name());
      p += r;
      n -= static_cast<size_t>(r);
      at += static_cast<uint64_t>(r);
    }
  }

 protected:
  size_t read_some(void* dst, size_t n) override {
    for (;;) {
      ssize_t r = ::read(fd_, dst, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      fail_io("read failed: " + errno_text(), name());
    }
  }

 private:
  int fd_;
  bool owned_;
  bool seekable_ = false;
  uint64_t size_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::vector<uint8_t> bytes, std::string name)
      : ByteSource(std::move(name)), bytes_(std::move(bytes)) {}
  bool seekable() const override { return true; }
  uint64_t size() const override { return bytes_.size(); }
  void pread_exact(void* dst, size_t n, uint64_t at) override {
    if (at > bytes_.size() || n > bytes_.size() - at) fail_io("read past end", name());
    std::memcpy(dst, bytes_.data() + at, n);
  }

 protected:
  size_t read_some(void* dst, size_t n) override {
    size_t k = std::min(n, bytes_.size() - pos_);
    if (k == 0) return 0;  // an empty buffer's data() may be null, which memcpy must not get
    std::memcpy(dst, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
};

// ---- sinks ---------------------------------------------------------------
void write_all(int fd, const void* src, size_t n, const std::string& name) {
  auto* p = static_cast<const uint8_t*>(src);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      if (errno == ENOSPC) fail_io("disk full while writing", name, "free space or write elsewhere with -o");
      fail_io("write failed: " + errno_text(), name);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

class StdoutSink final : public ByteSink {
 public:
  StdoutSink() : ByteSink("<stdout>") {}
  bool is_stdout() const override { return true; }
  void commit() override { flush(); }

 protected:
  void write_out(const void* src, size_t n) override { write_all(STDOUT_FILENO, src, n, name()); }
};

// Writes into something that is not a regular file (a device such as
// /dev/null, a FIFO, a socket): such a target cannot be replaced by a rename
// without destroying it, so it is written in place and nothing is atomic.
class InPlaceSink final : public ByteSink {
 public:
  InPlaceSink(int fd, const std::string& path) : ByteSink(path), fd_(fd) {}
  ~InPlaceSink() override { ::close(fd_); }
  void commit() override { flush(); }

 protected:
  void write_out(const void* src, size_t n) override { write_all(fd_, src, n, name()); }

 private:
  int fd_;
};

std::string host_name() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "host";
  std::string h(host);
  for (char& c : h)
    if (c == '/' || c == '.') c = '_';
  return h.empty() ? "host" : h;
}

// Temporary files are named .<base>.tmp.<host>.<pid>.XXXXXX. A process
// killed by SIGKILL cannot remove its own; the next output to the same path
// removes those of dead processes on this host (a live pid, or another
// host's file on a shared file system, is never touched).
void remove_stale_temps(const std::string& dir, const std::string& prefix) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    auto dot = name.find('.', prefix.size());
    if (dot == std::string::npos) continue;
    char* end = nullptr;
    long pid = std::strtol(name.c_str() + prefix.size(), &end, 10);
    if (end != name.c_str() + dot || pid <= 0 || pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink((dir + "/" + name).c_str());
  }
  ::closedir(d);
}

class AtomicFileSink final : public ByteSink {
 public:
  // `path` is what the user named (messages use it); `target` is the file
  // that gets replaced: the same, or a symlink's destination, so the link
  // itself is kept.
  AtomicFileSink(const std::string& path, const std::string& target) : ByteSink(path), final_(target) {
    auto slash = target.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : target.substr(0, slash);
    std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
    if (base.empty()) fail_usage("output path '" + path + "' names a directory", "give a file name");
    const std::string prefix = "." + base + ".tmp." + host_name() + ".";
    remove_stale_temps(dir, prefix);
    std::string templ = dir + "/" + prefix + std::to_string(::getpid()) + ".XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd_ = ::mkstemp(buf.data());
    if (fd_ < 0)
      fail_io("cannot create output: " + errno_text(), path,
              "check that directory '" + dir + "' exists and is writable");
    temp_.assign(buf.data());
    ::fchmod(fd_, 0644);
    slot_ = register_temp(temp_);
  }
  ~AtomicFileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
    unregister_temp(slot_);
  }
  void commit() override {
    if (committed_) return;
    flush();
    if (::close(fd_) != 0) {
      fd_ = -1;
      fail_io("closing output failed: " + errno_text(), final_);
    }
    fd_ = -1;
    committed_ = true;  // from here the temporary is the open OutputSet's, or renamed
    if (OutputSet::defer(temp_, final_, name())) return;
    if (::rename(temp_.c_str(), final_.c_str()) != 0) {
      ::unlink(temp_.c_str());
      fail_io("cannot rename " + temp_ + " to output: " + errno_text(), final_);
    }
  }

 protected:
  void write_out(const void* src, size_t n) override { write_all(fd_, src, n, final_); }

 private:
  std::string final_, temp_;
  int fd_ = -1;
  int slot_ = -1;
  bool committed_ = false;
};

class MemorySink final : public ByteSink {
 public:
  explicit MemorySink(std::vector<uint8_t>* out) : ByteSink("<memory>"), out_(out) {}

 protected:
  void write_out(const void* src, size_t n) override {
    auto* p = static_cast<const uint8_t*>(src);
    out_->insert(out_->end(), p, p + n);
  }

 private:
  std::vector<uint8_t>* out_;
};

}  // namespace

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path) {
  if (path == "-" || path == "/dev/stdin") return std::make_unique<FdSource>(STDIN_FILENO, "<stdin>", false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail_io("cannot open input: " + errno_text(), path, "check the path (use - for stdin)");
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail_io("input is a directory", path, "give a file");
  }
  return std::make_unique<FdSource>(fd, path, true);
}

std::unique_ptr<ByteSource> ByteSource::from_memory(std::vector<uint8_t> bytes, std::string name) {
  return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

size_t ByteSource::read(void* dst, size_t n) {
  auto* p = static_cast<uint8_t*>(dst);
  size_t got = 0;
  while (got < n) {
    size_t r = read_some(p + got, n - got);
    if (r == 0) break;
    got += r;
  }
  offset_ += got;
  return got;
}

void ByteSource::pread_exact(void*, size_t, uint64_t) {
  fail(Exit::internal, "positioned read on a non-seekable input", name());
}

namespace {

// The path a write to `path` lands on: a symlink's destination (so the link
// is kept), else the path itself.
std::string link_destination(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved)) return resolved;
  // A dangling link: its destination is created.
  char link[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
  if (n <= 0) fail_io("cannot read the symlink: " + errno_text(), path);
  link[n] = '\0';
  std::string dest(link);
  auto slash = path.find_last_of('/');
  if (dest[0] != '/' && slash != std::string::npos) dest = path.substr(0, slash + 1) + dest;
  return dest;
}

}  // namespace

void create_prefix_directories(const std::string& prefix) {
  if (prefix.empty()) return;
  const std::filesystem::path dir =
      prefix.back() == '/' ? std::filesystem::path(prefix) : std::filesystem::path(prefix).parent_path();
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    fail_io("cannot create directory " + dir.string() + (ec ? ": " + ec.message() : ": a file has that name"),
            prefix, "choose a prefix in a directory that can be created");
}

std::string temporary_path_for(const std::string& target) {
  static std::atomic<unsigned> counter{0};
  auto slash = target.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : target.substr(0, slash);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  const std::string prefix = "." + base + ".tmp." + host_name() + ".";
  remove_stale_temps(dir, prefix);
  return dir + "/" + prefix + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

std::string replaceable_output_path(const std::string& path) {
  std::string target = link_destination(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    fail_usage("output '" + path + "' is " + (S_ISDIR(st.st_mode) ? "a directory" : "not a regular file") +
                   " and this format must be written to a file",
               "give a file name");
  return target;
}

std::unique_ptr<ByteSink> ByteSink::open(const std::string& path) {
  if (path.empty() || path == "-" || path == "/dev/stdout") return std::make_unique<StdoutSink>();
  // Only regular files are replaced atomically. A symlink is followed (the
  // link stays, its destination is replaced); anything else that exists --
  // /dev/null, a FIFO, a terminal -- is written in place: replacing it by a
  // rename would destroy it (as root, /dev/null for the whole machine).
  const std::string target = link_destination(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail_usage("output path '" + path + "' is a directory", "give a file name");
    if (!S_ISREG(st.st_mode)) {
      int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) fail_io("cannot open output for writing: " + errno_text(), path);
      return std::make_unique<InPlaceSink>(fd, path);
    }
  }
  return std::make_unique<AtomicFileSink>(path, target);
}

std::unique_ptr<ByteSink> ByteSink::to_memory(std::vector<uint8_t>* out) {
  return std::make_unique<MemorySink>(out);
}

void ByteSink::write(const void* src, size_t n) {
  written_ += n;
  if (buf_.size() + n > buf_.capacity()) {
    flush();
    if (n >= buf_.capacity()) {
      write_out(src, n);
      return;
    }
  }
  auto* p = static_cast<const uint8_t*>(src);
  buf_.insert(buf_.end(), p, p + n);
}

void ByteSink::flush() {
  if (!buf_.empty()) {
    write_out(buf_.data(), buf_.size());
    buf_.clear();
  }
}

void ByteSink::commit() { flush(); }

TextOutput::TextOutput(const std::string& path) : sink_(ByteSink::open(path)) {}

int register_temp_file(const std::string& path) { return register_temp(path); }
void unregister_temp_file(int slot) { unregister_temp(slot); }

// ---- OutputSet -------------------------------------------------------------
namespace {
std::mutex g_set_mutex;
OutputSet* g_set = nullptr;
}  // namespace

OutputSet::OutputSet() {
  std::lock_guard<std::mutex> lock(g_set_mutex);
  if (!g_set) {
    g_set = this;
    active_ = true;
  }
}

OutputSet::~OutputSet() {
  std::lock_guard<std::mutex> lock(g_set_mutex);
  if (!active_) return;
  for (auto& p : pending_) {
    ::unlink(p.temp.c_str());
    unregister_temp(p.slot);
  }
  pending_.clear();
  g_set = nullptr;
}

OutputSet* OutputSet::current() {
  std::lock_guard<std::mutex> lock(g_set_mutex);
  return g_set;
}

void OutputSet::rename_last(const std::string& path) {
  if (path.empty() || path == "-") return;
  std::lock_guard<std::mutex> lock(g_set_mutex);
  last_.push_back(path);
  last_.push_back(link_destination(path));
}

size_t OutputSet::pending() const {
  std::lock_guard<std::mutex> lock(g_set_mutex);
  return pending_.size();
}

bool OutputSet::defer(const std::string& temp, const std::string& target, const std::string& name) {
  std::lock_guard<std::mutex> lock(g_set_mutex);
  if (!g_set) return false;
  g_set->pending_.push_back({temp, target, name, register_temp(temp)});
  return true;
}

void OutputSet::commit_all() {
  std::vector<Pending> order;
  {
    std::lock_guard<std::mutex> lock(g_set_mutex);
    if (!active_) return;
    auto rank = [&](const Pending& p) -> size_t {
      for (size_t i = 0; i < last_.size(); ++i)
        if (last_[i] == p.name || last_[i] == p.target) return 1 + i / 2;
      return 0;
    };
    order = pending_;
    std::stable_sort(order.begin(), order.end(),
                     [&](const Pending& a, const Pending& b) { return rank(a) < rank(b); });
  }
  for (auto& p : order) {
    if (::rename(p.temp.c_str(), p.target.c_str()) != 0) {
      std::string why = errno_text();
      fail_io("cannot rename the finished output " + p.temp + " into place: " + why, p.name,
              "check that the directory is writable; outputs not yet renamed were removed");
    }
    std::lock_guard<std::mutex> lock(g_set_mutex);
    for (auto it = pending_.begin(); it != pending_.end(); ++it)
      if (it->temp == p.temp) {
        unregister_temp(it->slot);
        pending_.erase(it);
        break;
      }
  }
}

void install_temp_cleanup_handlers() {
  // A signal the parent chose to ignore stays ignored: `nohup` ignores
  // SIGHUP, and a shell's background jobs ignore SIGINT.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    std::signal(sig, cleanup_and_reraise);
  }
}

}  // namespace s2f
