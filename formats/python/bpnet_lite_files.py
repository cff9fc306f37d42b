"""Reading bpnet-lite models as they are shipped, without bpnet-lite installed.

A bpnet-lite BPNet comes as
  * a state_dict (torch.save(model.state_dict())), with or without the JSON
    of its constructor arguments (n_filters, n_layers, n_outputs,
    n_control_tracks, trimming), or
  * the whole module (torch.save(model)): a pickle naming the class
    bpnetlite.bpnet.BPNet. While it is read, every bpnetlite module is a
    stand-in (installed or not, no bpnet-lite code runs): BPNet's state lands
    on a stand-in module that keeps its submodules and hyperparameter
    attributes, and every other bpnet-lite object (the training Logger, ...)
    on an inert one. (An import hook rather than Unpickler.find_class,
    because torch.load of some versions ignores its pickle_module argument.)

Shapes that the weights fix are read from them: n_filters = iconv out
channels, n_layers = number of rconvs, n_outputs = fconv out channels,
n_control_tracks = fconv in channels - n_filters, and whether fconv and
linear have biases. The one number the weights cannot give is `trimming`
(where the profile is cut): the whole module records it; for a state_dict
it comes from the hparams' `trimming`, else from `in_window` and
`out_window` ((in_window - out_window) // 2, as bpnet-lite's training
command sets it), else bpnet-lite's own default when BPNet() is built
without it, 2**n_layers (said on stderr, as it may not be what the model
was trained with).

Control tracks: s2f models take one sequence input, so a model with
n_control_tracks > 0 is exported with its control input fixed to zeros:
the control channels of fconv and the log(1 + control counts) input of
linear multiply zeros, and are dropped from the weights. Its predictions
equal bpnet-lite's forward(X, torch.zeros(N, n_control_tracks, L)).

Every failure is a BPNetLiteError with a one-line message saying what is
wrong and how to fix it.
"""
import contextlib
import importlib.abc
import importlib.machinery
import inspect
import json
import pickle
import sys
import types

import torch

import bpnet_lite

PROFILE_HALF_WIDTH = 37  # fconv is 75 wide: the count head reads 37 more positions each side
DEFAULT_INPUT_LENGTH = 2114


class BPNetLiteError(ValueError):
    pass


# ---- unpickling without bpnet-lite ----------------------------------------

class _Inert:
    """Any object of a bpnet-lite module other than BPNet (its training
    Logger, ...): accepts whatever pickle hands it and keeps it."""
    origin = "?"

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.state = state

    def __setitem__(self, key, value):
        pass

    def append(self, value):
        pass

    def extend(self, values):
        pass


class PickledBPNet(torch.nn.Module):
    """Receives the state of a pickled bpnetlite.bpnet.BPNet (its __dict__:
    submodules and hyperparameter attributes)."""

    def forward(self, *args):
        raise BPNetLiteError("a pickled BPNet is read for its weights, not run")


class _StandInModule(types.ModuleType):
    """bpnetlite.<anything> while a file is read: BPNet of bpnetlite.bpnet is
    PickledBPNet, every other name an _Inert class."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        cls = PickledBPNet if (self.__name__, name) == ("bpnetlite.bpnet", "BPNet") else \
            type(name, (_Inert,), {"origin": f"{self.__name__}.{name}"})
        setattr(self, name, cls)
        return cls


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports of bpnetlite and its submodules get _StandInModule objects,
    whether or not bpnet-lite is installed: the model always lands on this
    transcription, and no bpnet-lite code runs."""

    def find_spec(self, name, path=None, target=None):
        if name == "bpnetlite" or name.startswith("bpnetlite."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        m = _StandInModule(spec.name)
        m.__path__ = []
        return m

    def exec_module(self, module):
        pass


@contextlib.contextmanager
def _bpnetlite_stand_ins():
    def ours(name):
        return name == "bpnetlite" or name.startswith("bpnetlite.")
    saved = {k: v for k, v in sys.modules.items() if ours(k)}
    for k in saved:
        del sys.modules[k]
    finder = _StandInFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if ours(k)]:
            del sys.modules[k]
        sys.modules.update(saved)


def read_torch_file(path):
    """What torch.save wrote to `path`; a pickled bpnet-lite BPNet comes
    back as a PickledBPNet."""
    kwargs = {"weights_only": False} if "weights_only" in inspect.signature(torch.load).parameters else {}
    try:
        with _bpnetlite_stand_ins():
            return torch.load(path, map_location="cpu", **kwargs)
    except FileNotFoundError:
        raise BPNetLiteError(f"{path}: no such file; give the bpnet-lite model saved with torch.save")
    except IsADirectoryError:
        raise BPNetLiteError(f"{path}: is a directory; give the bpnet-lite model file saved with torch.save")
    except ModuleNotFoundError as e:
        raise BPNetLiteError(f"{path}: the pickle needs module '{e.name}', which is not installed; save the "
                             "model's state_dict (torch.save(model.state_dict(), 'model.pt')) and export that")
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, KeyError, AttributeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise BPNetLiteError(f"{path}: not a file written by torch.save ({first}); "
                             "give the model saved with torch.save(model) or torch.save(model.state_dict())")


# ---- hyperparameters --------------------------------------------------------

def hyperparameters_from_state(state, where):
    """The architecture the weights fix (everything but trimming)."""
    if isinstance(state, torch.nn.Module):
        raise BPNetLiteError(f"{where}: holds a {type(state).__name__} module, not a bpnet-lite BPNet; export "
                             "other modules with: s2f_model_export.py module --python-file ... --class ...")
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise BPNetLiteError(f"{where}: holds a {type(state).__name__}, not a state_dict or a BPNet; "
                             "save it with torch.save(model.state_dict()) or torch.save(model)")
    missing = [k for k in ("iconv.weight", "fconv.weight", "linear.weight") if k not in state]
    if missing:
        shown = ", ".join(list(state)[:4]) + (", ..." if len(state) > 4 else "")
        raise BPNetLiteError(f"{where}: not a bpnet-lite BPNet state_dict (no {', '.join(missing)}; it has {shown}); "
                             "export other models with: s2f_model_export.py module")
    n_filters = state["iconv.weight"].shape[0]
    n_layers = 0
    while f"rconvs.{n_layers}.weight" in state:
        n_layers += 1
    n_outputs = state["fconv.weight"].shape[0]
    n_control_tracks = state["fconv.weight"].shape[1] - n_filters
    count_inputs = state["linear.weight"].shape[1]
    if n_control_tracks < 0 or count_inputs != n_filters + (1 if n_control_tracks > 0 else 0):
        raise BPNetLiteError(f"{where}: the weights do not fit bpnet-lite's BPNet (fconv takes "
                             f"{state['fconv.weight'].shape[1]} channels, linear {count_inputs}, iconv makes "
                             f"{n_filters}); export it with: s2f_model_export.py module")
    return {"n_filters": n_filters, "n_layers": n_layers, "n_outputs": n_outputs,
            "n_control_tracks": n_control_tracks, "profile_output_bias": "fconv.bias" in state,
            "count_output_bias": "linear.bias" in state}


def read_hparams(path):
    try:
        with open(path) as f:
            hp = json.load(f)
    except OSError as e:
        raise BPNetLiteError(f"{path}: cannot read the hparams file ({e.strerror}); check the path")
    except json.JSONDecodeError as e:
        raise BPNetLiteError(f"{path}: the hparams file is not JSON ({e.msg} at line {e.lineno}); "
                             "give the JSON of BPNet's arguments, e.g. {\"n_filters\": 64, \"n_layers\": 8}")
    if not isinstance(hp, dict):
        raise BPNetLiteError(f"{path}: the hparams file is not a JSON object; "
                             "give the JSON of BPNet's arguments, e.g. {\"n_filters\": 64, \"n_layers\": 8}")
    return hp


def _check_agrees(given, inferred, where, fix):
    for key in ("n_filters", "n_layers", "n_outputs", "n_control_tracks"):
        if given.get(key) is not None and given[key] != inferred[key]:
            raise BPNetLiteError(f"{where} says {key}={given[key]} but the weights have {key}={inferred[key]}; {fix}")


def _trimming(hp, hparams_path, n_layers, notes):
    """trimming from the hparams, derived from in/out windows, or bpnet-lite's default."""
    t = hp.get("trimming")
    if t is not None:
        return int(t)
    if hp.get("in_window") is not None and hp.get("out_window") is not None:
        t = (int(hp["in_window"]) - int(hp["out_window"])) // 2
        notes.append(f"trimming {t} = (in_window {hp['in_window']} - out_window {hp['out_window']}) / 2 "
                     f"from {hparams_path}")
        return t
    t = 2 ** n_layers
    why = f"{hparams_path} has no 'trimming'" if hparams_path else "a state_dict does not record it"
    notes.append(f"trimming {t}: bpnet-lite's default 2**n_layers ({why}); if the model was trained with "
                 "another output window, give --trimming (in_window - out_window) / 2")
    return t


# ---- the model ------------------------------------------------------------

def load(path, hparams_path=None, trimming=None, notes=None):
    """A bpnet_lite.BPNet (eval mode, no control tracks) with the weights of
    the bpnet-lite model at `path`; `notes` collects what was derived."""
    notes = [] if notes is None else notes
    obj = read_torch_file(path)
    given = {}
    if isinstance(obj, PickledBPNet):
        state = obj.state_dict()
        given = {k: getattr(obj, k, None) for k in ("n_filters", "n_layers", "n_outputs", "n_control_tracks",
                                                    "trimming")}
    elif isinstance(obj, _Inert):
        raise BPNetLiteError(f"{path}: holds a {obj.origin}, not a bpnet-lite BPNet; save that model's "
                             "state_dict and export it with: s2f_model_export.py module")
    else:
        state = obj
    inferred = hyperparameters_from_state(state, path)
    hp = {}
    if hparams_path:
        hp = read_hparams(hparams_path)
        _check_agrees(hp, inferred, hparams_path, "fix the hparams file, or leave --hparams out to take them "
                                                  "from the weights")
    if given:
        _check_agrees(given, inferred, f"{path} (the pickled BPNet)", "the file is damaged; save the model again")
        if given.get("trimming") is not None:
            if hp.get("trimming") is not None and int(hp["trimming"]) != int(given["trimming"]):
                raise BPNetLiteError(f"{hparams_path} says trimming={hp['trimming']} but the pickled BPNet has "
                                     f"trimming={given['trimming']}; leave --hparams out")
            hp = dict(hp, trimming=given["trimming"])
    if trimming is not None:
        if hp.get("trimming") is not None and int(hp["trimming"]) != trimming:
            said = f"{path} (the pickled BPNet)" if given.get("trimming") is not None else hparams_path
            raise BPNetLiteError(f"--trimming {trimming} but {said} says trimming={hp['trimming']}; give one")
        hp = dict(hp, trimming=trimming)
    t = _trimming(hp, hparams_path, inferred["n_layers"], notes)
    model = bpnet_lite.BPNet(n_filters=inferred["n_filters"], n_layers=inferred["n_layers"],
                             n_outputs=inferred["n_outputs"], n_control_tracks=inferred["n_control_tracks"],
                             trimming=t, profile_output_bias=inferred["profile_output_bias"],
                             count_output_bias=inferred["count_output_bias"])
    model.load_state_dict(state)
    if inferred["n_control_tracks"] > 0:
        model = without_control_tracks(model)
        notes.append(f"the model has {inferred['n_control_tracks']} control track(s): exported with the control "
                     "input fixed to zeros (predictions equal bpnet-lite's forward(X, zeros)); s2f models take "
                     "one sequence input")
    return model.eval(), hp, inferred


def without_control_tracks(model):
    """The same BPNet with its control input fixed to zeros, folded away: the
    control channels of fconv and the log(1 + 0) = 0 input of linear are
    dropped from the weights."""
    f = model.n_filters
    folded = bpnet_lite.BPNet(n_filters=f, n_layers=model.n_layers, n_outputs=model.n_outputs,
                              n_control_tracks=0, trimming=model.trimming,
                              profile_output_bias=model.fconv.bias is not None,
                              count_output_bias=model.linear.bias is not None)
    state = {k: v for k, v in model.state_dict().items()}
    state["fconv.weight"] = state["fconv.weight"][:, :f, :].contiguous()
    state["linear.weight"] = state["linear.weight"][:, :f].contiguous()
    folded.load_state_dict(state)
    return folded.eval()


def input_length(hp, given=None):
    """--input-length if given, else the hparams' in_window, else 2114."""
    if given is not None:
        return given
    return int(hp.get("in_window") or DEFAULT_INPUT_LENGTH)


def check_geometry(model, length):
    """The windows bpnet-lite's forward slices must lie inside the input:
    X[:, :, t - 37 : L - t + 37] wraps around (Python slicing) for t < 37."""
    t = model.trimming
    if t < PROFILE_HALF_WIDTH:
        raise BPNetLiteError(f"trimming {t} is below 37: bpnet-lite's count head would read "
                             f"X[:, :, {t - 37}:...], which wraps around; give --trimming 37 or more")
    if length - 2 * t < 1:
        raise BPNetLiteError(f"input length {length} leaves no profile bins after trimming {t} on each side; "
                             f"give --input-length larger than {2 * t}")
