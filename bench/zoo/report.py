"""Derived figures and the markdown tables of a zoo run (columns: README.md)."""


def derive(rows):
    """Adds ratio, GFLOP/s, % of peak and thread scaling to each timing row."""
    base = {}
    for r in rows:
        if "error" in r:
            continue
        key = (r["model"], r["batch"])
        if key not in base or r["threads"] < base[key]["threads"]:
            base[key] = r
    for r in rows:
        if "error" in r:
            continue
        s, t = r["s2f"], r["pytorch"]
        flop = s["gflop_per_seq_full"]
        peak = s["peak_gflops"]
        d = {"ratio": s["sequences_per_s"] / t["sequences_per_s"],
             "s2f_gflops": flop * s["sequences_per_s"], "pytorch_gflops": flop * t["sequences_per_s"]}
        d["s2f_pct_peak"] = 100 * d["s2f_gflops"] / peak
        d["pytorch_pct_peak"] = 100 * d["pytorch_gflops"] / peak
        b = base[(r["model"], r["batch"])]
        if b is not r:
            d["s2f_scaling"] = s["sequences_per_s"] / b["s2f"]["sequences_per_s"]
            d["pytorch_scaling"] = t["sequences_per_s"] / b["pytorch"]["sequences_per_s"]
            d["scaling_from_threads"] = b["threads"]
        r["derived"] = d
    return rows


def _g(v, digits=3):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.{digits}g}"


def parity_table(parity):
    lines = ["| model | reference | head | max rel. error | max abs. error | max abs. ref | |",
             "|---|---|---|---|---|---|---|"]
    for name, p in parity.items():
        if "skipped" in p:
            lines.append(f"| {name} | – | – | skipped: {p['skipped']} | | | |")
            continue
        if "error" in p:
            lines.append(f"| {name} | – | – | error: {p['error']} | | | FAIL |")
            continue
        for who, errs in (("s2f", p["s2f"]), ("PyTorch def.", p.get("pytorch_definition"))):
            for head, e in (errs or {}).items():
                ref = p["reference"].split(" (")[0] if who == "s2f" else "numpy (checks the timed PyTorch module)"
                lines.append(f"| {name}{'' if who == 's2f' else ' (PyTorch def.)'} | {ref} | {head} | "
                             f"{e['max_rel']:.2e} | {e['max_abs']:.2e} | {e['max_ref']:.3g} | "
                             f"{'ok' if e['ok'] else 'FAIL'} |")
    return "\n".join(lines)


def timing_table(rows):
    lines = ["| model | T | batch | s2f seq/s | PyTorch seq/s | s2f/PyTorch | GFLOP/seq | s2f GFLOP/s | "
             "PyTorch GFLOP/s | s2f % peak | PyTorch % peak | FMA peak GFLOP/s | s2f scaling | PyTorch scaling | "
             "s2f RSS MB | PyTorch RSS MB |",
             "|" + "---|" * 16]
    for r in rows:
        head = f"| {r['model']} | {r['threads']} | {r['batch']} |"
        if "error" in r:
            lines.append(head + f" error: {r['error']} |" + " |" * 12)
            continue
        s, t, d = r["s2f"], r["pytorch"], r["derived"]
        scale = lambda v: f"{v:.2f}× (vs {d['scaling_from_threads']}T)" if v else "–"  # noqa: E731
        lines.append(head + " " + " | ".join([
            _g(s["sequences_per_s"]), _g(t["sequences_per_s"]), f"{d['ratio']:.2f}×", _g(s["gflop_per_seq_full"]),
            _g(d["s2f_gflops"]), _g(d["pytorch_gflops"]), f"{d['s2f_pct_peak']:.0f} %", f"{d['pytorch_pct_peak']:.0f} %",
            _g(s["peak_gflops"]), scale(d.get("s2f_scaling")), scale(d.get("pytorch_scaling")),
            _g(s["peak_rss_mb"]), _g(t["peak_rss_mb"])]) + " |")
    return "\n".join(lines)
