// The --exec plumbing: a child that echoes, fails, hangs or writes garbage.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "s2f/child_process.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"

using namespace s2f;
using namespace s2f::stream;

namespace {
Header small_header() {
  Header h;
  h.kind = kind::positions;
  h.schema = positions_schema();
  return h;
}
}  // namespace

TEST(ChildProcess, StreamsThroughCatUnchanged) {
  ChildProcess child("cat", 10);
  auto out = child.take_stdout();
  std::thread feeder([&] {
    Writer w(child.take_stdin(), small_header());
    for (int i = 0; i < 20000; ++i) {  // more than a pipe buffer: needs concurrent reading
      size_t r = w.batch().add_record();
      w.batch().set_str(0, r, "rec" + std::to_string(i));
      w.batch().set_scalar<int64_t>(2, r, i);
      w.end_record();
    }
    w.finish();
  });
  Reader reader(std::move(out));
  Batch b;
  int64_t expect = 0;
  while (reader.next(b))
    for (size_t r = 0; r < b.size(); ++r) EXPECT_EQ(b.scalar<int64_t>(2, r), expect++);
  feeder.join();
  EXPECT_EQ(expect, 20000);
  child.wait_success();
}

TEST(ChildProcess, NonZeroExitIsReportedWithItsStderr) {
  ChildProcess child("echo 'model weights missing' >&2; exit 3", 10);
  auto out = child.take_stdout();
  char c;
  EXPECT_EQ(out->read(&c, 1), 0u);
  try {
    child.wait_success();
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("exited with status 3"), std::string::npos) << m;
    EXPECT_NE(m.find("model weights missing"), std::string::npos) << m;
  }
}

TEST(ChildProcess, HungChildIsKilledAfterTheTimeout) {
  ChildProcess child("sleep 30", 0.3);
  auto out = child.take_stdout();
  auto t0 = std::chrono::steady_clock::now();
  char c;
  try {
    out->read(&c, 1);
    FAIL() << "no timeout";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no output for"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_THROW(child.wait_success(), Error);  // killed by a signal
}

TEST(ChildProcess, GarbageOutputIsNotAStream) {
  ChildProcess child("echo 'Traceback (most recent call last):'", 10);
  try {
    Reader r(child.take_stdout());
    FAIL() << "accepted garbage";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an s2f stream: it starts with text 'Traceback"), std::string::npos)
        << e.what();
  }
}

TEST(ChildProcess, ChildThatStopsReadingGivesAClearWriteError) {
  ChildProcess child("exec 0<&-; sleep 0.2; exit 0", 10);
  auto in = child.take_stdin();
  std::vector<uint8_t> big(1 << 20, 7);
  try {
    for (int i = 0; i < 64; ++i) {
      in->write(big.data(), big.size());
      in->flush();
    }
    FAIL() << "no write error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("stopped reading its input"), std::string::npos) << e.what();
  }
}
