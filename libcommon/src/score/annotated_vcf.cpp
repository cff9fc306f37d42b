#include "s2f/score/annotated_vcf.hpp"

#include <htslib/hts.h>
#include <htslib/vcf.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::score {

namespace {

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// s2f-encode harmonises chr1/1 and chrM/MT to the genome's names, so the
// scores may name a chromosome as the genome does and the VCF differently.
std::string chrom_key(std::string_view chrom) {
  std::string c(chrom);
  if (c.size() > 3 && (c.compare(0, 3, "chr") == 0 || c.compare(0, 3, "Chr") == 0 || c.compare(0, 3, "CHR") == 0))
    c = c.substr(3);
  if (c == "M") c = "MT";
  return c;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return u;
}

std::string variant_key(std::string_view chrom, int64_t pos0, std::string_view ref, std::string_view alt) {
  return chrom_key(chrom) + '\t' + std::to_string(pos0) + '\t' + upper(ref) + '\t' + upper(alt);
}

std::string description_text(std::string s) {
  for (auto& ch : s)
    if (ch == '"' || ch == '\n' || ch == '\r') ch = '\'';
  return s;
}

// Every score of every scores record, by variant.
struct ScoreTable {
  std::vector<std::string> fields, tracks;
  nlohmann::json geometry, model;
  std::unordered_map<std::string, size_t> rows;  // variant key -> row
  std::vector<std::string> row_ids;
  std::vector<bool> row_used;
  std::vector<float> values;  // rows x fields x tracks

  void read(const std::string& path) {
    auto in = stream::Reader::open(path);
    in->expect_kind({stream::kind::scores});
    const auto& h = in->header();
    const auto& meta = h.meta;
    std::vector<std::string> ids;
    if (meta.contains("score") && meta["score"].contains("track_ids"))
      ids = meta["score"]["track_ids"].get<std::vector<std::string>>();
    if (ids.empty()) fail_input("the scores stream does not list its tracks (meta.score.track_ids)", path);
    std::vector<size_t> cols;
    std::vector<std::string> names;
    for (size_t i = 0; i < h.schema.size(); ++i) {
      const auto& f = h.schema[i];
      if (f.dtype == stream::DType::f32 && f.shape.size() == 1 && f.shape[0] == static_cast<int64_t>(ids.size()))
        cols.push_back(i), names.push_back(f.name);
    }
    for (const char* need : {"chrom", "pos", "ref", "alt", "id"})
      if (h.schema.find(need) < 0)
        fail_input(std::string("the scores stream has no '") + need + "' field to match VCF records with", path,
                   "annotate with the scores of variants (s2f-encode --vcf, s2f-predict, s2f-score)");
    if (fields.empty()) {
      fields = names, tracks = ids;
      if (meta.contains("score") && meta["score"].contains("geometry")) geometry = meta["score"]["geometry"];
      if (meta.contains("model")) model = meta["model"];
    } else if (fields != names || tracks != ids) {
      fail_input("the scores stream has other statistics or tracks than the first one", path,
                 "join shards of one s2f-score run only");
    }
    const size_t chrom = h.schema.index("chrom"), pos = h.schema.index("pos"), ref = h.schema.index("ref"),
                 alt = h.schema.index("alt"), id = h.schema.index("id");
    stream::Batch b;
    while (in->next(b))
      for (size_t r = 0; r < b.size(); ++r) {
        auto key = variant_key(b.str(chrom, r), b.scalar<int64_t>(pos, r), b.str(ref, r), b.str(alt, r));
        if (b.str(alt, r).empty()) continue;  // a single window has no ALT to annotate
        if (!rows.emplace(key, row_ids.size()).second) continue;  // the same variant given twice: same scores
        row_ids.emplace_back(b.str(id, r));
        row_used.push_back(false);
        for (size_t c = 0; c < cols.size(); ++c) {
          auto v = b.fixed<float>(cols[c], r);
          values.insert(values.end(), v.begin(), v.end());
        }
      }
  }
};

struct Hts {
  htsFile* in = nullptr;
  htsFile* out = nullptr;
  bcf_hdr_t* hin = nullptr;
  bcf_hdr_t* hout = nullptr;
  bcf1_t* rec = bcf_init();
  ~Hts() {
    bcf_destroy(rec);
    if (hout) bcf_hdr_destroy(hout);
    if (hin) bcf_hdr_destroy(hin);
    if (out) hts_close(out);
    if (in) hts_close(in);
  }
};

}  // namespace

std::string info_field_id(const std::string& prefix, const std::string& statistic, const std::string& track) {
  // A track id's components ('/'-separated) join with '.'; a strand
  // component '+' or '-' is spelled out, so + and - tracks stay apart.
  std::string id = prefix + "_" + statistic + "_";
  size_t begin = 0;
  while (begin <= track.size()) {
    size_t end = track.find('/', begin);
    if (end == std::string::npos) end = track.size();
    std::string part = track.substr(begin, end - begin);
    if (part == "+") part = "plus";
    else if (part == "-") part = "minus";
    for (auto& ch : part)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.') ch = '_';
    id += (begin == 0 ? "" : ".") + part;
    begin = end + 1;
  }
  return id;
}

void annotate_vcf(const std::vector<std::string>& scores, const VcfAnnotationOptions& o, Run& run) {
  const bool bcf = ends_with(o.output, ".bcf");
  if (!bcf && !ends_with(o.output, ".vcf.gz"))
    fail_usage("--annotate-vcf writes -o FILE.vcf.gz (BGZF, indexed) or FILE.bcf; '" + o.output + "' is neither");
  ScoreTable table;
  for (const auto& s : scores) table.read(s);

  Hts h;
  h.in = hts_open(o.vcf.c_str(), "r");
  if (!h.in) fail_io("cannot open the VCF", o.vcf, "check the path (plain, bgzip or BCF)");
  h.hin = bcf_hdr_read(h.in);
  if (!h.hin) fail_input("cannot read the VCF header", o.vcf, "check that the file is a VCF or BCF");

  // One INFO field per statistic and track.
  const std::string model = table.model.contains("hash") ? table.model["hash"].dump() : "unknown";
  const std::string window =
      table.geometry.contains("window") ? table.geometry["window"].dump() + " bp" : std::string("unrecorded");
  std::vector<std::string> info_ids;
  std::map<std::string, std::string> seen;
  for (const auto& f : table.fields)
    for (const auto& t : table.tracks) {
      auto id = info_field_id(o.prefix, f, t);
      if (auto [it, added] = seen.emplace(id, t); !added)
        fail_input("tracks '" + it->second + "' and '" + t + "' give the same INFO ID " + id, scores.front(),
                   "select one of them (--select) or rename the tracks in the catalog");
      if (bcf_hdr_id2int(h.hin, BCF_DT_ID, id.c_str()) >= 0 &&
          bcf_hdr_idinfo_exists(h.hin, BCF_HL_INFO, bcf_hdr_id2int(h.hin, BCF_DT_ID, id.c_str())))
        fail_input("the VCF already has an INFO field " + id, o.vcf,
                   "remove it first (bcftools annotate -x INFO/" + id + ") or pick another --info-prefix");
      std::string desc = "s2f-score " + f + " of track " + t + "; model " + model + "; window " + window;
      if (table.geometry.contains("scorer")) desc += "; scorer " + table.geometry["scorer"].get<std::string>();
      else if (table.geometry.contains("pseudocount")) desc += "; pseudocount " + table.geometry["pseudocount"].dump();
      std::string line = "##INFO=<ID=" + id + ",Number=A,Type=Float,Description=\"" + description_text(desc) + "\">";
      if (bcf_hdr_append(h.hin, line.c_str()) != 0) fail_input("htslib refused the header line " + line, o.vcf);
      info_ids.push_back(id);
    }
  std::string command = "##s2f-view_command=" + description_text(run.command_line);
  bcf_hdr_append(h.hin, command.c_str());
  if (bcf_hdr_sync(h.hin) != 0) fail_input("htslib could not build the output header", o.vcf);

  // Written under a temporary name with its index, renamed at the end.
  const std::string tmp = o.output + ".partial." + std::to_string(::getpid()) + (bcf ? ".bcf" : ".vcf.gz");
  const bool csi = bcf || o.csi;
  const std::string tmp_index = tmp + (csi ? ".csi" : ".tbi"), index = o.output + (csi ? ".csi" : ".tbi");
  struct Cleanup {
    std::string a, b;
    bool keep = false;
    ~Cleanup() {
      if (keep) return;
      std::error_code ec;
      std::filesystem::remove(a, ec);
      std::filesystem::remove(b, ec);
    }
  } cleanup{tmp, tmp_index};
  h.out = hts_open(tmp.c_str(), bcf ? "wb" : "wz");
  if (!h.out) fail_io("cannot write", o.output, "check that the directory exists and is writable");
  if (bcf_hdr_write(h.out, h.hin) != 0) fail_io("cannot write the VCF header", o.output);
  const int ids_written = h.hin->n[BCF_DT_ID], contigs_written = h.hin->n[BCF_DT_CTG];

  const size_t n_tracks = table.tracks.size(), width = table.fields.size() * n_tracks;
  std::vector<float> vals;
  uint64_t alts = 0, missing = 0, record = 0;
  int ret;
  while ((ret = bcf_read(h.in, h.hin, h.rec)) == 0) {
    ++record;
    // htslib adds what a record uses and the header lacks; the header is
    // written already, so such a record cannot be carried over faithfully.
    if (h.hin->n[BCF_DT_ID] != ids_written || h.hin->n[BCF_DT_CTG] != contigs_written)
      fail_input("record " + std::to_string(record) + " (" + bcf_seqname_safe(h.hin, h.rec) + ":" +
                     std::to_string(h.rec->pos + 1) + ") uses a contig, INFO or FORMAT field its header does not define",
                 o.vcf, "add the ##contig/##INFO/##FORMAT lines first (bcftools reheader, bcftools annotate -h)");
    bcf_unpack(h.rec, BCF_UN_STR);
    const int n_alt = h.rec->n_allele - 1;
    if (n_alt > 0) {
      const char* chrom = bcf_seqname_safe(h.hin, h.rec);
      std::vector<const float*> row(static_cast<size_t>(n_alt), nullptr);
      for (int a = 0; a < n_alt; ++a) {
        ++alts;
        auto it = table.rows.find(variant_key(chrom, h.rec->pos, h.rec->d.allele[0], h.rec->d.allele[a + 1]));
        if (it == table.rows.end()) {
          ++missing;
          continue;
        }
        table.row_used[it->second] = true;
        row[static_cast<size_t>(a)] = table.values.data() + it->second * width;
      }
      vals.resize(static_cast<size_t>(n_alt));
      for (size_t k = 0; k < info_ids.size(); ++k) {
        bool any = false;
        for (int a = 0; a < n_alt; ++a) {
          auto* r = row[static_cast<size_t>(a)];
          if (r) vals[static_cast<size_t>(a)] = r[k], any = true;
          else bcf_float_set_missing(vals[static_cast<size_t>(a)]);
        }
        if (any && bcf_update_info_float(h.hin, h.rec, info_ids[k].c_str(), vals.data(), n_alt) != 0)
          fail_input("htslib could not set " + info_ids[k] + " on record " + std::to_string(record), o.vcf);
      }
    }
    if (bcf_write(h.out, h.hin, h.rec) != 0) fail_io("cannot write record " + std::to_string(record), o.output);
  }
  if (ret < -1) fail_input("htslib could not read record " + std::to_string(record + 1), o.vcf, "check the VCF");
  for (size_t r = 0; r < table.row_used.size(); ++r)
    if (!table.row_used[r])
      fail_input("the scores of variant '" + table.row_ids[r] + "' match no record of the VCF", o.vcf,
                 "annotate the VCF the variants were encoded from");
  if (hts_close(h.out) != 0) fail_io("cannot finish", o.output);
  h.out = nullptr;
  if (bcf_index_build3(tmp.c_str(), tmp_index.c_str(), csi ? 14 : 0, 1) != 0)
    fail_input("htslib could not index the output (is the VCF sorted by position within each chromosome?)", o.vcf,
               "sort it first: bcftools sort");
  std::filesystem::rename(tmp_index, index);
  std::filesystem::rename(tmp, o.output);
  cleanup.keep = true;
  run.records_in = record;
  run.records_out = record;
  if (missing > 0)
    warn(std::to_string(missing) + " of " + std::to_string(alts) +
         " ALT alleles have no score (not encodable or skipped when encoding); their INFO values are '.'");
}

}  // namespace s2f::score
