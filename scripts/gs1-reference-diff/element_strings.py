#!/usr/bin/env python3
"""Writes "<bracketed input>\t<reference element string>" for every bracketed input the
reference accepts: the normalised element string (^ = FNC1) of gs1_encoder_setAIdataStr, for
the ignored test gs1::tests::element_strings_match_the_reference_file.

usage: element_strings.py REFDRIVER DICTIONARY CORPUS... > pairs.tsv
"""
import json
import subprocess
import sys

refdriver, dictionary, corpora = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = []
for path in corpora:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines += [l.rstrip("\n") for l in f if l.startswith("ai\t(") and "\\x1d" not in l]
data = "".join(l + "\n" for l in lines).encode("utf-8", "surrogateescape")
out = subprocess.run([refdriver, "--syndict", dictionary], input=data, stdout=subprocess.PIPE,
                     check=True).stdout.decode("utf-8", "replace").splitlines()
seen = set()
for line, r in zip(lines, out):
    r = json.loads(r)
    s = line.split("\t", 1)[1]
    if r["ok"] and r["data_str"].startswith("^") and "|" not in s and s not in seen:
        seen.add(s)
        print(f"{s}\t{r['data_str']}")
