"""Prints a before/after table of findings per control, readable at a glance."""
import json
import sys
from collections import Counter

ORDER = ["FAIL", "ERROR", "UNKNOWN", "EXEMPTED", "PASS", "NOT_APPLICABLE"]


def per_control(path):
    findings = json.load(open(path))
    controls = {}
    for f in findings:
        controls.setdefault(f["control"], Counter())[f["status"]] += 1
    return controls


def verdict(counts):
    if not counts:
        return "-"
    worst = next(s for s in ORDER if counts.get(s))
    n = counts[worst]
    return worst if n == 1 else f"{worst} x{n}"


before, after = per_control(sys.argv[1]), per_control(sys.argv[2])
width = max(len(c) for c in set(before) | set(after))
print(f"{'control':<{width}}  {'before':<16}  after")
print(f"{'-' * width}  {'-' * 16}  {'-' * 16}")
fixed = 0
for control in sorted(set(before) | set(after)):
    b, a = verdict(before.get(control)), verdict(after.get(control))
    mark = "  <- fixed" if b.startswith("FAIL") and a.startswith("PASS") else ""
    fixed += bool(mark)
    print(f"{control:<{width}}  {b:<16}  {a}{mark}")
totals = lambda d: sum((c for c in d.values()), Counter())
tb, ta = totals(before), totals(after)
print()
print(f"FAIL findings: {tb['FAIL']} before, {ta['FAIL']} after; {fixed} controls fixed by the baseline.")
