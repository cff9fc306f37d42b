// Byte-level input and output on files and pipes. "-" means stdin/stdout.
// Sources count the bytes they have delivered so readers can name the exact
// offset of a problem; sinks to files are atomic (temporary name in the same
// directory, renamed on commit) so a crashed run never leaves a
// complete-looking output behind.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace s2f {

class ByteSource {
 public:
  // Opens path ("-" = stdin). Throws s2f::Error(io) with advice if it cannot.
  static std::unique_ptr<ByteSource> open(const std::string& path);
  // Wraps an in-memory buffer (tests, fuzzing).
  static std::unique_ptr<ByteSource> from_memory(std::vector<uint8_t> bytes, std::string name);
  virtual ~ByteSource() = default;

  // Reads up to n bytes; returns fewer only at end of input.
  size_t read(void* dst, size_t n);
  uint64_t offset() const { return offset_; }
  const std::string& name() const { return name_; }
  // A seekable regular file can report its size and read a block at an
  // absolute position without disturbing the stream (used to peek the trailer).
  virtual bool seekable() const { return false; }
  virtual uint64_t size() const { return 0; }
  virtual void pread_exact(void* dst, size_t n, uint64_t at);

 protected:
  explicit ByteSource(std::string name) : name_(std::move(name)) {}
  virtual size_t read_some(void* dst, size_t n) = 0;

 private:
  std::string name_;
  uint64_t offset_ = 0;
};

class ByteSink {
 public:
  // Opens path for writing ("-" = stdout). Files are written under a
  // temporary name and appear under `path` only after commit().
  static std::unique_ptr<ByteSink> open(const std::string& path);
  // Collects into memory (tests).
  static std::unique_ptr<ByteSink> to_memory(std::vector<uint8_t>* out);
  virtual ~ByteSink() = default;

  void write(const void* src, size_t n);
  void flush();
  // Makes the output visible (rename). Without it, the destructor removes
  // the temporary file.
  virtual void commit();
  uint64_t written() const { return written_; }
  const std::string& name() const { return name_; }
  // True when writing to a pipe or terminal rather than a named file.
  virtual bool is_stdout() const { return false; }

 protected:
  explicit ByteSink(std::string name) : name_(std::move(name)) { buf_.reserve(1 << 20); }
  virtual void write_out(const void* src, size_t n) = 0;

 private:
  std::string name_;
  std::vector<uint8_t> buf_;
  uint64_t written_ = 0;
};

// A text file written atomically, line by line (TSV, BED, side files).
class TextOutput {
 public:
  explicit TextOutput(const std::string& path);
  void write(std::string_view s) { sink_->write(s.data(), s.size()); }
  void commit() { sink_->commit(); }
  ByteSink& sink() { return *sink_; }

 private:
  std::unique_ptr<ByteSink> sink_;
};

// For outputs written by a library that does its own I/O (HDF5) and must
// seek: the regular file to replace atomically for `path` (a symlink's
// destination, so the link is kept). A device, FIFO or directory is
// refused with a message: it cannot be replaced without destroying it.
std::string replaceable_output_path(const std::string& path);
// A temporary name next to `target` for a library that creates the file
// itself: .<base>.tmp.<host>.<pid>.<n>, the pattern every s2f writer uses,
// so the next run removes it if this process is killed (stale temporaries
// of dead processes on this host are removed here first).
std::string temporary_path_for(const std::string& target);

// Creates the directories a file prefix writes into, as Selene does for its
// output_dir and output_path_prefix: "out/run1/vep" creates out/run1,
// "out/" creates out. An I/O error names the directory that cannot be made.
void create_prefix_directories(const std::string& prefix);

// Registers a temporary output file written by a library that does its own
// I/O (HDF5), so an interrupted run removes it too. Returns a slot for
// unregister_temp_file().
int register_temp_file(const std::string& path);
void unregister_temp_file(int slot);

// ---- outputs of one run appear together ----------------------------------
// A stage that writes several files (a stream, side files, --tsv/--hdf5
// files, a workflow's done marker) makes them appear together or not at
// all. While an OutputSet is open, commit() of a file output (ByteSink,
// TextOutput, h5::File) only finishes writing it under its temporary name
// (so a full disk is still reported there) and hands the rename to the set.
// commit_all() renames them in the order they were committed, those named
// by rename_last() after all the others in the order they were named: the
// primary output (the -o stream, a workflow's done marker) appears last, so
// a run that fails on its way never leaves it looking complete. A set
// destroyed without commit_all() (an error) removes every temporary it
// holds. Without an open set, commit() renames at once. s2f::Tool opens
// one around every stage, with -o as the last output.
class OutputSet {
 public:
  OutputSet();  // opens the set; an inner set while one is open is inert
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // `path` (as given to the writer, or its symlink destination) is renamed
  // after every output not so named.
  void rename_last(const std::string& path);
  // Renames every held output into place. Errors are I/O errors naming the
  // output; what is not yet renamed is removed.
  void commit_all();
  size_t pending() const;

  // The open set, or nullptr.
  static OutputSet* current();
  // For writers: hands over a finished temporary `temp` for `target` (the
  // user's name `name` for messages). False when no set is open: the caller
  // renames itself.
  static bool defer(const std::string& temp, const std::string& target, const std::string& name);

 private:
  struct Pending {
    std::string temp, target, name;
    int slot;
  };
  bool active_ = false;
  std::vector<Pending> pending_;
  std::vector<std::string> last_;
};

// Removes every registered temporary file if the process is killed by
// SIGINT/SIGTERM/SIGHUP, then re-raises the signal.
void install_temp_cleanup_handlers();

}  // namespace s2f
