#!/usr/bin/python3
"""Model zoo: checks s2f against PyTorch (or the Keras model's numpy
reference) and times both side by side, model by model (see README.md).

  /usr/bin/python3 bench/zoo/run.py --build BUILD_DIR [--models a,b,...]
      [--threads 1,2] [--batches 1,16,64] [--seconds 10] [--out results.json]

Needs BUILD_DIR/bench/engine_bench. Model files and cached random weights go
to BUILD_DIR/bench/zoo/. Exit 1 when a parity check fails (> 1e-4) or a run
fails; 77 when every requested model was skipped for lack of data.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import parity  # noqa: E402
import report  # noqa: E402
import zoo  # noqa: E402

SKIP = 77


def ints(text):
    return [int(v) for v in text.split(",") if v]


def last_json(cmd, env=None):
    """Runs cmd, returns the JSON of its last output line. cmd is started by
    a shell that forks it: Linux keeps a process's peak RSS across execve,
    so a program started straight from this (large) Python process would
    report this process's RSS as its own peak (getrusage ru_maxrss)."""
    p = subprocess.run(["/bin/sh", "-c", '"$@"; exit $?', "sh"] + cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(os.path.basename(c) for c in cmd[:3])} exited {p.returncode}: "
                           f"{p.stderr.strip()[-300:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


# PyTorch allocates every activation anew; with glibc's malloc a tensor over
# 32 MB is a fresh mmap each call, and its page faults can cost PyTorch more
# than its convolutions (2.5x on DeepSEA, batch 64, on an AMD EPYC VM). The
# PyTorch CPU tuning guides preload tcmalloc or jemalloc for this; the zoo
# times PyTorch with tcmalloc when Debian's libtcmalloc-minimal4 is installed,
# so the ratios are against PyTorch at its best.
TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"


def torch_allocator(choice):
    """Returns (name, LD_PRELOAD value or None) for --torch-allocator."""
    if choice == "system" or (choice == "auto" and not os.path.exists(TCMALLOC)):
        return "glibc", None
    if not os.path.exists(TCMALLOC):
        raise SystemExit(f"--torch-allocator tcmalloc: {TCMALLOC} is missing (apt-get install libtcmalloc-minimal4)")
    return "tcmalloc", TCMALLOC


def time_pair(name, path, cache, engine_bench, threads, batch, seconds, preload):
    s2f = last_json([engine_bench, path, "--threads", str(threads), "--batch", str(batch), "--seconds", str(seconds)])
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads))
    if preload:
        env["LD_PRELOAD"] = preload
    cmd = [sys.executable, "-B", os.path.join(HERE, "torch_time.py"), name, "--threads", str(threads),
           "--batch", str(batch), "--seconds", str(seconds)]
    torch_run = last_json(cmd + (["--weights", cache] if cache else []), env)
    return {"model": name, "threads": threads, "batch": batch, "s2f": s2f, "pytorch": torch_run}


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", required=True)
    p.add_argument("--models", default=",".join(zoo.ENTRIES), help="comma-separated: " + ",".join(zoo.ENTRIES))
    p.add_argument("--threads", type=ints, default=[1, 2])
    p.add_argument("--batches", type=ints, default=[1, 16, 64])
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--out", help="results JSON (default BUILD_DIR/bench/zoo/results.json)")
    p.add_argument("--parity-only", action="store_true", help="check parity, time nothing")
    p.add_argument("--torch-allocator", choices=["auto", "tcmalloc", "system"], default="auto",
                   help="malloc for the PyTorch side (auto: tcmalloc when installed)")
    a = p.parse_args()
    allocator, preload = torch_allocator(a.torch_allocator)
    if a.parity_only:
        a.threads, a.batches = [], []
    names = [n for n in a.models.split(",") if n]
    unknown = [n for n in names if n not in zoo.ENTRIES]
    if unknown:
        p.error(f"unknown model(s) {','.join(unknown)}; known: {','.join(zoo.ENTRIES)}")
    engine_bench = os.path.join(a.build, "bench", "engine_bench")
    if not os.access(engine_bench, os.X_OK):
        p.error(f"{engine_bench} is missing: make -C {a.build} engine_bench")
    out_dir = os.path.join(a.build, "bench", "zoo")
    os.makedirs(out_dir, exist_ok=True)
    import torch
    results = {"date_utc": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), "host": platform.node(),
               "cpu": cpu_name(), "load_average": os.getloadavg(), "torch": torch.__version__,
               "torch_allocator": allocator,
               "seconds": a.seconds, "threads": a.threads, "batches": a.batches,
               "parity_tolerance": parity.TOLERANCE, "parity": {}, "timing": []}
    failed = False
    for name in names:
        missing = zoo.missing(name)
        if missing:
            results["parity"][name] = {"skipped": "data absent: " + ", ".join(os.path.basename(m) for m in missing)}
            print(f"zoo: skipping {name}: {', '.join(missing)} absent", file=sys.stderr)
            continue
        print(f"zoo: {name}: model file and parity", file=sys.stderr)
        try:
            path, cache = parity.model_files(name, out_dir)
            res = parity.check(name, path, cache, engine_bench, out_dir)
        except Exception as e:  # noqa: BLE001 -- reported, the other models still run
            results["parity"][name] = {"error": str(e)[-300:]}
            failed = True
            continue
        res["model_file"] = path
        results["parity"][name] = res
        failed |= not all(v["ok"] for k in ("s2f", "pytorch_definition") for v in res.get(k, {}).values())
        for threads in a.threads:
            for batch in a.batches:
                print(f"zoo: {name}: timing, {threads} thread(s), batch {batch}", file=sys.stderr)
                try:
                    results["timing"].append(time_pair(name, path, cache, engine_bench, threads, batch, a.seconds, preload))
                except Exception as e:  # noqa: BLE001
                    results["timing"].append({"model": name, "threads": threads, "batch": batch, "error": str(e)})
                    failed = True
    report.derive(results["timing"])
    out = a.out or os.path.join(out_dir, "results.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"## s2f model zoo, {results['date_utc']} UTC, {results['cpu']}, load {results['load_average'][0]:.1f}, "
          f"PyTorch {results['torch']} ({allocator} malloc), {a.seconds:g} s per run\n")
    print(report.parity_table(results["parity"]) + "\n")
    if results["timing"]:
        kernels = sorted({r["s2f"]["kernels"] for r in results["timing"] if "s2f" in r})
        print(f"s2f kernels: {', '.join(kernels)}\n")
        print(report.timing_table(results["timing"]) + "\n")
    print(f"results: {out}")
    if failed:
        return 1
    if all("skipped" in v for v in results["parity"].values()):
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
