#!/usr/bin/python3
"""Reference for the bpnet-lite parity test: exports the real BPNet
(models/bpnet-lite) with the s2f exporter, and computes its outputs on real
hg38 chr22 windows with a forward pass written here from the state_dict
alone (torch.nn.functional), independent of formats/python/bpnet_lite.py.

usage: bpnet_reference.py OUT_DIR [N_WINDOWS] [chr22|chr20]   (exit 77: data absent)
chr20 windows come from Debian's vt-examples (GRCh37 chr20) when installed.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import common


def reference_forward(sd, hp, x, x_ctl=None):
    """x: (N, 4, L); x_ctl: (N, n_control_tracks, L) or None. Mirrors
    bpnet-lite's BPNet.forward: control tracks join the profile conv's input,
    and log(1 + their sum over the count window) the count head's."""
    t = hp["trimming"]
    L = x.shape[2]
    h = F.relu(F.conv1d(x, sd["iconv.weight"], sd["iconv.bias"], padding=10))
    for i in range(hp["n_layers"]):
        d = 2 ** (i + 1)
        h = h + F.relu(F.conv1d(h, sd[f"rconvs.{i}.weight"], sd[f"rconvs.{i}.bias"], padding=d, dilation=d))
    features = h if x_ctl is None else torch.cat([h, x_ctl], dim=1)
    profile = F.conv1d(features, sd["fconv.weight"], sd.get("fconv.bias"), padding=37)[:, :, t:L - t]
    pooled = h[:, :, t - 37:L - t + 37].mean(dim=2)
    if x_ctl is not None:
        total = x_ctl[:, :, t - 37:L - t + 37].sum(dim=(1, 2)).unsqueeze(-1)
        pooled = torch.cat([pooled, torch.log(total + 1)], dim=-1)
    counts = F.linear(pooled, sd["linear.weight"], sd.get("linear.bias"))
    return profile, counts


def main():
    out_dir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    genome = sys.argv[3] if len(sys.argv) > 3 else "chr22"
    if genome == "chr20" and not os.path.exists(common.CHR20):
        print("skip: vt-examples (chr20) is not installed", file=sys.stderr)
        return common.SKIP
    models = os.path.join(common.shared_data(), "models", "bpnet-lite")
    if not os.path.isdir(models):
        print("skip: ../shared/data/models/bpnet-lite is absent", file=sys.stderr)
        return common.SKIP
    torch.set_num_threads(1)
    sd = torch.load(os.path.join(models, "bpnet_example.state_dict.pt"), map_location="cpu")
    with open(os.path.join(models, "bpnet_example.hparams.json")) as f:
        hp = json.load(f)
    import bpnet_lite
    import s2f_model_export
    model = bpnet_lite.from_files(os.path.join(models, "bpnet_example.state_dict.pt"),
                                  os.path.join(models, "bpnet_example.hparams.json"))
    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, "bpnet_example.s2fm")
    s2f_model_export.export(model, model_path, 2114, head_names=["profile", "counts"], name="bpnet-lite",
                            concrete_args={"X_ctl": None})
    windows = common.genome_windows(2114, n) if genome == "chr22" else common.chr20_windows(2114, n)
    x = np.stack([common.one_hot(w) for w in windows])
    with torch.no_grad():
        xt = torch.from_numpy(x).permute(0, 2, 1).contiguous()
        profile, counts = reference_forward(sd, hp, xt)
        # The transcription used by the exporter must agree with the reference.
        p2, c2 = model(xt)
        assert torch.allclose(profile, p2, atol=1e-5) and torch.allclose(counts, c2, atol=1e-6)
    with open(os.path.join(out_dir, "bpnet.windows.txt"), "w") as f:
        f.write("\n".join(windows) + "\n")
    common.write_case(out_dir, "bpnet", model_path, x,
                      [("profile", profile.numpy()), ("counts", counts.numpy().reshape(-1, 1, 1))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
