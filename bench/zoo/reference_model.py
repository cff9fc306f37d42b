"""The PyTorch model a benchmark's reference side runs: a zoo model by name
(its cached weights, the same the zoo exported for s2f) or the real
bpnet-lite BPNet from its files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def load(zoo_name=None, zoo_dir=None, state_dict=None, hparams=None):
    if zoo_name:
        import parity  # noqa: E402 -- exports the s2f side too when missing
        _, cache = parity.model_files(zoo_name, zoo_dir)
        import zoo  # noqa: E402
        return zoo.load(zoo_name, cache)
    sys.path.insert(0, os.path.join(HERE, "..", "..", "formats", "python"))
    import bpnet_lite  # noqa: E402
    return bpnet_lite.from_files(state_dict, hparams)
