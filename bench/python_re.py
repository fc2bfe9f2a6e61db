"""Python's `re` over the detector benchmark's log text: best of 3 `re.sub` runs.

Usage: python3 python_re.py FILE PATTERN   (prints: seconds matches)
"""
import re
import sys
import time

text = open(sys.argv[1], encoding="utf-8").read()
pattern = re.compile(sys.argv[2])
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    pattern.sub("[x]", text)
    best = min(best, time.perf_counter() - t)
print(best, sum(1 for _ in pattern.finditer(text)))
