// predict::ExecSession, the driver of every --exec model process: replies
// pair with the input records they answer, and when something fails the
// error that explains it wins (formats/EXEC.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/io.hpp"
#include "s2f/predict/exec_session.hpp"
#include "s2f/stream/kinds.hpp"
#include "test_support.hpp"

using namespace s2f;
using predict::ExecSession;

using s2f::testing_support::error_of;

namespace {

const char* const kSeqs[] = {"AACGT", "TTTTA", "GGNCA"};

// A sequences stream of kSeqs in a temporary file.
std::string write_sequences() {
  auto path = (std::filesystem::temp_directory_path() / ("s2f-exec-session-" + std::to_string(::getpid()) + ".s2f")).string();
  auto header = stream::make_header(stream::kind::sequences, stream::sequences_schema(5), nlohmann::json::object());
  stream::Writer w(ByteSink::open(path), std::move(header));
  const auto& schema = w.header().schema;
  for (size_t i = 0; i < 3; ++i) {
    size_t r = w.batch().add_record();
    w.batch().set_str(schema.index("id"), r, "s" + std::to_string(i));
    auto seq = w.batch().fixed_mut<uint8_t>(schema.index("seq"), r);
    std::copy(kSeqs[i], kSeqs[i] + 5, seq.begin());
    w.end_record();
  }
  w.finish();
  return path;
}

// A plug-in answering each record with `counts` = its number of A (N: 0.25).
std::string count_a_child() {
  return std::string("/usr/bin/python3 -c \"import sys; sys.path.insert(0, '") + S2F_SOURCE_DIR +
         "/formats/python'); import s2f_exec; s2f_exec.serve(lambda x: {'counts': x[:, :, 0].sum(axis=1, keepdims=True)}, n_value=0.25)\"";
}

// Each record, then its reverse complement.
void forward_and_reverse(const stream::Batch& b, size_t r, ExecSession::Feed& feed) {
  feed.begin_input(b, r);
  feed.send(b, r);
  feed.send(b, r, [](std::span<uint8_t> seq) { genome::reverse_complement(seq); });
}

class ExecSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0) GTEST_SKIP() << "needs numpy";
    path_ = write_sequences();
    in_ = stream::Reader::open(path_);
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  std::string path_;
  std::unique_ptr<stream::Reader> in_;
};

}  // namespace

TEST_F(ExecSessionTest, RepliesPairWithTheInputRecordTheyAnswer) {
  ExecSession session(*in_, count_a_child(), 30, nlohmann::json::object());
  std::vector<std::string> ids;
  std::vector<float> fwd, rev;
  session.run(forward_and_reverse, [&](ExecSession::Replies& replies) {
    ASSERT_EQ(replies.heads().size(), 1u);
    EXPECT_EQ(replies.heads()[0].name, "counts");
    EXPECT_EQ(replies.catalog(), nullptr);
    auto out = replies.outputs(2);
    while (replies.next_input()) {
      ids.emplace_back(replies.input().str(0, 0));
      replies.take(out, 0);
      replies.take(out, 1);
      fwd.push_back(out[0].values[0]);
      rev.push_back(out[0].values[1]);
    }
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"s0", "s1", "s2"}));
  EXPECT_EQ(fwd, (std::vector<float>{2, 1, 1.25f}));  // A's of the record
  EXPECT_EQ(rev, (std::vector<float>{1, 4, 0.25f}));  // A's of its reverse complement: its T's (and N)
}

TEST_F(ExecSessionTest, TooFewRepliesAreNamed) {
  ExecSession session(*in_, count_a_child(), 30, nlohmann::json::object());
  auto one_short = [](const stream::Batch& b, size_t r, ExecSession::Feed& feed) {
    feed.begin_input(b, r);
    feed.send(b, r);
    if (b.str(0, r) != "s2") feed.send(b, r);  // the last input gets one record, not two
  };
  auto m = error_of([&] {
    session.run(one_short, [&](ExecSession::Replies& replies) {
      auto out = replies.outputs(1);
      while (replies.next_input()) {
        replies.take(out, 0);
        replies.take(out, 0);  // two replies per input
      }
    });
  });
  EXPECT_NE(m.find("wrote fewer records than it was sent"), std::string::npos) << m;
}

TEST_F(ExecSessionTest, AFailedFeedWinsOverTheChildItKilled) {
  ExecSession session(*in_, count_a_child(), 30, nlohmann::json::object());
  auto m = error_of([&] {
    session.run(
        [](const stream::Batch& b, size_t r, ExecSession::Feed& feed) {
          if (b.str(0, r) == "s1") fail_input("record s1 cannot be fed", "test");
          forward_and_reverse(b, r, feed);
        },
        [](ExecSession::Replies& replies) {
          auto out = replies.outputs(1);
          while (replies.next_input()) replies.take(out, 0), replies.take(out, 0);
        });
  });
  EXPECT_NE(m.find("record s1 cannot be fed"), std::string::npos) << m;
}

TEST_F(ExecSessionTest, AFailedChildExplainsItselfWithItsStderr) {
  ExecSession session(*in_, "head -c 10 >/dev/null; echo 'CUDA out of memory' >&2; exit 3", 30,
                      nlohmann::json::object());
  auto m = error_of([&] { session.run(forward_and_reverse, [](ExecSession::Replies&) {}); });
  EXPECT_NE(m.find("exited with status 3"), std::string::npos) << m;
  EXPECT_NE(m.find("CUDA out of memory"), std::string::npos) << m;
}

TEST_F(ExecSessionTest, AHungChildIsKilledAndTheTimeoutSaysSo) {
  ExecSession session(*in_, "sleep 10", 0.5, nlohmann::json::object());
  auto m = error_of([&] { session.run(forward_and_reverse, [](ExecSession::Replies&) {}); });
  EXPECT_NE(m.find("produced no output for"), std::string::npos) << m;
}
