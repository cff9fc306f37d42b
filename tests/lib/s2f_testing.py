"""What the Python tests share: where the binaries and the source tree are,
running a stage and checking its exit code and message, temporary
directories, and the check()/finish() harness of the script-style tests.

Import paths are set once, outside the tests: ctest runs every Python test
with PYTHONPATH = tests/lib : formats/python : pipelines/demo
(S2F_TEST_PYTHONPATH in tests/CMakeLists.txt), so `import s2f_stream`,
`import s2f_testing` and the demo's modules (demo_grammar, demo_torch,
compare_hits) work without touching sys.path. By hand, from the source tree:

    PYTHONPATH=tests/lib:formats/python:pipelines/demo S2F_BIN_DIR=build/bin \\
        /usr/bin/python3 tests/score/test_score.py
"""
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE_DIR = os.environ.get("S2F_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN_DIR = os.path.abspath(os.environ.get("S2F_BIN_DIR") or os.path.join(SOURCE_DIR, "build", "bin"))
# Debian's python3, which has numpy, h5py and torch (a python3 earlier on PATH may not).
PYTHON = os.environ.get("S2F_PYTHON", "/usr/bin/python3")
DEMO_DIR = os.path.join(SOURCE_DIR, "pipelines", "demo")
DEMO_MODEL_DIR = os.path.join(DEMO_DIR, "model")
SHARED_DATA = os.path.join(SOURCE_DIR, "..", "shared", "data")
SKIP = 77  # exit code ctest reads as "skipped" (SKIP_RETURN_CODE)


def source_path(*parts):
    return os.path.join(SOURCE_DIR, *parts)


def tool_path(name):
    """The built binary of a stage: tool_path("s2f-view")."""
    return os.path.join(BIN_DIR, name)


def env_with_bin():
    """os.environ with BIN_DIR first on PATH (for stages that run other stages)."""
    return dict(os.environ, PATH=BIN_DIR + os.pathsep + os.environ.get("PATH", ""))


def run(name, *args, check=False, timeout=600, **kw):
    """Runs stage `name` (a binary in BIN_DIR) with text output captured.
    check=True raises AssertionError with its stderr when it exits non-zero."""
    r = subprocess.run([tool_path(name), *map(str, args)], capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{name} {' '.join(map(str, args))} exited {r.returncode}:\n{r.stderr}")
    return r


def fails_with(result, code, message):
    """True when a finished run exited `code` and said `message` on stderr."""
    return result.returncode == code and message in result.stderr


def expect_failure(name, args, code, message, **kw):
    """Runs a stage that must fail; returns (ok, result)."""
    r = run(name, *args, **kw)
    return fails_with(r, code, message), r


@contextlib.contextmanager
def temp_dir(prefix="s2f-test-", keep=None):
    """A temporary directory, removed afterwards unless S2F_KEEP_TMP=1 (or keep=True)."""
    d = tempfile.mkdtemp(prefix=prefix)
    try:
        yield d
    finally:
        if not (keep if keep is not None else os.environ.get("S2F_KEEP_TMP") == "1"):
            shutil.rmtree(d, ignore_errors=True)


# The script-style harness: check() prints ok/FAIL per line, finish() exits
# 1 when anything failed (unittest-style tests use unittest.main instead).
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return bool(cond)


def finish():
    if failures:
        print(f"{len(failures)} check(s) failed:", *failures, sep="\n  ")
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def write_tiny_keras(path, kernel):
    """A Keras 2.x model as Keras saves it (input of 32 bp -> Conv1D with 2
    filters of width 3), with `kernel` ([3, 4, 2]) as its weights. Needs h5py."""
    import json
    import h5py
    import numpy as np
    layers = [{"class_name": "InputLayer", "name": "seq", "inbound_nodes": [],
               "config": {"name": "seq", "batch_input_shape": [None, 32, 4], "dtype": "float32"}},
              {"class_name": "Conv1D", "name": "conv_a", "inbound_nodes": [[["seq", 0, 0, {}]]],
               "config": {"name": "conv_a", "filters": 2, "kernel_size": [3], "strides": [1], "padding": "valid",
                          "data_format": "channels_last", "dilation_rate": [1], "groups": 1,
                          "activation": "linear", "use_bias": True}}]
    cfg = {"class_name": "Functional", "config": {"name": "m", "layers": layers, "input_layers": [["seq", 0, 0]],
                                                  "output_layers": [["conv_a", 0, 0]]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.4.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(cfg).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"seq", b"conv_a"])
        g.create_group("seq").attrs["weight_names"] = np.zeros(0)
        c = g.create_group("conv_a")
        c.attrs["weight_names"] = np.array([b"conv_a/kernel:0", b"conv_a/bias:0"])
        c["conv_a/kernel:0"] = np.asarray(kernel, np.float32)
        c["conv_a/bias:0"] = np.zeros(2, np.float32)


# The locus and window fields every tensors/scores record starts with
# (formats/SPEC.md, "Record kinds"), as s2f_stream.write takes a schema.
WINDOW_IDENTITY_FIELDS = [
    {"name": "id", "dtype": "str", "shape": []}, {"name": "chrom", "dtype": "str", "shape": []},
    {"name": "pos", "dtype": "i64", "shape": []}, {"name": "strand", "dtype": "u8", "shape": []},
    {"name": "start", "dtype": "i64", "shape": []}, {"name": "allele", "dtype": "u8", "shape": []},
    {"name": "ref", "dtype": "str", "shape": []}, {"name": "alt", "dtype": "str", "shape": []},
    {"name": "ref_match", "dtype": "u8", "shape": []}, {"name": "contains_unk", "dtype": "u8", "shape": []}]


def write_sequence_windows(path, seqs):
    """A sequences stream (as s2f-encode writes) of the windows `seqs`
    (equal-length strings), ids w0, w1, ...; returns their one-hot (N, L, 4)
    encoding, A C G T (the windows should hold no N)."""
    import numpy as np
    import s2f_stream
    n, length = len(seqs), len(seqs[0])
    codes = np.frombuffer("".join(seqs).encode(), np.uint8).reshape(n, length)
    schema = WINDOW_IDENTITY_FIELDS + [{"name": "seq", "dtype": "u8", "shape": [length]}]
    batch = {"id": [f"w{i}" for i in range(n)], "chrom": ["chr1"] * n, "pos": np.arange(n, dtype=np.int64) * 1000,
             "strand": np.full(n, ord("+"), np.uint8), "start": np.arange(n, dtype=np.int64) * 1000,
             "allele": np.full(n, ord("."), np.uint8), "ref": [""] * n, "alt": [""] * n,
             "ref_match": np.ones(n, np.uint8), "contains_unk": np.zeros(n, np.uint8), "seq": codes}
    s2f_stream.write(path, "sequences", schema, {"geometry": {"sequence_length": length}}, [batch])
    return np.stack([(codes == ord(b)).astype(np.float32) for b in "ACGT"], axis=-1)
