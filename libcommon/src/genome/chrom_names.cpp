#include "s2f/genome/chrom_names.hpp"

#include "s2f/text_excerpt.hpp"

#include <charconv>

namespace s2f::genome {

namespace {
bool is_mito(std::string_view n) { return n == "chrM" || n == "MT" || n == "chrMT" || n == "M"; }
}  // namespace

std::vector<std::string> chromosome_aliases(std::string_view name) {
  std::vector<std::string> out{std::string(name)};
  if (is_mito(name)) {
    for (const char* m : {"chrM", "MT", "chrMT", "M"})
      if (name != m) out.emplace_back(m);
    return out;
  }
  if (name.starts_with("chr")) out.emplace_back(name.substr(3));
  else out.push_back("chr" + std::string(name));
  return out;
}

bool is_human_autosome(std::string_view name) {
  if (name.starts_with("chr")) name.remove_prefix(3);
  int v = 0;
  auto r = std::from_chars(name.data(), name.data() + name.size(), v);
  return r.ec == std::errc{} && r.ptr == name.data() + name.size() && v >= 1 && v <= 22 && name[0] != '0';
}

ChromosomeNames::ChromosomeNames(const std::vector<Contig>& contigs) : contigs_(contigs) {
  for (size_t i = 0; i < contigs.size(); ++i) exact_.emplace(contigs[i].name, static_cast<int>(i));
}

int ChromosomeNames::resolve(std::string_view name) {
  std::string key(name);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  int found = -1;
  for (const auto& alias : chromosome_aliases(name)) {
    if (auto e = exact_.find(alias); e != exact_.end()) {
      found = e->second;
      if (alias != key) mapped_[key] = alias;
      break;
    }
  }
  memo_.emplace(std::move(key), found);
  return found;
}

std::string ChromosomeNames::mapping_summary() const {
  if (mapped_.empty()) return {};
  std::string s = "chromosome names were mapped to the genome's spelling: ";
  size_t shown = 0;
  for (const auto& [from, to] : mapped_) {
    if (shown == 5) {
      s += ", ... (" + std::to_string(mapped_.size()) + " in all)";
      break;
    }
    if (shown++) s += ", ";
    s += text_excerpt(from, 40) + " -> " + text_excerpt(to, 40);
  }
  return s;
}

}  // namespace s2f::genome
