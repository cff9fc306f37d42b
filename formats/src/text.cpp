#include "s2f/stream/text.hpp"

#include <charconv>
#include <cmath>

namespace s2f::stream {

void append_float(std::string& out, double v, bool single_precision) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  char buf[64];
  auto r = single_precision ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                            : std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

namespace {

template <class T> void append_int(std::string& out, T v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_element(std::string& out, DType t, const uint8_t* p, bool as_char) {
  switch (t) {
    case DType::u8:
      if (as_char) out += static_cast<char>(*p);
      else append_int(out, *p);
      break;
    case DType::i8: append_int(out, *reinterpret_cast<const int8_t*>(p)); break;
    case DType::u16: append_int(out, *reinterpret_cast<const uint16_t*>(p)); break;
    case DType::i16: append_int(out, *reinterpret_cast<const int16_t*>(p)); break;
    case DType::u32: append_int(out, *reinterpret_cast<const uint32_t*>(p)); break;
    case DType::i32: append_int(out, *reinterpret_cast<const int32_t*>(p)); break;
    case DType::u64: append_int(out, *reinterpret_cast<const uint64_t*>(p)); break;
    case DType::i64: append_int(out, *reinterpret_cast<const int64_t*>(p)); break;
    case DType::f16: append_float(out, half_to_float(*reinterpret_cast<const uint16_t*>(p)), true); break;
    case DType::f32: append_float(out, *reinterpret_cast<const float*>(p), true); break;
    case DType::f64: append_float(out, *reinterpret_cast<const double*>(p), false); break;
    case DType::str: out += static_cast<char>(*p); break;
  }
}

}  // namespace

void append_field_text(std::string& out, const Batch& batch, size_t field, size_t rec) {
  const Field& f = batch.schema()[field];
  const auto& c = batch.column(field);
  if (f.dtype == DType::str) {
    out += batch.str(field, rec);
    return;
  }
  // Sequences of base codes read best as text.
  bool as_char = f.dtype == DType::u8 &&
                 (f.name == "strand" || f.name == "allele" || f.name == "window_allele" ||
                  f.name == "background_allele" || f.name == "seq");
  size_t begin, count;
  if (c.variable) {
    begin = c.offsets[rec];
    count = c.offsets[rec + 1] - begin;
  } else {
    begin = rec * c.elems;
    count = c.elems;
  }
  const uint8_t* p = c.data.data() + begin * c.esize;
  bool sep = !(as_char && f.name == "seq");
  for (size_t i = 0; i < count; ++i) {
    if (i && sep) out += ',';
    append_element(out, f.dtype, p + i * c.esize, as_char);
  }
}

std::string tsv_header_line(const Schema& schema) {
  std::string s;
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i) s += '\t';
    s += schema[i].name;
  }
  return s + '\n';
}

void append_tsv_line(std::string& out, const Batch& batch, size_t rec) {
  for (size_t i = 0; i < batch.schema().size(); ++i) {
    if (i) out += '\t';
    append_field_text(out, batch, i, rec);
  }
  out += '\n';
}

}  // namespace s2f::stream

#include "s2f/error.hpp"

namespace s2f::stream {

CoordinateText::CoordinateText(const std::string& kind, const Schema& schema, int64_t window_length)
    : kind_(kind), length_(window_length) {
  id_ = schema.find("id");
  chrom_ = schema.find("chrom");
  pos_ = schema.find("pos");
  start_ = schema.find("start");
  end_ = schema.find("end");
  strand_ = schema.find("strand");
  ref_ = schema.find("ref");
  alt_ = schema.find("alt");
  allele_ = schema.find("allele");
  if (kind == "hits") {
    name_ = schema.find("motif_name");
    score_ = schema.find("hit_coefficient");
  }
  if (chrom_ < 0 || (pos_ < 0 && start_ < 0))
    fail_usage("a " + kind + " stream has no genomic coordinates to write as BED/VCF",
               "use the default TSV output");
}

void CoordinateText::append_bed(std::string& out, const Batch& b, size_t r) const {
  int64_t start, end;
  if (end_ >= 0 && start_ >= 0) {  // intervals, hits
    start = b.scalar<int64_t>(start_, r);
    end = b.scalar<int64_t>(end_, r);
  } else if (start_ >= 0 && b.scalar<int64_t>(start_, r) >= 0 && length_ > 0) {  // windows
    start = b.scalar<int64_t>(start_, r);
    end = start + length_;
  } else if (pos_ >= 0) {
    start = b.scalar<int64_t>(pos_, r);
    int64_t len = ref_ >= 0 ? std::max<int64_t>(1, static_cast<int64_t>(b.str(ref_, r).size())) : 1;
    end = start + len;
  } else {
    start = b.scalar<int64_t>(start_, r);
    end = start + 1;
  }
  out += b.str(chrom_, r);
  out += '\t' + std::to_string(start) + '\t' + std::to_string(end) + '\t';
  if (name_ >= 0) out += b.str(name_, r);
  else if (id_ >= 0) out += b.str(id_, r);
  else out += '.';
  out += '\t';
  if (score_ >= 0) append_float(out, b.scalar<float>(score_, r), true);
  else out += '0';
  out += '\t';
  out += strand_ >= 0 ? static_cast<char>(b.scalar<uint8_t>(strand_, r)) : '.';
  out += '\n';
}

bool CoordinateText::append_vcf(std::string& out, const Batch& b, size_t r) const {
  if (pos_ < 0 || ref_ < 0 || alt_ < 0)
    fail_usage("a " + kind_ + " stream has no variants to write as VCF", "use --bed or TSV output");
  if (allele_ >= 0 && b.scalar<uint8_t>(allele_, r) == static_cast<uint8_t>('A')) return false;
  auto ref = b.str(ref_, r), alt = b.str(alt_, r);
  if (ref.empty() || alt.empty()) return false;
  out += b.str(chrom_, r);
  out += '\t' + std::to_string(b.scalar<int64_t>(pos_, r) + 1) + '\t';
  auto id = id_ >= 0 ? b.str(id_, r) : std::string_view();
  out += id.empty() ? std::string_view(".") : id;
  out += '\t';
  out += ref;
  out += '\t';
  out += alt;
  out += "\t.\t.\t.\n";
  return true;
}

std::string CoordinateText::vcf_header(const std::string& source) {
  return "##fileformat=VCFv4.2\n##source=" + source + "\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
}

}  // namespace s2f::stream
