"""An --exec model with AlphaGenome's output heads at their raw widths (both
organisms share them; padding fills the gap), for testing named outputs
without the real weights. Every value says where it sits: channel c, bin j of
a 1-D head holds c + j/4; a contact map (tracks x 3 x 3) holds c + (3i + k)/4
at (i, k). Outputs do not depend on the sequence, so --rc mean gives
(M + flip(M)) / 2 exactly, flip reversing every bin axis.
"""
import sys

import numpy as np

import s2f_exec

RAW_TRACKS = {"atac": 256, "dnase": 384, "procap": 128, "cage": 640, "rna_seq": 768, "chip_tf": 1664,
              "chip_histone": 1152, "contact_maps": 28, "splice_sites": 5, "splice_site_usage": 734,
              "splice_junctions": 367}
BINS = 4
MAP_BINS = 3


def head_values(name):
    tracks = RAW_TRACKS[name]
    if name == "contact_maps":
        return (np.arange(tracks, dtype=np.float32)[:, None, None]
                + np.arange(MAP_BINS * MAP_BINS, dtype=np.float32).reshape(MAP_BINS, MAP_BINS)[None] / 4)
    return np.arange(tracks, dtype=np.float32)[:, None] + np.arange(BINS, dtype=np.float32)[None, :] / 4


def predict(onehot):
    n = onehot.shape[0]
    return {name: np.broadcast_to(head_values(name), (n,) + head_values(name).shape) for name in RAW_TRACKS}


def predict_two_resolutions(onehot):
    """--resolutions: one output type at 1 bp and 128 bp (heads atac@1, atac@128), as AlphaGenome's atac."""
    n = onehot.shape[0]
    ch = np.arange(RAW_TRACKS["atac"], dtype=np.float32)[:, None]
    return {"atac@1": np.broadcast_to(ch + np.arange(8, dtype=np.float32) / 8, (n, RAW_TRACKS["atac"], 8)),
            "atac@128": np.broadcast_to(ch + np.arange(BINS, dtype=np.float32) / 4, (n, RAW_TRACKS["atac"], BINS))}


if __name__ == "__main__":
    if "--resolutions" in sys.argv:
        s2f_exec.serve(predict_two_resolutions, n_value=0.0,
                       heads_meta=[{"name": "atac@1", "kind": "profile", "bin_size": 1},
                                   {"name": "atac@128", "kind": "profile", "bin_size": 128}])
        sys.exit(0)
    # Strands come from the catalog's strand column (--catalog alphagenome:human).
    heads = [{"name": name, "kind": "contact_map" if name == "contact_maps" else "profile", "bin_size": 128}
             for name in RAW_TRACKS]
    s2f_exec.serve(predict, n_value=0.0, heads_meta=heads)
