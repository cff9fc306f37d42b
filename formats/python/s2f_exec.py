"""Serve any model to `s2f-predict --exec` (protocol: formats/EXEC.md).

s2f-predict writes a `sequences` stream to the plug-in's stdin and reads a
`tensors` stream from its stdout: one record per input record, in order,
carrying the input's identity fields and one float32 field per output head
shaped [tracks, bins]. This module does the stream handling; the caller
supplies a function from one-hot sequences to named outputs::

    import s2f_exec

    def predict(onehot):                  # float32 (batch, length, 4), A C G T
        return {"profile": ...,           # (batch, tracks, bins)
                "counts": ...}            # (batch, tracks) or (batch, tracks, 1)

    s2f_exec.serve(predict, catalog_tsv="model.tracks.tsv", n_value=0)

n_value is the one-hot value of every channel at an N that the model was
trained with (0 = all-zero rows); the plug-in declares the value it used as
meta.n_value, and uses the one s2f asks for (meta.n_value_asked, from
--n-value) when there is one. With neither, a window holding an N is an
error naming --n-value. Strand pairs of a head ([[plus, minus], ...]) go in
heads_meta ({"name": ..., "kind": ..., "strand_pairs": ...}).

Run it as ``s2f-predict --exec 'python3 my_adapter.py' windows.s2f``. Errors
go to stderr and a non-zero exit, which s2f-predict reports with that stderr.
"""

import json
import sys

import numpy as np

import s2f_stream

_CHANNEL = np.full(256, -1, dtype=np.int8)
for _i, _b in enumerate(b"ACGT"):
    _CHANNEL[_b] = _i
    _CHANNEL[ord(chr(_b).lower())] = _i


def one_hot(seq, n_value, ids=None):
    """(batch, length) uint8 ASCII -> (batch, length, 4) float32. With
    n_value None, an N (any base not A/C/G/T) is an error naming its window."""
    ch = _CHANNEL[np.asarray(seq, dtype=np.uint8)]
    out = np.zeros(ch.shape + (4,), dtype=np.float32)
    known = ch >= 0
    idx = np.nonzero(known)
    out[idx + (ch[known].astype(np.intp),)] = 1.0
    if n_value is None and not known.all():
        row = int(np.nonzero(~known.all(axis=1))[0][0])
        name = f"'{ids[row]}'" if ids is not None else f"{row + 1} of the batch"
        raise SystemExit(f"window {name} holds an N and nothing says how the model's training encoded N: "
                         "give s2f --n-value 0 (all-zero rows) or 0.25, or the plug-in its training's value")
    out[~known] = n_value if n_value is not None else 0.0
    return out


def catalog_json(tsv_path):
    """A track catalog TSV in the JSON form stream headers carry."""
    with open(tsv_path, encoding="utf-8") as f:
        lines = [l.rstrip("\n").rstrip("\r") for l in f if l.strip()]
    columns = lines[0].split("\t")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise SystemExit(f"{tsv_path}:{n}: {len(cells)} cells, header has {len(columns)}")
        rows.append([c if c != "" else None for c in cells])
    return {"columns": columns, "rows": rows}


def serve(predict, catalog_tsv=None, batch_size=64, n_value=None, heads_meta=None,
          stdin=None, stdout=None):
    src = s2f_stream.read(stdin if stdin is not None else sys.stdin.buffer)
    if src.kind != "sequences":
        raise SystemExit(f"expected a sequences stream on stdin, got {src.kind}")
    # s2f's --n-value, when given, is the value to use (formats/EXEC.md).
    asked = src.meta.get("n_value_asked")
    if asked is not None:
        n_value = float(asked)

    def header_meta():
        meta = {k: v for k, v in src.meta.items() if k not in ("n_value", "n_value_asked")}
        if catalog_tsv:
            meta["tracks"] = catalog_json(catalog_tsv)
        if heads_meta:
            meta.setdefault("geometry", {})["heads"] = heads_meta
        if n_value is not None:
            meta["n_value"] = float(np.float32(n_value))
        return meta
    identity = [f for f in src.schema if f["name"] != "seq"]
    writer = None
    pending = []

    def flush(batch):
        nonlocal writer
        onehot = one_hot(batch["seq"], n_value, batch.get("id"))
        outputs = predict(onehot)
        arrays = {}
        for name, value in outputs.items():
            a = np.asarray(value, dtype=np.float32)
            if a.ndim == 2:
                a = a[:, :, None]
            # (batch, tracks, bins, bins): a 2-D head such as contact maps.
            if a.ndim not in (3, 4) or a.shape[0] != onehot.shape[0]:
                raise SystemExit(f"head {name}: expected (batch, tracks[, bins[, bins]]), got {a.shape}")
            arrays[name] = a
        if writer is None:
            schema = identity + [{"name": k, "dtype": "f32", "shape": list(v.shape[1:])}
                                 for k, v in arrays.items()]
            writer = s2f_stream.Writer(stdout if stdout is not None else sys.stdout.buffer,
                                       "tensors", schema, header_meta())
        record = {f["name"]: batch[f["name"]] for f in identity}
        record.update(arrays)
        writer.write_batch(record)

    for batch in src:
        n = len(batch["id"])
        for start in range(0, n, batch_size):
            flush({k: v[start:start + batch_size] for k, v in batch.items()})
    if writer is None:
        # No records: learn the output shapes from one all-N window so the
        # (empty) output stream still has the right schema.
        length = next(f["shape"][0] for f in src.schema if f["name"] == "seq")
        shapes = {k: np.asarray(v, dtype=np.float32) for k, v in
                  predict(np.zeros((1, length, 4), dtype=np.float32)).items()}
        schema = identity + [{"name": k, "dtype": "f32",
                              "shape": list(v.shape[1:]) + ([1] if v.ndim == 2 else [])}
                             for k, v in shapes.items()]
        writer = s2f_stream.Writer(stdout if stdout is not None else sys.stdout.buffer,
                                   "tensors", schema, header_meta())
    writer.close()
