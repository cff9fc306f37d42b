#include "s2f/catalog/stream_track_filter.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "s2f/catalog/track_selector.hpp"
#include "s2f/error.hpp"

namespace s2f::catalog {

StreamTrackFilter::StreamTrackFilter(const stream::Header& input, const TrackFilterOptions& options) {
  const auto& meta = input.meta;
  if (!meta.contains("tracks"))
    fail_usage("this " + input.kind + " stream carries no track catalog to select from",
               "select tracks where they are created (s2f-predict --select)");
  TrackCatalog cat = TrackCatalog::from_json(meta["tracks"]);
  std::vector<bool> keep_row(cat.size(), true);
  if (!options.include_padding)
    for (size_t r = 0; r < cat.size(); ++r) keep_row[r] = !cat.is_padding(r);
  if (!options.selects.empty() || !options.select_file.empty()) {
    TrackSelector sel(cat);
    for (const auto& s : options.selects) sel.where(s);
    if (!options.select_file.empty()) sel.where_file(options.select_file);
    sel.allow_empty(options.allow_empty);
    auto mask = sel.mask();
    size_t n = 0;
    for (size_t r = 0; r < cat.size(); ++r) n += (keep_row[r] = keep_row[r] && mask[r]);
    if (n == 0 && !options.allow_empty)
      fail_usage("no tracks match the selection", "loosen --select or pass --allow-empty");
  }
  std::vector<size_t> kept;
  std::vector<int64_t> new_index(cat.size(), -1);
  for (size_t r = 0; r < cat.size(); ++r)
    if (keep_row[r]) {
      new_index[r] = static_cast<int64_t>(kept.size());
      kept.push_back(r);
    }
  selected_ = cat.subset(kept);

  // Which catalog rows each per-track field's first axis holds.
  std::map<std::string, std::vector<size_t>> axis_rows;
  std::map<std::string, size_t> head_entry;
  if (meta.contains("geometry") && meta["geometry"].contains("heads") && meta["geometry"]["heads"].is_array()) {
    const auto& heads = meta["geometry"]["heads"];
    for (size_t i = 0; i < heads.size(); ++i) {
      if (!heads[i].contains("name") || !heads[i].contains("output_type")) continue;
      auto name = heads[i]["name"].get<std::string>();
      auto ot = heads[i]["output_type"].get<std::string>();
      std::vector<size_t> rows;
      for (size_t r = 0; r < cat.size(); ++r)
        if (auto v = cat.get(r, kOutputType); v && *v == ot) rows.push_back(r);
      axis_rows[name] = rows;
      head_entry[name] = i;
    }
  }
  bool flat = input.kind == "scores" || input.kind == "values";

  header_ = input;
  header_.schema = stream::Schema();
  std::vector<size_t> dropped_heads;  // entries of meta.geometry.heads
  for (size_t i = 0; i < input.schema.size(); ++i) {
    stream::Field f = input.schema[i];
    const std::vector<size_t>* rows = nullptr;
    std::vector<size_t> all;
    if (auto it = axis_rows.find(f.name); it != axis_rows.end() && !f.variable() && !f.shape.empty()) {
      rows = &it->second;
    } else if (flat && !f.variable() && !f.shape.empty() && f.shape[0] == static_cast<int64_t>(cat.size()) &&
               (f.dtype == stream::DType::f32 || f.dtype == stream::DType::f16)) {
      for (size_t r = 0; r < cat.size(); ++r) all.push_back(r);
      rows = &all;
    }
    if (!rows) {
      plain_.emplace_back(i, header_.schema.size());
      header_.schema.add(f);
      continue;
    }
    if (f.shape[0] != static_cast<int64_t>(rows->size()))
      fail_input("field '" + f.name + "' has " + std::to_string(f.shape[0]) + " tracks but the catalog lists " +
                     std::to_string(rows->size()),
                 "stream header", "the stream's catalog and tensors disagree; rewrite it with the stage that made it");
    FieldSlice s;
    s.in_field = i;
    s.inner = static_cast<int64_t>(f.elements()) / std::max<int64_t>(f.shape[0], 1);
    std::vector<std::string> ids;
    for (size_t k = 0; k < rows->size(); ++k)
      if (keep_row[(*rows)[k]]) {
        s.keep.push_back(static_cast<int64_t>(k));
        ids.push_back(selected_.track_id(static_cast<size_t>(new_index[(*rows)[k]])));
      }
    auto h = head_entry.find(f.name);
    // One rule with s2f-predict (track_plan.cpp): a head left with no
    // tracks is left out, unless empty selections are allowed.
    if (s.keep.empty() && !options.allow_empty && h != head_entry.end()) {
      dropped_heads.push_back(h->second);
      continue;
    }
    f.shape[0] = static_cast<int64_t>(s.keep.size());
    s.out_field = header_.schema.size();
    header_.schema.add(f);
    slices_.push_back(std::move(s));
    if (h != head_entry.end()) header_.meta["geometry"]["heads"][h->second]["track_ids"] = ids;
  }
  std::sort(dropped_heads.rbegin(), dropped_heads.rend());
  for (size_t i : dropped_heads) header_.meta["geometry"]["heads"].erase(i);
  header_.meta["tracks"] = selected_.to_json();
}

void StreamTrackFilter::copy(const stream::Batch& in, size_t rec, stream::Batch& out) const {
  size_t r = out.add_record();
  for (auto [i, j] : plain_) {
    const auto& s = in.column(i);
    if (s.variable) {
      out.set_var_raw(j, r, s.data.data() + s.offsets[rec] * s.esize, s.offsets[rec + 1] - s.offsets[rec]);
    } else {
      auto& d = out.column_mut(j);
      std::memcpy(d.data.data() + r * d.elems * d.esize, s.data.data() + rec * s.elems * s.esize, s.elems * s.esize);
    }
  }
  for (const auto& sl : slices_) {
    const auto& s = in.column(sl.in_field);
    auto& d = out.column_mut(sl.out_field);
    const uint8_t* src = s.data.data() + rec * s.elems * s.esize;
    uint8_t* dst = d.data.data() + r * d.elems * d.esize;
    size_t chunk = static_cast<size_t>(sl.inner) * s.esize;
    for (size_t k = 0; k < sl.keep.size(); ++k)
      std::memcpy(dst + k * chunk, src + static_cast<size_t>(sl.keep[k]) * chunk, chunk);
  }
}

void StreamTrackFilter::slice(stream::Batch& batch) {
  scratch_.reset(header_.schema);
  for (size_t r = 0; r < batch.size(); ++r) copy(batch, r, scratch_);
  std::swap(batch, scratch_);
}

}  // namespace s2f::catalog
