#!/usr/bin/env python3
"""Generates bracketed cases for every AI of a Syntax Dictionary: random values drawn from each
component's character set and length range, check digits right or wrong, alone or after a
GTIN. Deterministic for a seed.

usage: gen_dict.py SEED PER_AI DICTIONARY_TXT > dict_cases.tsv
"""
import random
import re
import sys

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CSET64 = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz="


def check_digit(digits):
    s = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - s % 10) % 10)


def component(spec, rng):
    opt = spec.startswith("[")
    spec = spec.strip("[]")
    parts = spec.split(",")
    m = re.match(r"([NXYZ])(\d*)(?:\.\.(\d+))?", parts[0])
    cset, lo, hi = m.group(1), m.group(2), m.group(3)
    if hi:
        lo, hi = (int(lo) if lo else 1), int(hi)
    else:
        lo = hi = int(lo)
    n = rng.choice([lo, hi, rng.randint(lo, hi), rng.randint(lo, hi)])
    if rng.random() < 0.05:
        n = max(0, n + rng.choice([-1, 1]))
    lints = parts[1:]
    if cset == "N":
        v = "".join(rng.choice("0123456789") for _ in range(n))
        if any(l in ("yymmd0", "yymmdd", "yyyymmdd", "yyyymmd0", "yymmddhh") for l in lints) and n >= 6:
            y = 4 if lints[0].startswith("yyyy") else 2
            v = (v[:y] + f"{rng.choice([1, 2, 6, 12, 13, 0]):02}"
                 + f"{rng.choice([0, 1, 28, 29, 30, 31, 32]):02}" + v[y + 4:])[:n]
    else:
        chars = {"X": CSET82, "Y": CSET39, "Z": CSET64}[cset]
        v = "".join(rng.choice(chars) for _ in range(n))
    if "csum" in lints and v and v.isdigit() and rng.random() < 0.7:
        v = v[:-1] + check_digit(v[:-1])
    return v, opt


def main():
    seed, per_ai, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        ais = parts[0]
        if "-" in ais:
            a, b = ais.split("-")
            ais = [str(i).zfill(len(a)) for i in range(int(a), int(b) + 1)]
        else:
            ais = [ais]
        specs = [p for p in parts[1:] if re.match(r"^\[?[NXYZ]\d*(\.\.\d+)?", p)]
        for ai in ais:
            for _ in range(per_ai):
                v = ""
                for spec in specs:
                    c, opt = component(spec, rng)
                    if opt and rng.random() < 0.3:
                        break
                    v += c
                v = v.replace("(", "\\(")
                prefix = rng.choice(["", "", "(01)09506000134352", "(00)095060001343528902"])
                out.append(f"ai\t{prefix}({ai}){v}")
    sys.stdout.write("".join(l + "\n" for l in out))


if __name__ == "__main__":
    main()
