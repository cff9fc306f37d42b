// libFuzzer target: FASTA as a reference genome (genome/reference.hpp: the
// index is built into a cache directory inside the fuzz directory, cleared
// with each input, then every contig is fetched whole and in part) and as
// records to encode (genome/fasta_records.hpp).
#include <algorithm>
#include <cstdlib>

#include "../fuzz_support.hpp"
#include "s2f/genome/fasta_records.hpp"
#include "s2f/genome/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.fa");
  setenv("XDG_CACHE_HOME", (fuzz::temp_dir() / "cache").c_str(), 1);
  fuzz::expect_clean([&] {
    auto genome = genome::ReferenceGenome::open(path);
    genome::ContigCache cache(*genome, 1 << 20);
    for (size_t i = 0; i < genome->contigs().size() && i < 64; ++i) {
      const auto& contig = genome->contigs()[i];
      if (contig.length < 0) fuzz::finding("negative contig length", contig.name);
      if (genome->find(contig.name) < 0) fuzz::finding("contig not found by its own name", contig.name);
      const std::string whole = genome->fetch_contig(i);
      if (static_cast<int64_t>(whole.size()) != contig.length) fuzz::finding("fetch_contig length", contig.name);
      const int64_t end = std::min<int64_t>(contig.length, 37);
      const std::string part = genome->fetch(i, end / 3, end);
      if (static_cast<int64_t>(part.size()) != end - end / 3) fuzz::finding("fetch length", contig.name);
      for (char b : part)
        if (b != 'A' && b != 'C' && b != 'G' && b != 'T' && b != 'N') fuzz::finding("base not ACGTN", contig.name);
      if (part != whole.substr(static_cast<size_t>(end / 3), part.size()))
        fuzz::finding("fetch and fetch_contig disagree", contig.name);
      (void)cache.get(i);
    }
    (void)genome->describe();
  });
  for (int pass = 0; pass < 2; ++pass) {
    fuzz::expect_clean([&] {
      SkipLog log;
      genome::BadLines bad(&log, pass == 1);
      genome::FastaRecordReader reader(path, bad);
      genome::SequenceRecord rec;
      while (reader.next(rec)) {
      }
    });
    fuzz::expect_clean([&] {
      SkipLog log;
      genome::BadLines bad(&log, pass == 1);
      genome::SequenceLineReader reader(path, bad);
      genome::SequenceRecord rec;
      while (reader.next(rec)) {
      }
    });
  }
  return 0;
}
