#include "s2f/tracks/track_sink.hpp"

#include <cmath>
#include <unordered_map>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::tracks {
namespace {

// Softmax over one window's bins (max subtracted, double sums), times `scale`.
void softmax(std::vector<float>& v, double scale) {
  float top = -INFINITY;
  for (float x : v) top = std::max(top, x);
  double total = 0;
  for (float x : v) total += std::exp(static_cast<double>(x) - top);
  for (float& x : v) x = static_cast<float>(std::exp(static_cast<double>(x) - top) / total * scale);
}

class TrackSink : public stream::RecordSink {
 public:
  TrackSink(const stream::Header& h, const std::string& name, const TrackOutputOptions& o)
      : name_(name), layout_(plan_tracks(h, name, o.layout)) {
    const auto& schema = h.schema;
    id_ = schema.index("id");
    chrom_ = schema.index("chrom");
    start_ = schema.index("start");
    allele_ = schema.find("allele");
    strand_ = schema.find("strand");
    seq_ = schema.find("seq");
    if (h.kind == stream::kind::contributions && seq_ < 0) fail_input("the contributions stream has no 'seq' field", name);
    for (size_t c = 0; c < layout_.chromosomes.size(); ++c) chrom_index_[layout_.chromosomes[c].name] = c;
    for (const auto& s : layout_.sources) {
      auto& outs = outputs_.emplace_back();
      if (!o.bigwig_prefix.empty())
        outs.push_back(open_bigwig(track_file_path(o.bigwig_prefix, s.name, "bw"), layout_.chromosomes));
      if (!o.bedgraph_prefix.empty())
        outs.push_back(open_bedgraph(track_file_path(o.bedgraph_prefix, s.name, "bedGraph"), layout_.chromosomes));
      auto& st = stitchers_.emplace_back();
      for (auto& f : outs) st.push_back(std::make_unique<WindowStitcher>(o.stitch, *f));
    }
  }

  uint64_t write(const stream::Batch& b, size_t r0, size_t r1) override {
    for (size_t r = r0; r < r1; ++r) {
      const auto [chrom, start] = place(b, r);
      for (size_t i = 0; i < layout_.sources.size(); ++i) {
        const TrackSource& s = layout_.sources[i];
        values(b, r, s);
        for (auto& st : stitchers_[i])
          st->add(chrom, start + s.offset, s.bin_size, values_.data(), values_.size());
      }
    }
    return r1 - r0;
  }

  void finish() override {
    uint64_t non_finite = 0;
    for (auto& st : stitchers_)
      for (auto& s : st) s->finish();
    // Every stitcher sees the same windows: the first one's count is the run's.
    const uint64_t repeated = stitchers_[0][0]->repeated();
    for (auto& outs : outputs_)
      for (auto& f : outs) {
        f->finish();
        non_finite += f->non_finite();
      }
    if (non_finite)
      warn(std::to_string(non_finite) + " NaN/inf value(s) were left out of the tracks (no data at those bins)");
    if (repeated)
      warn(std::to_string(repeated) + " window(s) repeat the position of the record before them; the first of each was written");
  }

 private:
  // The record's chromosome and window start, after the checks a track needs.
  std::pair<size_t, int64_t> place(const stream::Batch& b, size_t r) {
    const std::string_view id = b.str(id_, r);
    const int64_t start = b.scalar<int64_t>(start_, r);
    if (start < 0)
      fail_input("record '" + std::string(id) + "' has no genomic window (start -1)", name_,
                 "tracks need windows encoded from a genome (s2f-encode -g)");
    if (allele_ >= 0 && b.scalar<uint8_t>(static_cast<size_t>(allele_), r) == stream::kAlleleAlt)
      fail_input("record '" + std::string(id) + "' is a variant's alt window", name_,
                 "tracks show the reference genome: predict positions or intervals (not a VCF)");
    if (strand_ >= 0 && b.scalar<uint8_t>(static_cast<size_t>(strand_), r) == '-')
      fail_input("record '" + std::string(id) + "' is a reverse-complemented ('-' strand) window", name_,
                 "tracks are written from forward windows: encode without --strand-column");
    const std::string_view chrom = b.str(chrom_, r);
    auto it = chrom_index_.find(std::string(chrom));
    if (it == chrom_index_.end())
      fail_input("record '" + std::string(id) + "' is on " + std::string(chrom) +
                     ", which the stream's reference index does not list",
                 name_, "the records and their header disagree: encode them again");
    const size_t c = it->second;
    if (start + layout_.window_length > layout_.chromosomes[c].length)
      fail_input("record '" + std::string(id) + "' ends past the end of " + std::string(chrom) + " (" +
                     std::to_string(layout_.chromosomes[c].length) + " bp in the reference index)",
                 name_, "the records and their header disagree: encode them again");
    if (any_ && (c < last_chrom_ || (c == last_chrom_ && start < last_start_)))
      fail_input("records are not in genome order: '" + std::string(id) + "' (" + std::string(chrom) + ":" +
                     std::to_string(start) + ") comes after '" + last_id_ + "' (" +
                     layout_.chromosomes[last_chrom_].name + ":" + std::to_string(last_start_) + ")",
                 name_,
                 "track files need windows sorted by chromosome (reference order) and start, and are written "
                 "without sorting: tile with s2f-sample-positions --strategy tile, or sort the BED before encoding");
    any_ = true;
    last_chrom_ = c;
    last_start_ = start;
    last_id_ = id;
    return {c, start};
  }

  float value_at(const stream::Batch& b, size_t field, size_t r, size_t k) const {
    const auto& f = b.schema()[field];
    if (f.dtype == stream::DType::f16) return stream::half_to_float(b.fixed<uint16_t>(field, r)[k]);
    return b.fixed<float>(field, r)[k];
  }

  // One record's values of one track, transformed, into values_.
  void values(const stream::Batch& b, size_t r, const TrackSource& s) {
    values_.resize(static_cast<size_t>(s.bins));
    switch (s.kind) {
      case TrackSource::Kind::profile:
      case TrackSource::Kind::scalar: {
        const size_t base = s.channel * static_cast<size_t>(s.values);
        for (size_t k = 0; k < values_.size(); ++k) values_[k] = value_at(b, s.field, r, base + k);
        if (s.kind == TrackSource::Kind::profile && s.transform == ProfileTransform::probabilities) softmax(values_, 1.0);
        if (s.kind == TrackSource::Kind::profile && s.transform == ProfileTransform::counts)
          softmax(values_, std::exp(static_cast<double>(value_at(b, s.counts_field, r, s.counts_channel))));
        break;
      }
      case TrackSource::Kind::score:
        values_[0] = value_at(b, s.field, r, s.channel);
        break;
      case TrackSource::Kind::contribution: {
        // Projected: the hypothetical contribution of the base present.
        const auto contrib = b.fixed<float>(s.field, r);
        const auto seq = b.fixed<uint8_t>(static_cast<size_t>(seq_), r);
        for (size_t k = 0; k < values_.size(); ++k) {
          const size_t l = static_cast<size_t>(s.offset) + k;
          int base = -1;
          switch (seq[l] | 0x20) {
            case 'a': base = 0; break;
            case 'c': base = 1; break;
            case 'g': base = 2; break;
            case 't': base = 3; break;
            default: break;
          }
          values_[k] = base < 0 ? 0.0f : contrib[l * 4 + static_cast<size_t>(base)];
        }
        break;
      }
    }
  }

  std::string name_;
  TrackLayout layout_;
  size_t id_ = 0, chrom_ = 0, start_ = 0;
  int allele_ = -1, strand_ = -1, seq_ = -1;
  std::unordered_map<std::string, size_t> chrom_index_;
  std::vector<std::vector<std::unique_ptr<TrackFile>>> outputs_;         // per source: bigWig, bedGraph
  std::vector<std::vector<std::unique_ptr<WindowStitcher>>> stitchers_;  // one per output
  std::vector<float> values_;
  bool any_ = false;
  size_t last_chrom_ = 0;
  int64_t last_start_ = 0;
  std::string last_id_;
};

}  // namespace

std::string track_file_path(const std::string& prefix, const std::string& name, const std::string& extension) {
  if (!prefix.empty() && prefix.back() == '/') return prefix + name + "." + extension;
  return prefix + "." + name + "." + extension;
}

std::string track_manifest(const stream::Header& header, const std::string& stream_name,
                           const TrackOutputOptions& options) {
  std::string out = "track_id\tfile\n";
  for (const auto& s : plan_tracks(header, stream_name, options.layout).sources) {
    if (!options.bigwig_prefix.empty())
      out += s.track_id + "\t" + track_file_path(options.bigwig_prefix, s.name, "bw") + "\n";
    if (!options.bedgraph_prefix.empty())
      out += s.track_id + "\t" + track_file_path(options.bedgraph_prefix, s.name, "bedGraph") + "\n";
  }
  return out;
}

std::unique_ptr<stream::RecordSink> track_sink(const stream::Header& header, const std::string& stream_name,
                                               const TrackOutputOptions& options) {
  return std::make_unique<TrackSink>(header, stream_name, options);
}

}  // namespace s2f::tracks
