# Shared by the workflows: the config as CFG_* variables for lib/stages.sh,
# which holds every step's command line (the SLURM scripts call the same).
import os
import shlex

PIPELINES = os.path.dirname(workflow.basedir) if os.path.basename(workflow.basedir) == "rules" else workflow.basedir
STAGES = os.path.join(PIPELINES, "lib", "stages.sh")


def cfg_env(cfg):
    """The config (after --config overrides) as a shell prefix CFG_KEY=value
    ...; lib/stages.sh reads these. None (an empty YAML value) becomes ''.
    Braces are doubled because Snakemake formats shell strings."""
    parts = []
    for k, v in sorted(cfg.items()):
        v = "" if v is None else str(v)
        parts.append("CFG_%s=%s" % (k.upper(), shlex.quote(v)))
    return " ".join(parts).replace("{", "{{").replace("}", "}}")


def stage(verb, *args):
    """Shell command running one step; {threads} overrides the config's."""
    return "%s CFG_THREADS={threads} bash %s %s %s" % (ENV, shlex.quote(STAGES), verb, " ".join(str(a) for a in args))
