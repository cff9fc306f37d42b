"""Strand pairs as s2f writes them: HEAD:PLUS-MINUS[,PLUS-MINUS...] or
HEAD:none, the text of s2f-predict --strand-pairs, read here for the Python
tools that record a model's pairing (s2f_model_export.py, torch_adapter.py).
A pair is (+ channel, - channel) of one head; channels in no pair are
unstranded. formats/MODEL.md, "Outputs"."""


class StrandPairsError(ValueError):
    pass


def parse(specs):
    """[spec, ...] -> {head: [[plus, minus], ...]}; a head given twice or
    text that is not HEAD:PAIRS is a StrandPairsError."""
    out = {}
    for spec in specs or []:
        head, sep, text = spec.rpartition(":")
        if not sep or not head or not text:
            raise StrandPairsError(f"--strand-pairs '{spec}' is not HEAD:PLUS-MINUS,... or HEAD:none")
        try:
            pairs = [] if text == "none" else [[int(c) for c in pair.split("-", 1)] for pair in text.split(",")]
        except ValueError:
            raise StrandPairsError(f"--strand-pairs '{spec}': channels are numbers, e.g. profile:0-1,2-3") from None
        if head in out:
            raise StrandPairsError(f"--strand-pairs gives head {head} twice")
        out[head] = pairs
    return out


def check(pairs, tracks, head):
    """The pairs of a head of `tracks` channels: two different channels each,
    each channel in one pair at most."""
    seen = set()
    out = []
    for p in pairs:
        if (len(p) != 2 or any(not isinstance(c, int) or c < 0 or c >= tracks for c in p) or p[0] == p[1]):
            raise StrandPairsError(f"strand pair {p} of head {head} is not two channels of its {tracks}")
        if seen & set(p):
            raise StrandPairsError(f"head {head}: a channel of {p} is in two strand pairs")
        seen |= set(p)
        out.append([int(p[0]), int(p[1])])
    return out
