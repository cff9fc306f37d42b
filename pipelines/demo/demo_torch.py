"""The demo model file's weights in the bpnet-lite BPNet (PyTorch), for
parity tests and --exec examples:

    import demo_torch
    model = demo_torch.load("pipelines/demo/model/demo.s2fm")   # eval mode
    profile, counts = model(x)   # x: (batch, 4, 500) one-hot, A C G T

Needs Debian's python3-torch, python3-h5py and python3-numpy.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "..", "formats", "python"))

DEFAULT_MODEL = os.path.join(HERE, "model", "demo.s2fm")


def load(model_path=DEFAULT_MODEL, report_path=None):
    import h5py
    import torch
    import bpnet_lite
    report_path = report_path or os.path.join(os.path.dirname(model_path), "training_report.json")
    with open(report_path) as f:
        hp = json.load(f)["architecture"]
    model = bpnet_lite.BPNet(n_filters=hp["n_filters"], n_layers=hp["n_layers"], n_outputs=2,
                             n_control_tracks=0, trimming=hp["trimming"])
    state = {}
    with h5py.File(model_path, "r") as f:
        w = f["weights"]
        # The exporter stores Conv1d (out, in, K) as (K, in, out) and Linear (out, in) as (in, out).
        state["iconv.weight"] = torch.from_numpy(w["iconv/kernel"][()]).permute(2, 1, 0)
        state["iconv.bias"] = torch.from_numpy(w["iconv/bias"][()])
        for i in range(hp["n_layers"]):
            node = f"rconvs_{i}"
            state[f"rconvs.{i}.weight"] = torch.from_numpy(w[f"{node}/kernel"][()]).permute(2, 1, 0)
            state[f"rconvs.{i}.bias"] = torch.from_numpy(w[f"{node}/bias"][()])
        state["fconv.weight"] = torch.from_numpy(w["fconv/kernel"][()]).permute(2, 1, 0)
        state["fconv.bias"] = torch.from_numpy(w["fconv/bias"][()])
        state["linear.weight"] = torch.from_numpy(w["linear/kernel"][()]).t()
        state["linear.bias"] = torch.from_numpy(w["linear/bias"][()])
    model.load_state_dict({k: v.contiguous() for k, v in state.items()})
    return model.eval()


class DemoModel:
    """For formats/python/torch_adapter.py --module demo_torch.py --class DemoModel."""

    def __new__(cls, model_path=DEFAULT_MODEL):
        return load(model_path)
