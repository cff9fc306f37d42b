"""s2f-view --annotate-vcf: the input VCF with s2f-score's values as INFO
fields, bgzip-compressed and indexed through htslib.

* bcftools view reads it, tabix (and bcftools for BCF/CSI) index queries
  work; every input record appears once, in order, with its columns
  unchanged; a multi-allelic record stays one line with one value per ALT
  (Number=A), '.' for an ALT s2f could not score (symbolic);
* every INFO value equals the scores stream's value of that statistic and
  track, and the header describes each field (statistic, track, model hash,
  window);
* errors: a VCF the scores do not come from, an output name that is neither
  .vcf.gz nor .bcf, -o missing; nothing is written when it fails.
Skips (exit 77) when bcftools is not installed (dev.sh installs it).
"""
import gzip
import os
import shutil
import subprocess
import sys

import numpy as np

import s2f_stream
from s2f_testing import SKIP, check, finish, run, temp_dir


def main():
    if not shutil.which("bcftools") or not shutil.which("tabix"):
        print("skip: bcftools/tabix not installed (./dev.sh deps installs them)")
        return SKIP
    with temp_dir() as tmp:
        rng = np.random.default_rng(8)
        g = "".join(rng.choice(list("ACGT"), 30_000))
        fa = os.path.join(tmp, "g.fa")
        with open(fa, "w") as f:
            f.write(">chr1\n" + "\n".join(g[i:i + 60] for i in range(0, len(g), 60)) + "\n")
        lines = []
        for k, p in enumerate(range(2_000, 28_000, 1_300)):
            r = g[p]
            others = [b for b in "ACGT" if b != r]
            if k == 3:
                alt = f"{others[0]},{others[1]}"            # multi-allelic, both scored
            elif k == 5:
                alt = f"{others[0]},<DEL>"                 # one ALT s2f cannot encode
            elif k % 4 == 1:
                alt = r + "".join(rng.choice(list("ACGT"), 2))   # insertion
            else:
                alt = others[k % 3]
            lines.append(f"chr1\t{p + 1}\trs{k}\t{r}\t{alt}\t50\tPASS\tDP={10 + k}")
        vcf = os.path.join(tmp, "v.vcf")
        with open(vcf, "w") as f:
            f.write("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=30000>\n"
                    "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"depth\">\n"
                    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "\n".join(lines) + "\n")
        preds, scores = os.path.join(tmp, "p.s2f"), os.path.join(tmp, "s.s2f")
        run("s2f-predict", "--model", "demo", "-g", fa, "--vcf", vcf, "-o", preds, check=True)
        run("s2f-score", "--stat", "log2fc,jsd", "--window", "101", preds, "-o", scores, check=True)
        sc = s2f_stream.read(scores)
        meta = sc.meta
        got = sc.read_all()
        tracks = meta["score"]["track_ids"]

        for out, index in (("a.vcf.gz", "a.vcf.gz.tbi"), ("a.bcf", "a.bcf.csi")):
            out, index = os.path.join(tmp, out), os.path.join(tmp, index)
            r = run("s2f-view", "--annotate-vcf", vcf, "-o", out, scores)
            check(r.returncode == 0 and os.path.exists(out) and os.path.exists(index),
                  f"{os.path.basename(out)} and its index written ({r.stderr.strip()[-200:]})")
            view = subprocess.run(["bcftools", "view", "-H", out], capture_output=True, text=True)
            body = [l for l in view.stdout.splitlines() if l]
            check(view.returncode == 0 and len(body) == len(lines), f"bcftools view reads every record once ({out})")
            same_cols = all(b.split("\t")[:7] == l.split("\t")[:7] for b, l in zip(body, lines))
            check(same_cols, "records in input order, CHROM..FILTER unchanged")
            check(all("DP=" in b for b in body), "existing INFO kept")
            hdr = subprocess.run(["bcftools", "view", "-h", out], capture_output=True, text=True).stdout
            ids = []
            for stat in ("log2fc", "jsd"):
                for t in tracks:
                    parts = [{"+": "plus", "-": "minus"}.get(p, p) for p in t.split("/")]
                    fid = "S2F_" + stat + "_" + ".".join("".join(c if c.isalnum() or c in "_." else "_" for c in p)
                                                         for p in parts)
                    ids.append((stat, t, fid))
            desc_ok = all(f"ID={fid},Number=A,Type=Float" in hdr and f"s2f-score {stat} of track {t}" in hdr
                          for stat, t, fid in ids)
            check(desc_ok and meta["model"]["hash"] in hdr and "window 101 bp" in hdr,
                  "one Number=A Float INFO per statistic x track, described with model hash and window")
            # INFO values against the scores stream.
            fmt = "%CHROM\\t%POS\\t%REF\\t%ALT" + "".join(f"\\t%INFO/{fid}" for _, _, fid in ids) + "\\n"
            q = subprocess.run(["bcftools", "query", "-f", fmt, out], capture_output=True, text=True)
            by_key = {}
            for i in range(len(got["id"])):
                by_key[(got["chrom"][i], int(got["pos"][i]), got["ref"][i], got["alt"][i])] = i
            worst, missing_ok, multi_ok = 0.0, True, False
            for row in q.stdout.splitlines():
                c = row.split("\t")
                alts = c[3].split(",")
                for j, (stat, t, fid) in enumerate(ids):
                    vals = c[4 + j].split(",")
                    if len(vals) != len(alts):
                        missing_ok = False
                        continue
                    for a, v in zip(alts, vals):
                        k = (c[0], int(c[1]) - 1, c[2], a)
                        if a.startswith("<"):
                            missing_ok &= v == "."
                            continue
                        want = float(got[stat][by_key[k]][tracks.index(t)])
                        worst = max(worst, abs(float(v) - want) / max(1.0, abs(want)))
                if len(alts) == 2 and not alts[1].startswith("<"):
                    multi_ok = True
            check(q.returncode == 0 and worst < 1e-6, f"INFO values equal the scores stream (worst {worst:.1e})")
            check(missing_ok, "Number=A: one value per ALT, '.' for the unscorable <DEL>")
            check(multi_ok, "a multi-allelic record is one line with a value per ALT")
            reg = subprocess.run(["bcftools", "view", "-H", "-r", "chr1:5000-9000", out], capture_output=True, text=True)
            want_n = sum(1 for l in lines if 5000 <= int(l.split("\t")[1]) <= 9000)
            check(reg.returncode == 0 and len(reg.stdout.splitlines()) == want_n, "indexed region query works")
        t = subprocess.run(["tabix", "-l", os.path.join(tmp, "a.vcf.gz")], capture_output=True, text=True)
        check(t.returncode == 0 and t.stdout.split() == ["chr1"], "tabix reads the .tbi index")
        with gzip.open(os.path.join(tmp, "a.vcf.gz"), "rt") as f:
            check(f.readline().startswith("##fileformat"), "the output is (b)gzip-compressed VCF")

        # Errors: nothing written.
        header = ("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=30000>\n"
                  "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"depth\">\n"
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        other = os.path.join(tmp, "other.vcf")
        with open(other, "w") as f:
            f.write(header + lines[0] + "\n")
        bad = os.path.join(tmp, "bad.vcf.gz")
        r = run("s2f-view", "--annotate-vcf", other, "-o", bad, scores)
        check(r.returncode == 1 and "match no record" in r.stderr and not os.path.exists(bad)
              and not any(n.startswith("bad.vcf.gz") for n in os.listdir(tmp)),
              "scores of another VCF are refused, nothing written")
        undeclared = os.path.join(tmp, "undeclared.vcf")
        with open(undeclared, "w") as f:
            f.write("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "\n".join(lines) + "\n")
        bad = os.path.join(tmp, "undeclared.out.vcf.gz")
        r = run("s2f-view", "--annotate-vcf", undeclared, "-o", bad, scores)
        check(r.returncode == 1 and "does not define" in r.stderr and not os.path.exists(bad)
              and not any(n.startswith("undeclared.out") for n in os.listdir(tmp)),
              "a record using a contig or INFO its header lacks is refused, nothing written")
        r = run("s2f-view", "--annotate-vcf", vcf, "-o", os.path.join(tmp, "x.vcf"), scores)
        check(r.returncode == 2 and ".vcf.gz" in r.stderr, "a plain .vcf output is refused (cannot be indexed)")
        r = run("s2f-view", "--annotate-vcf", vcf, scores)
        check(r.returncode == 2 and "-o" in r.stderr, "--annotate-vcf needs -o")
        again = os.path.join(tmp, "again.vcf.gz")
        r = run("s2f-view", "--annotate-vcf", os.path.join(tmp, "a.vcf.gz"), "-o", again, scores)
        check(r.returncode == 1 and "already has an INFO field" in r.stderr, "annotating twice is refused")
    finish()


if __name__ == "__main__":
    sys.exit(main())
