"""The zoo: each model's name, input, heads, weights and where its s2f model
file comes from. `load(name, cache)` gives the PyTorch module with its
weights; random weights are made once and cached next to the s2f file.
"""
import hashlib
import os
import sys
from dataclasses import dataclass, field

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "formats", "python"))
sys.path.insert(0, HERE)
import bpnet_lite  # noqa: E402
import models  # noqa: E402
import weights  # noqa: E402

DATA = os.path.join(ROOT, "..", "shared", "data", "models")
BPNET_STATE = os.path.join(DATA, "bpnet-lite", "bpnet_example.state_dict.pt")
BPNET_HPARAMS = os.path.join(DATA, "bpnet-lite", "bpnet_example.hparams.json")
BIAS_H5 = os.path.join(DATA, "chrombpnet-bias", "GM12878.bias_model_scaled.h5")


@dataclass
class Entry:
    name: str
    input_length: int
    heads: list
    make: object            # () -> module with its weights (random ones: untrained architecture)
    seed: int = None        # random weights from this seed (None: real weights)
    keras: str = None       # s2f reads this Keras .h5 itself; reference: numpy forward pass
    requires: list = field(default_factory=list)
    export_args: dict = field(default_factory=dict)


def _bias_model():
    filters, n_layers = weights.keras_tower_size(BIAS_H5)
    return weights.load_chrombpnet_keras(models.ValidDilatedResNet(filters, n_layers), BIAS_H5)


ENTRIES = {e.name: e for e in [
    Entry("bpnet", 2114, ["profile", "counts"], lambda: bpnet_lite.from_files(BPNET_STATE, BPNET_HPARAMS),
          requires=[BPNET_STATE, BPNET_HPARAMS], export_args={"concrete_args": {"X_ctl": None}}),
    Entry("chrombpnet", 2114, ["profile", "counts"], lambda: models.ValidDilatedResNet(512, 8), seed=11),
    Entry("chrombpnet-bias", 2114, ["logits_profile_predictions", "logcount_predictions"], _bias_model,
          keras=BIAS_H5, requires=[BIAS_H5]),
    Entry("basset", 600, ["dnase"], models.basset, seed=12),
    Entry("deepsea", 1000, ["chromatin"], models.deepsea, seed=13),
    Entry("spliceai", 15000, ["splice"], models.SpliceAI, seed=14),
]}


def missing(name):
    """Data files the model needs that are absent."""
    return [p for p in ENTRIES[name].requires if not os.path.exists(p)]


def cache_key(name):
    """Changes whenever the model's definition, weights or exporter may have."""
    h = hashlib.sha256(name.encode())
    for f in ("models.py", "weights.py", "zoo.py"):
        with open(os.path.join(HERE, f), "rb") as fh:
            h.update(fh.read())
    for f in ("s2f_model_export.py", "bpnet_lite.py"):
        with open(os.path.join(ROOT, "formats", "python", f), "rb") as fh:
            h.update(fh.read())
    for p in ENTRIES[name].requires:
        st = os.stat(p)
        h.update(f"{os.path.realpath(p)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def load(name, weights_cache=None):
    """The PyTorch module in eval mode. Random weights come from
    `weights_cache` (a state_dict file) when given and present, else are
    made from the entry's seed (and saved there)."""
    e = ENTRIES[name]
    model = e.make()
    if e.seed is not None:
        if weights_cache and os.path.exists(weights_cache):
            model.load_state_dict(torch.load(weights_cache, map_location="cpu"))
        else:
            weights.randomize(model, e.input_length, e.seed)
            if weights_cache:
                tmp = f"{weights_cache}.tmp{os.getpid()}"
                torch.save(model.state_dict(), tmp)
                os.replace(tmp, weights_cache)
    return model.eval()
