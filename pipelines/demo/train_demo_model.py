#!/usr/bin/python3
"""Trains the demo BPNet on the planted motif grammar and exports it.

The targets are computed exactly from grammar.json (demo_grammar.py), so the
model's ground truth is known: later stages show that ISM, marginalization
and hit calling recover the planted motifs, effects and spacing. CPU only,
Debian's python3-torch; deterministic given --seed and --threads.

  /usr/bin/python3 pipelines/demo/train_demo_model.py            # the shipped model: 8-14 min on a busy 2-core machine
  /usr/bin/python3 pipelines/demo/train_demo_model.py --train 2000 --epochs 1 -o /tmp/demo  # smoke run
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE_DIR, "formats", "python"))

import demo_grammar  # noqa: E402

MEME = os.path.join(SOURCE_DIR, "..", "shared", "data", "motifs", "jaspar_4_pfms.meme")

# Share of training sequences of each layout. Pairs at (and near) the
# preferred gap and scrambled sites are over-represented on purpose: the
# model must learn a 1-bp-sharp spacing rule and must not fire on sequences
# of the same composition as a motif.
LAYOUT_MIX = {"empty": 0.08, "singles": 0.32, "pair": 0.42, "scrambled": 0.18}
PAIR_NEAR_PREFERRED = 0.6   # share of pairs with gap within +/-3 bp of the preferred gap
PAIR_ARRANGED = 0.8         # share of pairs in the arrangement that earns the bonus
PAIR_MAX_GAP = 40
MIN_SEP = 3                 # bp between unrelated sites in training sequences


def log(msg):
    print(f"train_demo_model: {msg}", file=sys.stderr, flush=True)


def check_pwms_against_meme(grammar):
    """grammar.json carries its own PWMs; when the shared JASPAR file is
    present, make sure they are still the same matrices."""
    if not os.path.exists(MEME):
        log("JASPAR file absent; using the PWMs recorded in grammar.json")
        return
    meme = demo_grammar.read_meme(MEME)
    for m in grammar.motifs.values():
        if m.jaspar_id not in meme:
            raise SystemExit(f"train_demo_model: error: {m.jaspar_id} not in {MEME}")
        if not np.allclose(meme[m.jaspar_id][1], m.pwm, atol=1e-5):
            raise SystemExit(f"train_demo_model: error: grammar.json PWM of {m.name} differs from "
                             f"{m.jaspar_id} in {MEME}; restore grammar.json")
    log(f"PWMs in grammar.json match {os.path.basename(MEME)}")


def layout_sequence(grammar, rng, codes_row):
    """Plants one training layout into codes_row; returns its sites."""
    names = sorted(grammar.motifs)
    kinds = list(LAYOUT_MIX)
    kind = kinds[rng.choice(len(kinds), p=[LAYOUT_MIX[k] for k in kinds])]
    taken, sites = [], []

    def add(name, what):
        s = grammar.plant(rng, codes_row, taken, name, what, MIN_SEP)
        if s is not None:
            sites.append(s)

    if kind == "singles":
        for _ in range(int(rng.integers(1, 4))):
            add(names[rng.integers(len(names))], "planted")
    elif kind == "pair":
        pair = grammar.pairs[0]
        g0 = pair["preferred_gap_bp"]
        if rng.random() < PAIR_NEAR_PREFERRED:
            gap = int(g0 + rng.integers(-3, 4))
        else:
            gap = int(rng.integers(0, PAIR_MAX_GAP + 1))
        sites += grammar.plant_pair(rng, codes_row, taken, pair, gap, MIN_SEP,
                                    arranged=rng.random() < PAIR_ARRANGED)
        if rng.random() < 0.5:
            add(names[rng.integers(len(names))], "planted")
    elif kind == "scrambled":
        for _ in range(int(rng.integers(1, 3))):
            add(names[rng.integers(len(names))], "scrambled")
        if rng.random() < 0.5:
            add(names[rng.integers(len(names))], "planted")
    return sites


def make_dataset(grammar, rng, n):
    codes = grammar.clean_background(rng, grammar.background_codes(rng, n))
    profiles = np.zeros((n, 2, grammar.out_length), np.float32)
    counts = np.zeros(n, np.float32)
    for i in range(n):
        sites = layout_sequence(grammar, rng, codes[i])
        profiles[i], counts[i] = grammar.targets(sites)
    return codes, profiles, counts


def one_hot(codes):
    """(N, L) uint8 codes -> (N, 4, L) float32, channels A C G T."""
    return torch.nn.functional.one_hot(torch.as_tensor(codes, dtype=torch.long), 4).permute(0, 2, 1).float()


def training_forward(model, x):
    """bpnet-lite BPNet.forward, with the profile conv run only where its
    output is kept (the trimmed window) instead of over the whole input and
    then cropped. Same result, but the k=75 conv with 2 outputs is the
    slowest layer on CPU, and this skips 40% of it."""
    t, length = model.trimming, x.shape[2]
    h = torch.relu(model.iconv(x))
    for conv in model.rconvs:
        h = h + torch.relu(conv(h))
    kept = h[:, :, t - 37:length - t + 37]
    profile = torch.nn.functional.conv1d(kept, model.fconv.weight, model.fconv.bias)
    return profile, model.linear(torch.mean(kept, dim=2))


def losses(model, x, prof, cnt):
    logits, pred_cnt = training_forward(model, x)
    logp = torch.log_softmax(logits.reshape(len(x), -1), dim=1)
    # Cross-entropy against the exact profile: the multinomial NLL of
    # bpnet-lite with the expected read shares in place of sampled reads.
    prof_loss = -(prof.reshape(len(x), -1) * logp).sum(dim=1).mean()
    cnt_loss = torch.mean((pred_cnt[:, 0] - cnt) ** 2)
    return prof_loss, cnt_loss


def predict(model, codes, batch=256):
    outs_p, outs_c = [], []
    with torch.no_grad():
        for i in range(0, len(codes), batch):
            p, c = model(one_hot(codes[i:i + batch]))
            outs_p.append(torch.softmax(p.reshape(len(p), -1), dim=1).reshape(p.shape).numpy())
            outs_c.append(c[:, 0].numpy())
    return np.concatenate(outs_p), np.concatenate(outs_c)


def evaluate(model, codes, profiles, counts):
    pp, pc = predict(model, codes)
    r_counts = float(np.corrcoef(pc, counts)[0, 1])
    a = pp.reshape(len(pp), -1)
    b = profiles.reshape(len(profiles), -1)
    a_c, b_c = a - a.mean(1, keepdims=True), b - b.mean(1, keepdims=True)
    r_prof = (a_c * b_c).sum(1) / np.sqrt((a_c ** 2).sum(1) * (b_c ** 2).sum(1))
    m = 0.5 * (a + b)
    jsd = 0.5 * (a * np.log(a / m)).sum(1) + 0.5 * (b * np.log(b / m)).sum(1)
    # Sequences with no site have a flat target, where profile correlation is undefined.
    informative = b.max(1) > 1.5 / b.shape[1]
    return {"counts_pearson": round(r_counts, 4),
            "counts_mse": round(float(np.mean((pc - counts) ** 2)), 4),
            "profile_pearson_median": round(float(np.median(r_prof[informative])), 4),
            "profile_jsd_median": round(float(np.median(jsd / math.log(2))), 4)}


def grammar_check(model, grammar, rng, n=64):
    """What the later stages should find, measured here in torch: the
    log-count effect of inserting each consensus (and a scrambled copy of it)
    in the middle of clean background, and the spacing sweep of the pair."""
    bg = grammar.clean_background(rng, grammar.background_codes(rng, n))
    _, base = predict(model, bg)
    mid = (grammar.plant_start + grammar.plant_end) // 2
    out = {"marginalize": {}, "spacing": {}}
    for name, m in sorted(grammar.motifs.items()):
        cons = np.array([demo_grammar.BASES.index(b) for b in m.consensus], np.uint8)
        start = mid - m.length // 2
        x = bg.copy()
        x[:, start:start + m.length] = cons
        _, c = predict(model, x)
        row = {"consensus": round(float(np.mean(c - base)), 3)}
        # A fresh scramble per sequence, kept when it creates no motif match
        # with its flanks; a background where 200 draws fail is left out.
        x, ok = bg.copy(), np.zeros(n, bool)
        for i in range(n):
            for _ in range(200):
                x[i, start:start + m.length] = grammar.scrambled_site(rng, name)
                if not grammar.looks_like_a_motif(x[i], start, start + m.length, grammar.scrambled_max_fraction):
                    ok[i] = True
                    break
        _, c = predict(model, x)
        row["scrambled"] = round(float(np.mean((c - base)[ok])), 3)
        # Shuffles as a user would make them, without the context check.
        x = bg.copy()
        for i in range(n):
            x[i, start:start + m.length] = grammar.scrambled_site(rng, name)
        _, c = predict(model, x)
        row["scrambled_unchecked"] = round(float(np.mean(c - base)), 3)
        row["planted_effect"] = m.effect
        out["marginalize"][name] = row
    pair = grammar.pairs[0]
    a, b = (grammar.motifs[k] for k in pair["motifs"])
    ca = np.array([demo_grammar.BASES.index(c) for c in a.consensus], np.uint8)
    cb = np.array([demo_grammar.BASES.index(c) for c in b.consensus], np.uint8)
    sweep = {}
    for gap in range(0, PAIR_MAX_GAP + 1):
        x = bg.copy()
        start = mid - (a.length + gap + b.length) // 2
        x[:, start:start + a.length] = ca
        x[:, start + a.length + gap:start + a.length + gap + b.length] = cb
        _, c = predict(model, x)
        sweep[gap] = float(np.mean(c - base))
    best = max(sweep, key=sweep.get)
    far = float(np.median([v for g, v in sweep.items() if abs(g - pair["preferred_gap_bp"]) > 4]))
    out["spacing"] = {"motifs": pair["motifs"], "best_gap": best, "planted_gap": pair["preferred_gap_bp"],
                      "effect_at_best": round(sweep[best], 3), "median_effect_elsewhere": round(far, 3),
                      "sweep": {str(g): round(v, 3) for g, v in sweep.items()}}
    return out


# The training sequences hold no N (their codes are 0..3), so training fixed
# no encoding of N. The model records 0.25 — each channel a quarter, which
# the first convolution turns into the mean of its responses to A, C, G and
# T — the value s2f used for every N before models recorded their own, so
# the demo's outputs are unchanged.
N_VALUE = 0.25

# The track catalog, written next to the model as TSV and embedded in the
# model file's metadata (meta["tracks"]) so `s2f-predict --model demo` names
# its tracks without a --catalog.
CATALOG = [["track_index", "track_name", "output_type", "strand", "assay_title", "biosample_name",
            "transcription_factor", "description"],
           ["0", "demo planted grammar", "profile", "+", "synthetic ChIP-seq", "synthetic", "AP1;CTCF;KLF4",
            "share of reads on the + strand per bp (softmax over both strands jointly)"],
           ["1", "demo planted grammar", "profile", "-", "synthetic ChIP-seq", "synthetic", "AP1;CTCF;KLF4",
            "share of reads on the - strand per bp (softmax over both strands jointly)"],
           ["0", "demo planted grammar", "counts", ".", "synthetic ChIP-seq", "synthetic", "AP1;CTCF;KLF4",
            "log expected total reads over the 300-bp profile window"]]


def write_catalog(path):
    with open(path, "w") as f:
        f.write("".join("\t".join(r) + "\n" for r in CATALOG))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--grammar", default=demo_grammar.DEFAULT_GRAMMAR)
    p.add_argument("-o", "--out-dir", default=os.path.join(HERE, "model"))
    p.add_argument("--seed", type=int, default=20)
    # One thread by default: the shipped weights are then bit-identical on any
    # machine, and on a busy 2-core machine one thread also trains faster.
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--train", type=int, default=24000, help="training sequences")
    p.add_argument("--valid", type=int, default=1000, help="held-out sequences")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=4e-3)
    p.add_argument("--filters", type=int, default=32)
    p.add_argument("--layers", type=int, default=5)
    p.add_argument("--count-weight", type=float, default=2.0)
    p.add_argument("--count-head-lr-scale", type=float, default=10.0)
    p.add_argument("--no-export", action="store_true", help="keep only the torch state_dict")
    args = p.parse_args(argv)

    t0 = time.time()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)
    grammar = demo_grammar.Grammar(args.grammar)
    check_pwms_against_meme(grammar)

    codes, profiles, counts = make_dataset(grammar, rng, args.train + args.valid)
    tr = slice(0, args.train)
    va = slice(args.train, None)
    log(f"{len(codes)} sequences generated in {time.time() - t0:.0f} s "
        f"(log counts {counts.min():.2f}..{counts.max():.2f})")

    import bpnet_lite
    trimming = grammar.out_start
    assert grammar.length - 2 * trimming == grammar.out_length
    model = bpnet_lite.BPNet(n_filters=args.filters, n_layers=args.layers, n_outputs=2, n_control_tracks=0,
                             trimming=trimming)
    with torch.no_grad():  # start the count head at the mean so early steps shape features, not the bias
        model.linear.bias.fill_(float(counts[tr].mean()))
    # The count head reads the mean over 374 positions, so one site moves its
    # input by ~1/374 of the site's feature values; a larger step for that
    # one linear map lets counts keep pace with the profile.
    head = [model.linear.weight, model.linear.bias]
    body = [q for q in model.parameters() if all(q is not h for h in head)]
    opt = torch.optim.Adam([{"params": body, "lr": args.lr},
                            {"params": head, "lr": args.lr * args.count_head_lr_scale}])
    steps_per_epoch = args.train // args.batch
    total_steps = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, args.lr * args.count_head_lr_scale],
                                                total_steps=total_steps, pct_start=0.1)
    gen = torch.Generator().manual_seed(args.seed)
    x_all = one_hot(codes[tr])
    prof_all = torch.from_numpy(profiles[tr])
    cnt_all = torch.from_numpy(counts[tr])
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(args.train, generator=gen)
        flip = torch.rand(args.train, generator=gen) < 0.5
        run_p = run_c = 0.0
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            x, prof, cnt = x_all[idx].clone(), prof_all[idx].clone(), cnt_all[idx]
            f = flip[idx]
            # The grammar is strand-symmetric, so reverse complements are
            # free extra data: A C G T -> T G C A, positions reversed, strands swapped.
            x[f] = x[f].flip(1).flip(2)
            prof[f] = prof[f].flip(1).flip(2)
            lp, lc = losses(model, x, prof, cnt)
            loss = lp + args.count_weight * lc
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            run_p += lp.item()
            run_c += lc.item()
            if (b + 1) % 50 == 0:
                log(f"epoch {epoch + 1} step {b + 1}/{steps_per_epoch} profile CE {run_p / 50:.4f} "
                    f"count MSE {run_c / 50:.4f} ({time.time() - t0:.0f} s)")
                run_p = run_c = 0.0
        model.eval()
        metrics = evaluate(model, codes[va], profiles[va], counts[va])
        log(f"epoch {epoch + 1} held-out {metrics}")
    model.eval()
    with torch.no_grad():
        x = one_hot(codes[va][:16])
        for fast, ref in zip(training_forward(model, x), model(x)):
            assert torch.allclose(fast, ref, atol=1e-4), "training forward differs from BPNet.forward"
    train_seconds = time.time() - t0
    metrics = evaluate(model, codes[va], profiles[va], counts[va]) if args.epochs == 0 else metrics
    check = grammar_check(model, grammar, np.random.default_rng(args.seed + 1))
    log(f"held-out: {metrics}")
    log(f"grammar check: {json.dumps({k: v for k, v in check.items() if k != 'spacing'})}")
    log(f"spacing: best gap {check['spacing']['best_gap']} (planted {check['spacing']['planted_gap']}), "
        f"effect {check['spacing']['effect_at_best']} vs {check['spacing']['median_effect_elsewhere']} elsewhere")

    os.makedirs(args.out_dir, exist_ok=True)
    hparams = {"n_filters": args.filters, "n_layers": args.layers, "n_outputs": 2, "n_control_tracks": 0,
               "trimming": trimming, "input_length": grammar.length}
    report = {"command": " ".join(["/usr/bin/python3", os.path.relpath(__file__, SOURCE_DIR)] +
                                  (argv if argv is not None else sys.argv[1:])),
              "seed": args.seed, "threads": args.threads, "torch_version": torch.__version__,
              "train_sequences": args.train, "valid_sequences": args.valid, "epochs": args.epochs,
              "batch": args.batch, "lr": args.lr, "count_weight": args.count_weight,
              "count_head_lr_scale": args.count_head_lr_scale,
              "wall_seconds_training": round(train_seconds, 1),
              "architecture": dict(hparams, module="bpnet-lite BPNet (formats/python/bpnet_lite.py)",
                                   parameters=sum(q.numel() for q in model.parameters())),
              "held_out": metrics, "grammar_check": check}
    if args.no_export:
        torch.save(model.state_dict(), os.path.join(args.out_dir, "demo.state_dict.pt"))
        with open(os.path.join(args.out_dir, "demo.hparams.json"), "w") as f:
            json.dump(hparams, f, indent=2)
    else:
        import s2f_model_export
        path = os.path.join(args.out_dir, "demo.s2fm")
        digest = s2f_model_export.export(
            model, path, grammar.length, head_names=["profile", "counts"], name="s2f-demo-bpnet",
            concrete_args={"X_ctl": None}, n_value=N_VALUE, strand_pairs={"profile": [[0, 1]], "counts": []},
            metadata={"source": "pipelines/demo/train_demo_model.py", "seed": args.seed,
                      "grammar": "pipelines/demo/grammar.json",
                      "profile": "logits; softmax over both strands jointly",
                      "counts": "log expected total reads over the profile window",
                      "tracks": {"columns": CATALOG[0], "rows": [[c if c else None for c in r] for r in CATALOG[1:]]}})
        report["model_file"] = {"path": "demo.s2fm", "bytes": os.path.getsize(path), "content_hash": digest}
        log(f"wrote {path} ({os.path.getsize(path)} bytes, {digest})")
    write_catalog(os.path.join(args.out_dir, "demo.tracks.tsv"))
    with open(os.path.join(args.out_dir, "training_report.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    log(f"done in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
