#!/usr/bin/env python3
"""Generates mutated "<mode>\t<input>" cases from seed corpora (deterministic for a seed).

usage: mutate.py SEED COUNT CORPUS... > mutations.tsv
Seeds are the corpus lines; each case applies one to three mutations to a random seed, or
converts a seed to another input form (bracketed -> ^ element string -> scanner data -> URI).
"""
import random
import re
import sys

GS = "\\x1d"
SYMS = ["]d2", "]C1", "]Q3", "]e0", "]J1"]
PLAIN = ["]d1", "]Q1", "]C0", "]J0", "]E0", "]E4", "]X0", "]d0"]
AIS = ["00", "01", "02", "10", "11", "13", "15", "17", "20", "21", "22", "235", "240", "241",
       "250", "251", "253", "254", "255", "30", "37", "3103", "3922", "400", "410", "414",
       "422", "7003", "7006", "710", "7240", "8003", "8004", "8006", "8010", "8017", "8018",
       "8019", "8020", "8030", "8200", "90", "91", "99", "89", "23", "4300", "4330", "7011",
       "7250", "7258", "8026", "8009", "723", "7230", "427", "4309", "7041"]
VALS = ["09506000134352", "12345678901231", "ABC123", "260231", "261300", "261232", "000000",
        "991200", "1", "", "X" * 21, "A" * 90, "9" * 30, "%41", "%2f", "a/b", "AB CD", "(A)",
        "09520123456788", "123456789012345678", "0950600013435", "950110153001", "2603122359",
        "ABC%20", "/", "=", "&", "+", "12345678901231ABC", "095060001343520001", "01", "2/3"]


def elements_of(bracketed):
    """(ai, value) pairs of a bracketed string; None if it does not split cleanly."""
    parts = re.findall(r"\((\d{2,4})\)((?:\\\(|[^(])*)", bracketed)
    if not parts or "".join(f"({a}){v}" for a, v in parts) != bracketed:
        return None
    return [(a, v.replace("\\(", "(")) for a, v in parts]


def bracket(els):
    return "".join(f"({a}){v.replace('(', chr(92) + '(')}" for a, v in els)


def caret(els):
    return "^" + "^".join(a + v for a, v in els)


def mutate_text(s, rng):
    if not s:
        return s
    op = rng.randrange(9)
    i = rng.randrange(len(s))
    if op == 0:
        return s[:i] + rng.choice("0123456789") + s[i + 1:]
    if op == 1:
        return s[:i] + rng.choice("ABCxyz-./%!\"&'*+,:;<=>?_ ~#|") + s[i + 1:]
    if op == 2:
        return s[:i]
    if op == 3:
        return s[:i] + s[i + 1:]
    if op == 4:
        return s[:i] + s[i] + s[i:]
    if op == 5:
        return s.replace(GS, GS + GS, 1) if GS in s else s + GS
    if op == 6:
        return s.replace(GS, "", 1) if GS in s else s[:i] + GS + s[i:]
    if op == 7:
        return s + rng.choice([GS, "^", "?", "&", "/", "%", "%2", "#frag", "?99=X", "&10=1"])
    return s[:i] + s[i:] * rng.randrange(1, 4)


DL_EDITS = [
    ("/01/", "/gtin/"), ("/01/", "/1/"), ("https://", "HTTPS://"), ("https://", "Https://"),
    ("https://", "http://"), ("%2F", "%2f"), ("%2F", "/"), ("%20", "+"), ("?", "?&"),
    ("?", "?foo=bar&"), ("?", "#"), ("&", "&&"), ("&", ";"), ("=", "=="), ("/", "//"),
    ("id.gs1.org", "id.gs1.org:443"), ("id.gs1.org", "127.0.0.1"), ("id.gs1.org", "a_b.org"),
    ("id.gs1.org", "user@id.gs1.org"), ("/10/", "/21/"), ("/21/", "/10/"), ("/10/", "/22/"),
    ("?17=", "?7003="), ("%", "%%"), ("%", "%G"),
]


def mutate_uri(s, rng):
    old, new = rng.choice(DL_EDITS)
    if old in s:
        return s.replace(old, new, 1)
    return s + rng.choice(["/", "?", "?17=261231", "&99=%41", "#x", "/10/", "?3103=000123"])


def mutate_els(els, rng):
    els = list(els)
    op = rng.randrange(7)
    if op == 0 and len(els) > 1:
        i, j = rng.sample(range(len(els)), 2)
        els[i], els[j] = els[j], els[i]
    elif op == 1:
        els.insert(rng.randrange(len(els) + 1), (rng.choice(AIS), rng.choice(VALS)))
    elif op == 2 and els:
        i = rng.randrange(len(els))
        els[i] = (els[i][0], rng.choice(VALS))
    elif op == 3 and els:
        del els[rng.randrange(len(els))]
    elif op == 4 and els:
        els.append(els[rng.randrange(len(els))])
    elif op == 5:
        els.append((rng.choice(["11", "13", "15", "17", "7006", "7007"]),
                    f"{rng.randrange(100):02}{rng.randrange(15):02}{rng.randrange(33):02}"))
    elif els:
        i = rng.randrange(len(els))
        els[i] = (els[i][0], mutate_text(els[i][1], rng))
    return els


def uri_of(els, rng):
    stem = rng.choice(["https://id.gs1.org", "http://example.com/stem", "HTTPS://x.y",
                       "https://a", "https://id.gs1.org/", "https://e.org/a/b"])
    out = stem.rstrip("/")
    q = []
    for k, (a, v) in enumerate(els):
        v2 = re.sub(r"[^A-Za-z0-9\-._~]", lambda m: "%%%02X" % ord(m.group(0)), v)
        if rng.random() < 0.2:
            v2 = v2.lower() if rng.random() < 0.5 else v2
        if k < 1 or (rng.random() < 0.4 and not q):
            out += f"/{a}/{v2}"
        else:
            q.append(f"{a}={v2}")
    if q:
        out += "?" + "&".join(q)
    if rng.random() < 0.2:
        out += rng.choice(["&foo=bar", "?x=1", "#frag", "&", "&&99=A", "?", "&utm=1&17=261231"])
    return out


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    seeds = []
    for path in sys.argv[3:]:
        seeds += [l.rstrip("\n").split("\t", 1) for l in open(path, encoding="utf-8",
                                                              errors="surrogateescape") if "\t" in l]
    seen = set()
    out = []
    while len(out) < count:
        mode, s = rng.choice(seeds)
        els = None
        if mode == "ai":
            els = elements_of(s)
        elif mode == "data" and s.startswith("^") and "|" not in s:
            # Only splits cleanly where every element is followed by ^; good enough as a seed.
            els = None
        r = rng.random()
        if els is not None and r < 0.6:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                els = mutate_els(els, rng)
            form = rng.randrange(5)
            if form == 0:
                case = ("ai", bracket(els))
            elif form == 1:
                case = ("data", caret(els))
            elif form == 2:
                case = ("scan", rng.choice(SYMS) + GS.join(a + v for a, v in els))
            elif form == 3:
                case = ("data", uri_of(els, rng))
            else:
                case = ("scan", rng.choice(["]Q1", "]d1"]) + uri_of(els, rng))
        else:
            for _ in range(rng.randrange(1, 4)):
                is_uri = "://" in s[:12]
                s = mutate_uri(s, rng) if is_uri and rng.random() < 0.6 else mutate_text(s, rng)
            if mode == "scan" and rng.random() < 0.1:
                s = rng.choice(SYMS + PLAIN) + s[3:]
            case = (mode, s)
        if case[1] and case not in seen and "\t" not in case[1]:
            seen.add(case)
            out.append(case)
    sys.stdout.write("".join(f"{m}\t{s}\n" for m, s in out))


if __name__ == "__main__":
    main()
