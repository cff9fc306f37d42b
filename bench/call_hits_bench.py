"""s2f-call-hits against the PyTorch transcription of Fi-NeMo's
fit_contribs, in one run, on the same synthetic regions.

  /usr/bin/python3 bench/call_hits_bench.py --bin build/bin [--regions 10000]
      [--length 1000] [--motifs 20] [--ref-regions 200] [--ref-batch 200]
      [--threads 2] [--work /tmp/s2f_call_hits_bench]

s2f-call-hits runs on all regions with 1..--threads threads (regions/s
scaling); the reference runs on the first --ref-regions regions with
--threads torch threads (it is far slower; its per-region rate is
reported, not extrapolated to a total), and the hits of those regions are
compared. Prints a Markdown table and writes results.json in --work.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "tests", "hits")


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", default="/tmp/s2f_call_hits_bench")
    ap.add_argument("--regions", type=int, default=10000)
    ap.add_argument("--length", type=int, default=1000)
    ap.add_argument("--motifs", type=int, default=20)
    ap.add_argument("--ref-regions", type=int, default=200)
    ap.add_argument("--ref-batch", default="50,200", help="comma-separated batch sizes to try")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    py = sys.executable
    data = os.path.join(a.work, f"data_{a.regions}x{a.length}x{a.motifs}")
    if not os.path.exists(os.path.join(data, "regions.npz")):
        subprocess.run([py, os.path.join(TESTS, "make_regions.py"), "--out", data, "--regions", str(a.regions),
                        "--length", str(a.length), "--motifs", str(a.motifs), "--seed", "2024"], check=True)
    regions, motifs = os.path.join(data, "regions.npz"), os.path.join(data, "motifs.h5")
    load = os.getloadavg()[0]
    results = {"regions": a.regions, "length": a.length, "motifs": a.motifs, "strands": 2,
               "load_average_before": load, "s2f": {}}
    for t in range(1, a.threads + 1):
        out = os.path.join(a.work, f"s2f_t{t}")
        wall, cpu = timed([os.path.join(a.bin, "s2f-call-hits"), "-q", "-r", regions, "-m", motifs, "-o", out,
                           "-t", str(t)])
        results["s2f"][t] = {"wall_s": wall, "cpu_s": cpu, "regions_per_s": a.regions / wall}
    results["reference"] = {}
    for batch in [int(b) for b in a.ref_batch.split(",")]:
        ref = os.path.join(a.work, f"ref_b{batch}")
        wall, cpu = timed([py, os.path.join(TESTS, "finemo_reference.py"), "--regions", regions, "--modisco", motifs,
                           "--out", ref, "--threads", str(a.threads), "--batch-size", str(batch), "--limit",
                           str(a.ref_regions)])
        with open(os.path.join(ref, "timing.json")) as f:
            fit_s = json.load(f)["seconds"]
        results["reference"][batch] = {"regions": a.ref_regions, "threads": a.threads, "fit_s": fit_s,
                                       "wall_s": wall, "cpu_s": cpu, "regions_per_s": a.ref_regions / fit_s}
    best = max(results["reference"], key=lambda b: results["reference"][b]["regions_per_s"])
    ref = os.path.join(a.work, f"ref_b{best}")
    cmp = subprocess.run([py, os.path.join(TESTS, "compare_with_reference.py"), "--ours", os.path.join(a.work, f"s2f_t{a.threads}"),
                          "--ref", ref, "--regions", regions, "--truth", os.path.join(data, "truth.tsv"), "--limit",
                          str(a.ref_regions), "--json", os.path.join(a.work, "compare.json")],
                         capture_output=True, text=True)
    print(cmp.stdout.strip())
    with open(os.path.join(a.work, "compare.json")) as f:
        results["comparison"] = json.load(f)
    results["load_average_after"] = os.getloadavg()[0]
    s2f_rate = results["s2f"][a.threads]["regions_per_s"]
    results["best_reference_batch"] = best
    results["speedup"] = s2f_rate / results["reference"][best]["regions_per_s"]
    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump(results, f, indent=2)

    print(f"\n| implementation | threads | regions | wall s | CPU s | regions/s | CPU ms/region |")
    print(f"|---|---|---|---|---|---|---|")
    for t, r in results["s2f"].items():
        print(f"| s2f-call-hits | {t} | {a.regions} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | "
              f"{r['regions_per_s']:.1f} | {1000 * r['cpu_s'] / a.regions:.2f} |")
    for b, r in results["reference"].items():
        print(f"| PyTorch reference, batch {b} | {a.threads} | {a.ref_regions} | {r['fit_s']:.2f} | "
              f"{r['cpu_s']:.2f} | {r['regions_per_s']:.2f} | {1000 * r['cpu_s'] / a.ref_regions:.0f} |")
    print(f"\nspeed-up at {a.threads} threads (regions/s): {results['speedup']:.0f}x; "
          f"load average {load:.1f} before, {results['load_average_after']:.1f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
