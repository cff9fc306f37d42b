"""Weights for the zoo: seeded random ones that keep activations O(1), and
the Keras ChromBPNet bias model's weights loaded into ValidDilatedResNet.

Random weights: every Conv1d/Linear gets N(0, 2/fan_in) weights and
N(0, 0.1^2) biases; every BatchNorm1d a random gamma in [0.5, 1.5) and beta
N(0, 0.2^2). One forward pass over random one-hot windows then fixes the
scales, in graph order (each layer sees its inputs already rescaled):
  * each Conv1d/Linear is divided by the root mean square of its output
    on those windows, so every conv/dense output has unit magnitude;
  * each BatchNorm1d gets running statistics near, but not equal to, those
    of its input: mean + 0.2 sd x N(0,1), var x exp(0.3 N(0,1)).
So no batch norm is an identity and nothing saturates or vanishes with depth.
"""
import re

import h5py
import numpy as np
import torch
from torch import nn


def one_hot(n, length, seed):
    """Random one-hot windows, float32 (N, L, 4): channels-last, as s2f reads them."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, length, 4), np.float32)
    idx = rng.integers(0, 4, size=(n, length))
    np.put_along_axis(x, idx[:, :, None], 1.0, axis=2)
    return x


def to_torch(x):
    """(N, L, 4) channels-last numpy -> (N, 4, L) torch."""
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 2, 1)))


@torch.no_grad()
def randomize(model, input_length, seed, n_windows=8):
    g = torch.Generator().manual_seed(seed)
    normal = lambda shape, sd: torch.randn(shape, generator=g) * sd  # noqa: E731
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Linear)):
            m.weight.copy_(normal(m.weight.shape, (2.0 / m.weight[0].numel()) ** 0.5))
            if m.bias is not None:
                m.bias.copy_(normal(m.bias.shape, 0.1))
        elif isinstance(m, nn.BatchNorm1d):
            m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
            m.bias.copy_(normal(m.bias.shape, 0.2))

    def set_stats(m, args):
        x = args[0]
        dims = [0, 2] if x.dim() == 3 else [0]
        mean, var = x.mean(dim=dims), x.var(dim=dims).clamp_min(1e-3)
        m.running_mean.copy_(mean + 0.2 * var.sqrt() * normal(mean.shape, 1.0))
        m.running_var.copy_(var * torch.exp(normal(var.shape, 0.3)))

    def unit_spread(m, args, out):
        sd = out.pow(2).mean().sqrt().item()
        m.weight.div_(sd)
        if m.bias is not None:
            m.bias.div_(sd)
        return out / sd

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            hooks.append(m.register_forward_pre_hook(set_stats))
        elif isinstance(m, (nn.Conv1d, nn.Linear)):
            hooks.append(m.register_forward_hook(unit_spread))
    model.eval()
    model(to_torch(one_hot(n_windows, input_length, seed)))
    for h in hooks:
        h.remove()
    return model


@torch.no_grad()
def load_chrombpnet_keras(model, h5_path):
    """Copies the Keras ChromBPNet bias model's weights (bpnet_1st_conv,
    bpnet_<i>conv, prof_out_precrop, logcount_predictions) into a
    ValidDilatedResNet of the same size. Keras kernels are (K, in, out)."""
    names = {"bpnet_1st_conv": model.conv1, "prof_out_precrop": model.profile_conv,
             "logcount_predictions": model.count}
    names.update({f"bpnet_{i + 1}conv": conv for i, conv in enumerate(model.rconvs)})
    seen = set()
    with h5py.File(h5_path, "r") as f:
        root = f["model_weights"]
        for layer, m in names.items():
            for wname in root[layer].attrs["weight_names"]:
                wname = wname.decode() if isinstance(wname, bytes) else wname
                leaf = wname.rsplit("/", 1)[-1].split(":")[0]
                a = torch.from_numpy(np.asarray(root[layer][wname], np.float32))
                if leaf == "kernel":
                    a = a.permute(2, 1, 0) if a.dim() == 3 else a.t()
                target = m.weight if leaf == "kernel" else m.bias
                if target.shape != a.shape:
                    raise ValueError(f"{layer}/{leaf}: Keras {tuple(a.shape)} vs torch {tuple(target.shape)}")
                target.copy_(a)
                seen.add((layer, leaf))
        extra = [k for k in root if re.fullmatch(r"bpnet_\d+conv", k) and k not in names]
    if len(seen) != 2 * len(names) or extra:
        raise ValueError(f"{h5_path}: layers do not match a {len(model.rconvs)}-layer tower ({sorted(extra)})")
    return model.eval()


def keras_tower_size(h5_path):
    """(filters, n_layers) of a Keras ChromBPNet tower file."""
    with h5py.File(h5_path, "r") as f:
        root = f["model_weights"]
        n_layers = sum(1 for k in root if re.fullmatch(r"bpnet_\d+conv", k))
        filters = root["bpnet_1st_conv"]["bpnet_1st_conv"]["bias:0"].shape[0]
    return filters, n_layers
