"""Reference for s2f-call-hits: Fi-NeMo's hit caller transcribed to plain
PyTorch + numpy (no polars/jaxtyping), used by the parity test and the
benchmark. fit_contribs follows the seed (../shared/seeds/004_*.txt)
step for step, including its fixed-size batch that refills converged slots;
load_modisco_motifs follows Fi-NeMo's data_io (float16 CWMs, tfmodisco-lite
trimming, reverse complements as odd motif ids).

Usage as a script:
  finemo_reference.py --regions regions.npz --modisco motifs.h5 --out DIR
      [--mode pp] [--lambda 0.7] [--batch-size 500] [--threads 2] [--limit N]
writes DIR/ref_hits.tsv, DIR/ref_qc.tsv, DIR/ref_motifs.tsv, DIR/timing.json.
"""
import argparse
import json
import os
import sys
import time
import warnings

import h5py
import numpy as np
import torch
import torch.nn.functional as F


# ---- motifs -----------------------------------------------------------------
def trim_motif(cwm, trim_threshold):
    score = np.sum(np.abs(cwm), axis=0)
    trim_thresh = np.max(score) * trim_threshold
    pass_inds = np.nonzero(score >= trim_thresh)
    start = max(int(np.min(pass_inds)), 0)
    end = min(int(np.max(pass_inds)) + 1, len(score))
    return start, end


def _pattern_key(name):
    try:
        return (0, int(name.split("_")[-1]))
    except ValueError:
        return (1, name)


def load_modisco_motifs(path, trim_threshold=0.3, motif_type="cwm", lambda_default=0.7):
    rows, motifs, masks = [], [], []
    with h5py.File(path, "r") as f:
        for group in ["pos_patterns", "neg_patterns"]:
            if group not in f:
                continue
            for name in sorted(f[group].keys(), key=_pattern_key):
                pattern = f[group][name]
                tag = f"{group}.{name}"
                cwm_raw = pattern["contrib_scores"][:].T
                cwm_norm = np.sqrt((cwm_raw ** 2).sum())
                cwm_fwd = cwm_raw / cwm_norm
                cwm_rev = cwm_fwd[::-1, ::-1]
                start_fwd, end_fwd = trim_motif(cwm_fwd, trim_threshold)
                W = cwm_fwd.shape[1]
                start_rev, end_rev = W - end_fwd, W - start_fwd
                mask_fwd = np.zeros(W, dtype=np.int8)
                mask_fwd[start_fwd:end_fwd] = 1
                mask_rev = np.zeros(W, dtype=np.int8)
                mask_rev[start_rev:end_rev] = 1
                if motif_type == "cwm":
                    motif_fwd, motif_rev, scale = cwm_fwd, cwm_rev, cwm_norm
                else:
                    raw = pattern["hypothetical_contribs"][:].T
                    scale = np.sqrt((raw ** 2).sum())
                    motif_fwd = raw / scale
                    motif_rev = motif_fwd[::-1, ::-1]
                rows.append((tag, "+", start_fwd, end_fwd, scale, lambda_default))
                rows.append((tag, "-", start_rev, end_rev, scale, lambda_default))
                motifs.extend([motif_fwd, motif_rev])
                masks.extend([mask_fwd, mask_rev])
    cwms = np.stack(motifs, dtype=np.float16, axis=0)
    trim_masks = np.stack(masks, dtype=np.int8, axis=0)
    return rows, cwms, trim_masks


# ---- the seed's optimiser ---------------------------------------------------
def prox_grad_step(coefficients, importance_scale, cwms, contribs, sequences, lambdas, step_sizes):
    coef_adj = coefficients * importance_scale
    pred_unmasked = F.conv_transpose1d(coef_adj, cwms)
    pred = pred_unmasked * sequences
    residuals = contribs - pred
    ngrad = F.conv1d(residuals, cwms) * importance_scale
    nll = (residuals ** 2).sum(dim=(1, 2))
    dual_norm = (ngrad / lambdas).amax(dim=(1, 2))
    dual_scale = (torch.clamp(1 / dual_norm, max=1.0) ** 2 + 1) / 2
    nll_scaled = nll * dual_scale
    dual_diff = (residuals * contribs).sum(dim=(1, 2))
    l1_term = (torch.abs(coefficients).sum(dim=2, keepdim=True) * lambdas).sum(dim=(1, 2))
    dual_gap = (nll_scaled - dual_diff + l1_term).abs()
    c_next = coefficients + step_sizes * (ngrad - lambdas)
    c_next = F.relu(c_next)
    return c_next, dual_gap, nll


def optimizer_step(cwms, contribs, importance_scale, sequences, coef_inter, coef, i, step_sizes, L, lambdas):
    coef_prev = coef
    coef, gap, nll = prox_grad_step(coef_inter, importance_scale, cwms, contribs, sequences, lambdas, step_sizes)
    gap = gap / L
    nll = nll / (2 * L)
    mom_term = i / (i + 3.0)
    coef_inter = (1 + mom_term) * coef - mom_term * coef_prev
    return coef_inter, coef, gap, nll


def _to_channel_last_layout(tensor, **kwargs):
    return tensor[:, :, :, None].to(memory_format=torch.channels_last, **kwargs).squeeze(3)


def _signed_sqrt(x):
    return torch.sign(x) * torch.sqrt(torch.abs(x))


def _load_batch(contribs, sequences, start, end, use_hypothetical):
    """The seed's batch loaders: pad to the batch size with index -1."""
    n = end - start
    end = min(end, contribs.shape[0])
    overhang = n - (end - start)
    inds = F.pad(torch.arange(start, end, dtype=torch.int), (0, overhang), value=-1)
    if contribs.dim() == 2:
        c = _to_channel_last_layout(F.pad(contribs[start:end, None, :], (0, 0, 0, 0, 0, overhang)),
                                    dtype=torch.float32)
        s = _to_channel_last_layout(F.pad(sequences[start:end], (0, 0, 0, 0, 0, overhang)), dtype=torch.int8)
        return c * s, s, inds
    c = _to_channel_last_layout(F.pad(contribs[start:end], (0, 0, 0, 0, 0, overhang)), dtype=torch.float32)
    if use_hypothetical:
        return c, 1, inds
    s = _to_channel_last_layout(F.pad(sequences[start:end], (0, 0, 0, 0, 0, overhang)), dtype=torch.int8)
    return c * s, s, inds


def fit_contribs(cwms, contribs, sequences, cwm_trim_mask, use_hypothetical, lambdas, step_size_max=3.0,
                 step_size_min=0.08, sqrt_transform=False, convergence_tol=0.0005, max_steps=10000,
                 batch_size=2000, step_adjust=0.7, post_filter=True, eps=1.0):
    M, _, W = cwms.shape
    N, _, L = sequences.shape
    B = batch_size
    cwms_t = _to_channel_last_layout(torch.from_numpy(cwms), dtype=torch.float32)
    contribs_t = torch.from_numpy(contribs)
    sequences_t = torch.from_numpy(sequences)
    mask_t = _to_channel_last_layout(torch.from_numpy(cwm_trim_mask)[:, None, :].repeat(1, 4, 1),
                                     dtype=torch.float32)
    lambdas_t = torch.from_numpy(lambdas)[None, :, None].float()
    cwms_t = cwms_t * mask_t
    if sqrt_transform:
        cwms_t = _signed_sqrt(cwms_t)
    cwm_norm = (cwms_t ** 2).sum(dim=(1, 2)).sqrt()
    cwms_t = cwms_t / cwm_norm[:, None, None]

    hits = {k: [] for k in ["peak_id", "motif_id", "hit_start", "coef", "sim", "imp", "imp_sq"]}
    qc = {k: [] for k in ["peak_id", "nll", "dual_gap", "num_steps", "step_size", "global_scale"]}

    P = L - W + 1
    coef_inter = _to_channel_last_layout(torch.zeros((B, M, P)), dtype=torch.float32)
    coef = torch.zeros_like(coef_inter)
    i = torch.zeros((B, 1, 1), dtype=torch.int)
    step_sizes = torch.full((B, 1, 1), step_size_max, dtype=torch.float32)
    converged = torch.full((B,), True, dtype=torch.bool)
    num_load = B
    contribs_buf = _to_channel_last_layout(torch.zeros((B, 4, L)), dtype=torch.float32)
    seqs_buf = 1 if use_hypothetical else _to_channel_last_layout(torch.zeros((B, 4, L)), dtype=torch.int8)
    imp_buf = _to_channel_last_layout(torch.zeros((B, M, P)), dtype=torch.float32)
    inds_buf = torch.zeros((B,), dtype=torch.int)
    gs_buf = torch.zeros((B,))

    num_complete = 0
    next_ind = 0
    while num_complete < N:
        if num_load > 0:
            load_start = next_ind
            load_end = load_start + num_load
            next_ind = min(load_end, contribs_t.shape[0])
            c_b, s_b, inds_b = _load_batch(contribs_t, sequences_t, load_start, load_end, use_hypothetical)
            if sqrt_transform:
                c_b = _signed_sqrt(c_b)
            gs_b = ((c_b ** 2).sum(dim=(1, 2)) / L).sqrt()
            c_b = torch.nan_to_num(c_b / gs_b[:, None, None])
            imp_b = (F.conv1d(c_b ** 2, mask_t) + eps) ** (-0.5)
            imp_b = imp_b.clamp(max=10)
            contribs_buf[converged] = c_b
            if not use_hypothetical:
                seqs_buf[converged] = s_b
            imp_buf[converged] = imp_b
            inds_buf[converged] = inds_b
            gs_buf[converged] = gs_b
            coef_inter[converged] *= 0
            coef[converged] *= 0
            i[converged] *= 0
            step_sizes[converged] = step_size_max

        coef_inter, coef, gap, nll = optimizer_step(cwms_t, contribs_buf, imp_buf, seqs_buf, coef_inter, coef, i,
                                                    step_sizes, L, lambdas_t)
        i += 1
        active = inds_buf >= 0
        diverged = ~torch.isfinite(gap) & active
        coef_inter[diverged] *= 0
        coef[diverged] *= 0
        i[diverged] *= 0
        step_sizes[diverged] *= step_adjust
        timeouts = (i > max_steps).squeeze(-1).squeeze(-1) & active
        for ind in inds_buf[timeouts]:
            warnings.warn(f"Region {int(ind)} has not converged within max_steps={max_steps} iterations.")
        fails = (step_sizes < step_size_min).squeeze(-1).squeeze(-1) & active
        for ind in inds_buf[fails]:
            warnings.warn(f"Optimizer failed for region {int(ind)}.")
        converged = ((gap <= convergence_tol) | timeouts | fails) & active
        num_load = int(converged.sum().item())

        if num_load > 0:
            inds_out = inds_buf[converged]
            coef_out = coef[converged]
            imp_out = imp_buf[converged]
            imp_sq = imp_out ** (-2) - eps
            xcor_scale = imp_sq.sqrt()
            c_conv = contribs_buf[converged]
            imp_sum = F.conv1d(torch.abs(c_conv), mask_t)
            xcov = F.conv1d(c_conv, cwms_t)
            xcor = xcov / xcor_scale
            if post_filter:
                coef_out = coef_out * (xcor >= lambdas_t)
            sp = coef_out.to_sparse()
            idx = sp.indices()
            hits["peak_id"].append(inds_out[idx[0]].numpy())
            hits["motif_id"].append(idx[1].numpy())
            hits["hit_start"].append(idx[2].numpy())
            hits["coef"].append(sp.values().numpy())
            t = tuple(idx)
            hits["sim"].append(xcor[t].numpy())
            hits["imp"].append(imp_sum[t].numpy())
            hits["imp_sq"].append(imp_sq[t].numpy())
            qc["peak_id"].append(inds_out.numpy())
            qc["nll"].append(nll[converged].numpy())
            qc["dual_gap"].append(gap[converged].numpy())
            qc["num_steps"].append(i[converged, 0, 0].numpy())
            qc["step_size"].append(step_sizes[converged, 0, 0].numpy())
            qc["global_scale"].append(gs_buf[converged].numpy())
            num_complete += num_load
    hits = {k: np.concatenate(v) if v else np.zeros(0) for k, v in hits.items()}
    qc = {k: np.concatenate(v) for k, v in qc.items()}
    return hits, qc


# ---- script -----------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--regions", required=True)
    ap.add_argument("--modisco", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", default="pp", choices=["pp", "ph", "hp", "hh"])
    ap.add_argument("--lambda", dest="lam", type=float, default=0.7)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N regions")
    ap.add_argument("--sqrt-transform", action="store_true")
    ap.add_argument("--eps", type=float, default=1.0)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    data = np.load(a.regions)
    seqs, contribs = data["sequences"], data["contributions"]
    if a.limit:
        seqs, contribs = seqs[: a.limit], contribs[: a.limit]
    rows, cwms, masks = load_modisco_motifs(a.modisco, motif_type="cwm" if a.mode[0] == "p" else "hcwm",
                                            lambda_default=a.lam)
    lambdas = np.array([r[5] for r in rows], dtype=np.float32)
    t0 = time.perf_counter()
    with torch.no_grad():
        hits, qc = fit_contribs(cwms, contribs, seqs, masks, a.mode[1] == "h", lambdas, batch_size=a.batch_size,
                                sqrt_transform=a.sqrt_transform, eps=a.eps)
    seconds = time.perf_counter() - t0
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "ref_hits.tsv"), "w") as f:
        f.write("peak_id\tmotif_id\thit_start\thit_coefficient\thit_similarity\thit_importance\thit_importance_sq\n")
        for k in range(len(hits["peak_id"])):
            f.write(f"{hits['peak_id'][k]}\t{hits['motif_id'][k]}\t{hits['hit_start'][k]}\t{hits['coef'][k]!r}\t"
                    f"{hits['sim'][k]!r}\t{hits['imp'][k]!r}\t{hits['imp_sq'][k]!r}\n")
    with open(os.path.join(a.out, "ref_qc.tsv"), "w") as f:
        f.write("peak_id\tnll\tdual_gap\tnum_steps\tstep_size\tglobal_scale\n")
        for k in np.argsort(qc["peak_id"], kind="stable"):
            f.write(f"{qc['peak_id'][k]}\t{qc['nll'][k]!r}\t{qc['dual_gap'][k]!r}\t{qc['num_steps'][k]}\t"
                    f"{qc['step_size'][k]!r}\t{qc['global_scale'][k]!r}\n")
    with open(os.path.join(a.out, "ref_motifs.tsv"), "w") as f:
        f.write("motif_id\tmotif_name\tstrand\tmotif_start\tmotif_end\n")
        for k, r in enumerate(rows):
            f.write(f"{k}\t{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\n")
    with open(os.path.join(a.out, "timing.json"), "w") as f:
        json.dump({"regions": int(seqs.shape[0]), "seconds": seconds, "threads": a.threads,
                   "batch_size": a.batch_size}, f)
    print(f"reference: {seqs.shape[0]} regions in {seconds:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
