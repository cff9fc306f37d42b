"""Serve a PyTorch module to `s2f-predict --exec` — the route for GPU, JAX
or very large models that the native engine does not run.

    s2f-predict --exec 'python3 formats/python/torch_adapter.py \
        --module my_model.py --class MyModel --kwargs "{\"n_tracks\": 2}" \
        --state-dict weights.pt --heads profile,counts --catalog model.tracks.tsv' \
        windows.s2f > preds.s2f

The module's forward takes one-hot input in PyTorch's (batch, 4, length)
layout and returns a tensor or a tuple of tensors, one per name in --heads,
each (batch, tracks, bins) or (batch, tracks). --device cuda runs on a GPU.
--n-value declares the one-hot value of an N the model was trained with
(s2f-predict --n-value overrides it); --strand-pairs HEAD:P-M,... declares
which channels of a head are the + and - strands of one signal (for --rc).
"""

import argparse
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import s2f_exec  # noqa: E402
import s2f_strands  # noqa: E402


def load_module_class(path, name):
    spec = importlib.util.spec_from_file_location("s2f_user_model", path)
    if spec is None:
        raise SystemExit(f"cannot import {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not hasattr(mod, name):
        raise SystemExit(f"{path} has no class {name}")
    return getattr(mod, name)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--module", required=True, help="Python file defining the model class")
    p.add_argument("--class", dest="cls", required=True, help="model class name")
    p.add_argument("--kwargs", default="{}", help="JSON keyword arguments for the class")
    p.add_argument("--state-dict", help="torch.save'd state_dict (.pt)")
    p.add_argument("--heads", required=True, help="comma-separated names of the forward outputs")
    p.add_argument("--catalog", help="track catalog TSV to send in the stream header")
    p.add_argument("--n-value", type=float, help="one-hot value of every channel at an N in training (0 = zeros)")
    p.add_argument("--strand-pairs", action="append", default=[], metavar="HEAD:P-M,...",
                   help="a head's (+, -) channel pairs, HEAD:none when none is stranded; repeatable")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    model = load_module_class(a.module, a.cls)(**json.loads(a.kwargs))
    if a.state_dict:
        model.load_state_dict(torch.load(a.state_dict, map_location="cpu"))
    model.eval().to(a.device)
    names = a.heads.split(",")

    def predict(onehot):
        x = torch.from_numpy(np.ascontiguousarray(onehot.transpose(0, 2, 1))).to(a.device)
        with torch.no_grad():
            y = model(x)
        if not isinstance(y, (tuple, list)):
            y = (y,)
        if len(y) != len(names):
            raise SystemExit(f"the model returned {len(y)} outputs but --heads names {len(names)}")
        return {n: t.detach().cpu().numpy() for n, t in zip(names, y)}

    pairs = s2f_strands.parse(a.strand_pairs)
    heads_meta = [{"name": n, "strand_pairs": pairs[n]} for n in names if n in pairs] or None
    s2f_exec.serve(predict, catalog_tsv=a.catalog, batch_size=a.batch_size, n_value=a.n_value,
                   heads_meta=heads_meta)


if __name__ == "__main__":
    main()
