// libFuzzer target: the track catalog as TSV and CSV (catalog/track_catalog.hpp),
// read with and without padding rows and taken through its JSON and TSV forms.
#include <string>

#include "../fuzz_support.hpp"
#include "s2f/catalog/track_catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (int form = 0; form < 4; ++form) {
    fuzz::expect_clean([&] {
      catalog::LoadOptions options;
      options.keep_padding = form % 2 == 1;
      auto cat = form < 2 ? catalog::TrackCatalog::parse_tsv(text, "fuzz.tsv", options)
                          : catalog::TrackCatalog::parse_csv(text, "fuzz.csv", options);
      if (cat.padding_kept() != (cat.to_json().value("padding", "") == "kept"))
        fuzz::finding("meta.tracks.padding disagrees with the rows", "");
      (void)cat.track_ids();
      (void)cat.padding_mask();
      (void)cat.strip_padding();
      auto again = catalog::TrackCatalog::from_json(cat.to_json());
      if (again.size() != cat.size()) fuzz::finding("catalog JSON round trip changes the row count", "");
      (void)cat.to_tsv();
    });
  }
  const std::string path = fuzz::write_input(data, size, "in.tracks.tsv");
  fuzz::expect_clean([&] { (void)catalog::TrackCatalog::load_tsv(path); });
  return 0;
}
