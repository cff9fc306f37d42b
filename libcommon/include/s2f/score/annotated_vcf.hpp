// The input VCF annotated with scores (s2f-view --annotate-vcf): every
// record of the VCF/BCF the variants were encoded from, in its order and
// unchanged, plus one INFO field per statistic x track of a scores stream,
//   ##INFO=<ID=<PREFIX>_<statistic>_<track>,Number=A,Type=Float,
//           Description="s2f-score <statistic> of track <track id>; model
//           <hash>; window <w> bp; ...">
// (the track id's '/'-separated parts joined by '.', a part '+' or '-'
// written plus or minus, other characters than letters, digits, '_' and '.'
// written as '_': profile/GM12878 DNase/+ -> S2F_jsd_profile.GM12878_DNase.plus).
// Number=A: a multi-allelic record stays one line, with one value per ALT
// in ALT order; an ALT with no score (not encodable, or skipped by
// s2f-encode) gets '.', and is counted in a warning. A score is matched to
// its ALT by chromosome (with or without "chr", M = MT), position, REF and
// ALT. Written through htslib as BGZF VCF (.vcf.gz, indexed .tbi, or .csi
// with csi) or BCF (.bcf, indexed .csi), under a temporary name renamed
// with its index at the end; a scores record that matches no VCF record is
// an error (scores of another VCF), and nothing is written.
#pragma once
#include <string>
#include <vector>

#include "s2f/run.hpp"

namespace s2f::score {

struct VcfAnnotationOptions {
  std::string vcf;            // the VCF/BCF the scores were computed from
  std::string output;         // .vcf.gz or .bcf
  std::string prefix = "S2F"; // INFO ID prefix
  bool csi = false;           // .vcf.gz: CSI index instead of tabix
};

// Reads the scores streams (one or several shards, in order) and writes the
// annotated VCF and its index; counts VCF records in run.records_in/out.
void annotate_vcf(const std::vector<std::string>& scores, const VcfAnnotationOptions& options, Run& run);

// The INFO ID of a statistic and track.
std::string info_field_id(const std::string& prefix, const std::string& statistic, const std::string& track);

}  // namespace s2f::score
