#!/usr/bin/env python3
"""Extracts differential-test inputs as "<mode>\t<input>" lines (GS written as \\x1d).

Sources: every C string literal in the reference engine's unit tests (ai.c, dl.c, scandata.c,
gs1encoders.c, syn.c) that looks like GS1 input, the linter unit tests in syntax/*.c (each
value wrapped in an AI whose only component uses that linter), and the Rust string literals in
src/gs1/tests.rs. The mode follows the input's form: "(" -> ai, "^" or "http" -> data,
"]" -> scan.

usage: extract_corpus.py REFERENCE_C_LIB_DIR DICTIONARY_TXT TESTS_RS OUT_REF OUT_OURS
"""
import glob
import os
import re
import sys

C_LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def c_unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = s[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]+", s[i + 2:])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(n, n))
            i += 2
    return "".join(out)


def c_literals(text):
    """String literals, adjacent ones concatenated (C translation phase 6)."""
    lits, pos = [], 0
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    for m in C_LIT.finditer(text):
        gap = text[pos:m.start()]
        s = c_unescape(m.group(1))
        if lits and pos and gap.strip() == "":
            lits[-1] += s
        else:
            lits.append(s)
        pos = m.end()
    return lits


def mode_of(s):
    if s.startswith("("):
        return "ai"
    if s.startswith("^") or s.lower().startswith("http"):
        return "data"
    if s.startswith("]") and len(s) >= 3:
        return "scan"
    return None


def encode(s):
    if "\n" in s or "\r" in s or "\0" in s:
        return None
    return s.replace("\x1d", "\\x1d")


def rust_literals(text):
    lits = []
    for m in re.finditer(r'b?r(#*)"(.*?)"\1|b?"((?:[^"\\]|\\.)*)"', text, flags=re.S):
        if m.group(2) is not None:
            lits.append(m.group(2))
            continue
        s, out, i = m.group(3), [], 0
        while i < len(s):
            if s[i] != "\\":
                out.append(s[i])
                i += 1
                continue
            n = s[i + 1]
            if n == "u":
                j = s.index("}", i)
                out.append(chr(int(s[i + 3:j], 16)))
                i = j + 1
            elif n == "x":
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
            elif n == "\n":
                i += 2
                while i < len(s) and s[i] in " \t\n":
                    i += 1
            else:
                out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(n, n))
                i += 2
        lits.append("".join(out))
    return lits


def linter_ais(dict_path):
    """linter name -> an AI whose only component carries that linter."""
    best = {}
    for line in open(dict_path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        ai = parts[0]
        if "-" in ai:
            ai = ai.split("-")[0]
        specs = [p for p in parts[1:] if re.match(r"^\[?[NXYZ]", p)]
        if len(specs) != 1:
            continue
        comp = specs[0].split(",")
        for lint in comp[1:]:
            best.setdefault(lint, ai)
    return best


def main():
    cdir, dict_path, tests_rs, out_ref, out_ours = sys.argv[1:6]
    seen, ref = set(), []
    for name in ["ai.c", "dl.c", "scandata.c", "gs1encoders.c", "syn.c"]:
        for s in c_literals(open(os.path.join(cdir, name), encoding="utf-8").read()):
            mode, enc = mode_of(s), encode(s)
            if mode and enc is not None and (mode, enc) not in seen:
                seen.add((mode, enc))
                ref.append(f"{mode}\t{enc}")
    ais = linter_ais(dict_path)
    lint_re = re.compile(r'UNIT_TEST_(?:PASS|FAIL)\(\s*gs1_lint_(\w+)\s*,\s*"((?:[^"\\]|\\.)*)"')
    for path in sorted(glob.glob(os.path.join(cdir, "syntax", "lint_*.c"))):
        for m in lint_re.finditer(open(path, encoding="utf-8").read()):
            ai = ais.get(m.group(1))
            v = c_unescape(m.group(2))
            if ai is None or encode(v) is None or "(" in v:
                continue
            line = f"ai\t({ai}){encode(v)}"
            if ("ai", line) not in seen:
                seen.add(("ai", line))
                ref.append(line)
    ours = []
    for s in rust_literals(open(tests_rs, encoding="utf-8").read()):
        mode, enc = mode_of(s), encode(s)
        if mode and enc is not None and (mode, enc) not in seen:
            seen.add((mode, enc))
            ours.append(f"{mode}\t{enc}")
    open(out_ref, "w", encoding="utf-8").write("".join(l + "\n" for l in ref))
    open(out_ours, "w", encoding="utf-8").write("".join(l + "\n" for l in ours))
    print(f"reference unit tests: {len(ref)} inputs; tests.rs: {len(ours)} more", file=sys.stderr)


if __name__ == "__main__":
    main()
