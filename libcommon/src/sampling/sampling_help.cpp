// s2f-sample-positions' reference text (its --help below the examples): the
// strategies with their defaults, Selene's samplers, ordering and memory,
// kept beside the code it describes.
#include "s2f/sampling/sampling_run.hpp"

namespace s2f::sampling {

const char* sampling_help_details() {
  return "Strategies (default count, seed, margin):\n"
         "  intergenic        uniform outside genes +- margin and N runs (15000, 789, 10000)\n"
         "  ccre              cCRE midpoints, even quota per SCREEN category (11500, 456)\n"
         "  tss               distinct TSSs of --gene-type transcripts, strand-aware (3000, 111)\n"
         "  gene-body         midpoints of --gene-type genes longer than --min-gene-length (2000, 222)\n"
         "  chorus-baselines  the four above with their defaults, in that order\n"
         "  snps              SNPs on chr1-22 >= margin from the ends, REF from the genome, ALT uniform\n"
         "                    over the other three bases; writes a variants stream (10000, 42, 5000000)\n"
         "  random            Selene: uniform over the genome minus N runs and blacklist (10000, 436, 0)\n"
         "  intervals         Selene: uniform inside --intervals BED (10000, 436, 0)\n"
         "  tile              output windows of --tile-length bp end to end over --chromosomes (default all) or\n"
         "                    the --intervals BED (+- --flank; on --chromosomes only, when given), each written\n"
         "                    as the anchor of its --input-length window: every requested base is covered\n"
         "                    except within (input - tile)/2 bp of a chromosome end (listed in the side file);\n"
         "                    a span's last tile is shifted back to end at the span's end, a span shorter than\n"
         "                    a tile gets one tile centred on it (libcommon/src/genome/WINDOWS.md, \"Tiles\").\n"
         "                    No count or seed; memory is flat.\n"
         "Selene's samplers (random, intervals): --preset selene sets what is not given to Selene's defaults:\n"
         "  --validation-holdout chr6,chr7 --test-holdout chr8,chr9 --mode train --sequence-length 1000\n"
         "  --center-bin 200, random: --margin 1000 (one sequence length) --n-runs keep; --strand random\n"
         "  --holdout-by whole (a proportion hands out whole chromosomes / interval lines)\n"
         "  --blacklist-rule window (a window overlapping the blacklist is refused, not only its centre).\n"
         "  With --sequence-length, windows never leave their chromosome. --targets BED (chrom, start, end,\n"
         "  strand, feature) with --features FILE labels each sample's centre bin (--feature-threshold);\n"
         "  intervals keeps positives only unless --sample-negative; --save-dataset FILE writes Selene's\n"
         "  save_datasets BED: chrom, window start, window end, strand, class indices joined by ';'.\n"
         "  s2f-sample-positions -g hg38.fa --strategy intervals --intervals peaks.bed --preset selene \\\n"
         "    --targets targets.bed.gz --features distinct_features.txt --save-dataset train_data.bed -o train.s2f\n"
         "Every output is sorted by (chromosome, position); the same inputs and seed give the same bytes for\n"
         "any -t, and --shard k/n slices concatenate to the unsharded output.\n"
         "Memory is not flat (but for tile): all sampled positions are held to sort them (~100 B each, 0.5 GB for 5 M, also with --shard) plus the contigs scanned for N runs.";
}

}  // namespace s2f::sampling
