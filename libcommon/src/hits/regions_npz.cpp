// Fi-NeMo's regions .npz (what `finemo extract-regions-*` writes).
#include <cstdint>
#include <cstring>

#include "s2f/error.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/npz.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::hits {

namespace {

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The one-hot array as 0/1 bytes (any other value is kept as 2 to be
// reported), converting by dtype once rather than per element.
std::vector<uint8_t> one_hot_bytes(const npz::NpyArray& a, const std::string& path) {
  std::vector<uint8_t> out(a.elements());
  auto convert = [&](auto type_tag) {
    using T = decltype(type_tag);
    for (size_t k = 0; k < out.size(); ++k) {
      T v;
      std::memcpy(&v, a.data.data() + k * sizeof(T), sizeof(T));
      out[k] = v == T(0) ? 0 : v == T(1) ? 1 : 2;
    }
  };
  if (a.descr == "|i1") convert(int8_t{});
  else if (a.descr == "|u1" || a.descr == "|b1") convert(uint8_t{});
  else if (a.descr == "<f4") convert(float{});
  else if (a.descr == "<f8") convert(double{});
  else if (a.descr == "<i4") convert(int32_t{});
  else if (a.descr == "<i8") convert(int64_t{});
  else fail_input("'sequences' has dtype " + a.descr + ", expected int8 one-hot", path);
  return out;
}

}  // namespace

RegionSet load_regions_npz(const std::string& path) {
  npz::NpzReader npz(path);
  npz::NpyArray seq = npz.load("sequences");
  npz::NpyArray con = npz.load("contributions");
  if (seq.shape.size() != 3 || seq.shape[1] != 4)
    fail_input("'sequences' has shape " + shape_text(seq.shape) + ", expected (N, 4, L)", path,
               "sequences are one-hot with bases on axis 1, as Fi-NeMo writes them");
  const size_t n = seq.shape[0], length = seq.shape[2];
  const bool compact = con.shape.size() == 2;
  if (!(con.shape.size() == 3 && con.shape[0] == n && con.shape[1] == 4 && con.shape[2] == length) &&
      !(compact && con.shape[0] == n && con.shape[1] == length))
    fail_input("'contributions' has shape " + shape_text(con.shape) + " but 'sequences' is " + shape_text(seq.shape),
               path, "contributions must be (N, 4, L) or (N, L) for the same N and L");
  if (con.descr != "<f2" && con.descr != "<f4" && con.descr != "<f8")
    fail_input("'contributions' has dtype " + con.descr + ", expected float16 or float32", path);

  RegionSet set(n, length, compact ? 1 : 4, con.descr == "<f2");
  set.source = path;
  const size_t values = con.elements();
  if (con.descr == "<f2") std::memcpy(set.half().data(), con.data.data(), values * 2);
  else if (con.descr == "<f4") std::memcpy(set.full().data(), con.data.data(), values * 4);
  else
    for (size_t k = 0; k < values; ++k) {
      double v;
      std::memcpy(&v, con.data.data() + k * 8, 8);
      set.full()[k] = static_cast<float>(v);
    }

  auto& bases = set.bases();
  const std::vector<uint8_t> onehot = one_hot_bytes(seq, path);
  for (size_t i = 0; i < n; ++i)
    for (int b = 0; b < 4; ++b)
      for (size_t l = 0; l < length; ++l) {
        uint8_t v = onehot[(i * 4 + static_cast<size_t>(b)) * length + l];
        if (v == 1) bases[i * length + l] |= static_cast<uint8_t>(1u << b);
        else if (v != 0)
          fail_input("'sequences' is not one-hot: region " + std::to_string(i) + " has a value other than 0 and 1 "
                         "at position " + std::to_string(l),
                     path, "sequences must hold 0 and 1 only");
      }

  if (npz.contains("chr")) {
    PeakTable t;
    t.has_coordinates = true;
    t.chrom = npz.load("chr").as_strings("chr");
    if (!npz.contains("start")) fail_input("the file has 'chr' but no 'start'", path, "add region starts");
    t.region_start = npz.load("start").as_i64("start");
    if (npz.contains("peak_name")) t.name = npz.load("peak_name").as_strings("peak_name");
    else t.name.assign(t.chrom.size(), ".");
    if (t.region_start.size() != t.chrom.size() || t.name.size() != t.chrom.size())
      fail_input("'chr', 'start' and 'peak_name' differ in length", path);
    // A negative start would become a negative BED coordinate in the hits.
    for (size_t i = 0; i < t.region_start.size(); ++i)
      if (t.region_start[i] < 0 || t.region_start[i] > INT64_MAX - static_cast<int64_t>(length))
        fail_input("'start' of region " + std::to_string(i) + " (" + text_excerpt(t.chrom[i], 40) + ", " +
                       text_excerpt(t.name[i], 40) + ") is " + (t.region_start[i] < 0 ? "negative" : "too large") +
                       " (" + std::to_string(t.region_start[i]) + ")",
                   path, "region starts are 0-based genome coordinates: check how the .npz was written");
    if (npz.contains("chr_id")) {
      auto ids = npz.load("chr_id").as_i64("chr_id");
      if (ids.size() != t.chrom.size()) fail_input("'chr_id' and 'chr' differ in length", path);
      for (auto v : ids) t.chrom_rank.push_back(static_cast<uint32_t>(v));
    } else {
      t.rank_chromosomes();
    }
    set.attach(std::move(t), path + " (chr, start)");
  }
  return set;
}

}  // namespace s2f::hits
