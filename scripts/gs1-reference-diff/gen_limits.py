#!/usr/bin/env python3
"""Cases at the reference engine's limits: input length (MAX_DATA = 8191), 64 AIs (MAX_AIS,
shared with ignored Digital Link query parameters), 8030 signatures, long values.

usage: gen_limits.py > limits.tsv
"""
uri = lambda n: f"https://{'a' * n}/01/09506000134352"
params = lambda n: "https://a/01/09506000134352?" + "&".join(f"x{i}=1" for i in range(n))
cases = [
    ("data", uri(8191 - 26)), ("data", uri(8192 - 26)),
    ("scan", "]Q1" + uri(8190 - 26)), ("scan", "]Q1" + uri(8191 - 26)),
    ("scan", "]Q1" + uri(8190 - 29)), ("scan", "]Q1" + uri(8191 - 29)),
    ("scan", "]d20109506000134352\\x1d99" + "A" * 8200),
    ("data", params(63)), ("data", params(64)), ("data", params(62) + "&&"),
    ("data", params(63) + "&&"), ("data", params(62) + "&&x=1"), ("data", params(63) + "&#frag"),
    ("data", params(62) + "&#frag"), ("data", params(62) + "&single"),
    ("data", params(63) + "&single"), ("data", "https://a/01/09506000134352?&"),
    ("data", "https://a/01/09506000134352?#"),
    ("data", "https://a/01/09506000134352/10/X?" + "&".join(f"x{i}=1" for i in range(62))),
    ("data", "https://a/01/09506000134352/10/X?" + "&".join(f"x{i}=1" for i in range(63))),
    ("data", "https://id.gs1.org/01/09506000134352?" + "&".join(f"99={'A' * 90}" for _ in range(30))),
    ("ai", "(99)A" * 64), ("ai", "(99)A" * 65),
    ("ai", "(01)09506000134352" + "(99)A" * 63), ("ai", "(01)09506000134352" + "(99)A" * 64),
    ("data", "^" + "^".join(["99A"] * 64)), ("data", "^" + "^".join(["99A"] * 65)),
    ("data", "^" + "^".join(["99" + "%" * 90] * 64)),
    ("ai", "(01)09506000134352" + "".join(f"(91)X{i:02}" for i in range(60))),
    ("ai", "".join(f"(99){'A' * 90}" for _ in range(25))),
    ("ai", "".join(f"(99){'A' * 90}" for _ in range(30))),
    ("scan", "]d2" + "\\x1d".join(["99" + "A" * 90] * 40)),
    ("scan", "]d20109506000134352\\x1d21ABC\\x1d8030" + "A" * 90),
    ("scan", "]d2800302112345678900ABC\\x1d8030ABC"),
    ("scan", "]d200095060001343528902\\x1d8030ABC"),
    ("scan", "]d2414952012345678825432\\x1d8030ABC"),
    ("ai", "(01)09506000134352(21)ABC(8030)ABC"), ("ai", "(01)09506000134352(8030)ABC"),
    ("ai", "(8004)9520123456788ABC(8030)ABC"), ("ai", "(8017)795260646688514634(8030)ABC"),
    ("ai", "(8017)795260646688514634(8019)1(8030)ABC"),
]
print("".join(f"{m}\t{s}\n" for m, s in cases), end="")
