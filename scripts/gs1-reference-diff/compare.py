#!/usr/bin/env python3
"""Runs a "<mode>\t<input>" corpus through the reference driver and `gs1-gateway parse -`
with the same options and reports the disagreements.

usage: compare.py [--refdriver PATH] [--ours PATH] [--strict] [--permit-unknown-ais]
                  [--permit-zero-suppressed-gtin] [--dl-stem URL] [--syndict FILE]
                  [--show N] [--out DISAGREEMENTS.tsv] CORPUS...
Agreement levels: accept/reject; then, among inputs both accept, the element list
(AI, value), the bracketed HRI and the Digital Link URI. Inputs that hit one of the deliberate
differences documented in src/gs1/mod.rs are counted apart (see documented_deviation).
"""
import argparse
import collections
import json
import subprocess
import sys


def run(cmd, lines):
    data = "".join(l + "\n" for l in lines).encode("utf-8", "surrogateescape")
    out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=False).stdout
    rows = [json.loads(l) for l in out.decode("utf-8", "replace").splitlines()]
    if len(rows) != len(lines):
        sys.exit(f"{cmd[0]}: {len(rows)} outputs for {len(lines)} inputs")
    return rows


def form_matches(mode, s):
    if mode == "ai":
        return s.startswith("(")
    if mode == "data":
        return s.startswith("^") or s[:8].lower() in ("https://",) or s[:7].lower() == "http://"
    return s.startswith("]")


def documented_deviation(line, r, o, strict):
    """The deliberate differences documented in src/gs1/mod.rs, recognised from the input and
    the reference's verdict; None for anything else."""
    mode, s = line.split("\t", 1)
    if r["ok"] == o["ok"] and (not r["ok"] or r["elements"] == [[e["ai"], e["value"]] for e in o["elements"]]):
        return None
    gs = "\\x1d"
    err = "" if r["ok"] else r["error"]
    if not r["ok"] and o["ok"]:
        if mode == "scan" and s[3:].startswith(gs):
            return "leading-gs"
        if mode == "data" and s.startswith("^^"):
            return "leading-gs"
        if gs + gs in s or (mode == "data" and "^^" in s):
            return "doubled-gs"
        if not strict and (err.startswith("It is invalid to pair")
                           or err.startswith("Required AIs")):
            return "associations-are-warnings"
    if mode == "scan" and s[:3] == "]C0" and not r["ok"] and o["ok"]:
        # The input contract lists ]C0 plain data as possibly a Digital Link URI; the
        # reference rejects ]C0 (not a GS1-approved URI carrier).
        return "c0-uri-is-read"
    if mode == "scan" and s[:3] in ("]E0", "]E4"):
        # The reference keeps the EAN/UPC primary as plain data (no AI); ours reads it as (01).
        return "ean-primary-is-01"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--refdriver", default="/tmp/gs1ref/refdriver")
    ap.add_argument("--ours", default="target/release/gs1-gateway")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--permit-unknown-ais", action="store_true")
    ap.add_argument("--permit-zero-suppressed-gtin", action="store_true")
    ap.add_argument("--dl-stem", default="https://id.gs1.org")
    ap.add_argument("--syndict")
    ap.add_argument("--show", type=int, default=40)
    ap.add_argument("--out")
    ap.add_argument("corpus", nargs="+")
    a = ap.parse_args()
    lines = []
    for path in a.corpus:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines += [l.rstrip("\n") for l in f if "\t" in l]
    # gs1-gateway chooses the form from the input's first bytes; the reference from the entry
    # point. Inputs whose form does not match their mode are not comparable.
    comparable = [l for l in lines if form_matches(*l.split("\t", 1))]
    skipped = len(lines) - len(comparable)
    lines = comparable
    flags = []
    for name in ["strict", "permit_unknown_ais", "permit_zero_suppressed_gtin"]:
        if getattr(a, name):
            flags.append("--" + name.replace("_", "-"))
    flags += ["--dl-stem", a.dl_stem]
    ref_cmd = [a.refdriver] + flags + (["--syndict", a.syndict] if a.syndict else [])
    ref = run(ref_cmd, lines)
    ours = run([a.ours, "parse"] + flags + ["-"], [l.split("\t", 1)[1] for l in lines])
    n = len(lines)
    acc_agree = both_ok = el_agree = hri_agree = dl_agree = 0
    diffs = collections.Counter()
    out = []
    deviations = collections.Counter()
    for line, r, o in zip(lines, ref, ours):
        r_ok = r["ok"]
        o_ok = o["ok"]
        dev = documented_deviation(line, r, o, a.strict)
        if dev:
            deviations[dev] += 1
            out.append(("deviation:" + dev, line, json.dumps(r)[:200], ""))
            continue
        if r_ok != o_ok:
            kind = "ref-accepts" if r_ok else "ref-rejects"
            detail = (o["error"]["kind"] + ": " + o["error"]["message"]) if r_ok else r["error"]
            diffs[kind] += 1
            out.append((kind, line, detail, ""))
            continue
        acc_agree += 1
        if not r_ok:
            continue
        both_ok += 1
        r_el = [tuple(e) for e in r["elements"] if isinstance(e, list)]
        o_el = [(e["ai"], e["value"]) for e in o["elements"]]
        if r_el == o_el:
            el_agree += 1
        else:
            diffs["elements"] += 1
            out.append(("elements", line, json.dumps(r_el), json.dumps(o_el)))
        if r["hri"] == o["hri"]:
            hri_agree += 1
        elif "|" in r["hri"] and r["hri"].replace("|", "") == o["hri"]:
            # Documented: our HRI does not mark a composite's component boundary.
            hri_agree += 1
            deviations["composite-boundary-in-hri"] += 1
        else:
            diffs["hri"] += 1
            out.append(("hri", line, r["hri"], o["hri"]))
        if r["digital_link"] == o["digital_link"]:
            dl_agree += 1
        else:
            diffs["digital_link"] += 1
            out.append(("digital_link", line, str(r["digital_link"]), str(o["digital_link"])))
    pct = lambda k, d: f"{k}/{d} ({100.0 * k / d:.2f}%)" if d else "-"
    print(f"inputs {n} (skipped {skipped} whose form does not match the mode); "
          f"options {' '.join(flags)}")
    print(f"accept/reject agreement: {pct(acc_agree, n)}; both accept {both_ok}")
    print(f"elements agreement: {pct(el_agree, both_ok)}; hri {pct(hri_agree, both_ok)}; "
          f"digital link {pct(dl_agree, both_ok)}")
    print("documented deviations (src/gs1/mod.rs), counted as neither:", dict(deviations))
    print("other disagreements:", dict(diffs))
    for row in out[: a.show]:
        print("  " + " | ".join(row))
    if a.out:
        with open(a.out, "w", encoding="utf-8", errors="surrogateescape") as f:
            for row in out:
                f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
