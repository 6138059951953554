#!/usr/bin/env python3
"""Turns the reference driver's JSON output for a corpus into more seed lines: the bracketed
form and the Digital Link URI of every accepted input.

usage: refdriver < corpus.tsv | seeds.py > seeds.tsv
"""
import json
import sys

seen = set()
for line in sys.stdin:
    r = json.loads(line)
    if not r["ok"]:
        continue
    for case in [("ai", r["hri"]), ("data", r["digital_link"])]:
        if case[1] and "|" not in case[1] and case not in seen:
            seen.add(case)
            print(f"{case[0]}\t{case[1].replace(chr(0x1d), chr(92) + 'x1d')}")
