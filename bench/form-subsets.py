"""
What averaging over fewer candidate forms would have given, from a matrix run's rows (no new fits): each candidate's
ROI posterior is approximated as log-normal with its median and its 90% interval's ends (a split sigma either side),
mixed with the run's pseudo-BMA+ weights renormalised over the kept candidates. The "all" row reproduces the run's
own averaged answer (a check of the approximation). Channels with at least 10% of spend.
Usage: /usr/bin/python3 bench/form-subsets.py bench/results-mmm-matrix-2026-12-05-averaging.jsonl
"""
import collections
import json
import sys

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

rows = [json.loads(line) for line in open(sys.argv[1])]
rows = [r for r in rows if r["method"] == "bayes-pseudo-bma+" and r["share"] >= 0.1]


def mix(cands):
    w = np.array([c["weight"] for c in cands])
    w = w / w.sum()

    def cdf(x):
        total = 0.0
        for wi, c in zip(w, cands):
            m = np.log(c["roi"])
            lo = (m - np.log(c["lower"])) / 1.645
            hi = (np.log(c["upper"]) - m) / 1.645
            z = (np.log(x) - m) / (lo if np.log(x) < m else hi)
            total += wi * norm.cdf(z)
        return total

    a = min(c["lower"] for c in cands) * 0.5
    b = max(c["upper"] for c in cands) * 2
    return [brentq(lambda x: cdf(x) - p, a, b) for p in (0.5, 0.05, 0.95)]


subsets = {
    "all (check)": lambda c: True,
    "without Michaelis-Menten": lambda c: "michaelis" not in c["forms"],
    "Hill only": lambda c: c["forms"].endswith("hill"),
}
out = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    out[r["family"]]["run (pseudo-BMA+)"].append((r["roi"], r["lower"], r["upper"], r["truth"]))
    for name, keep in subsets.items():
        kept = [c for c in r["candidates"] if "roi" in c and keep(c) and c["weight"] > 0] or [c for c in r["candidates"] if "roi" in c]
        out[r["family"]][name].append((*mix(kept), r["truth"]))


def line(v):
    err = np.median([abs(a / t - 1) for a, _, _, t in v])
    covered = sum(lo <= t <= hi for _, lo, hi, t in v)
    return f"{100 * err:.1f}%, {covered}/{len(v)}"


every = collections.defaultdict(list)
names = ["run (pseudo-BMA+)", *subsets]
print("| family | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for family, by in out.items():
    print(f"| {family} | " + " | ".join(line(by[n]) for n in names) + " |")
    for n in names:
        every[n] += by[n]
print("| all families | " + " | ".join(line(every[n]) for n in names) + " |")
