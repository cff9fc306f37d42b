"""Compares two TSV files cell by cell: text cells must be equal, numeric
cells equal within a relative tolerance. Used by run_cases.sh for goldens
whose floats legitimately differ in the last digits between builds (the
sanitizer build's -O1 rounds sums differently from -O3's vectorised ones).

    compare_numeric.py EXPECTED ACTUAL RTOL
"""
import math
import sys


def cells(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f]


def close(a, b, rtol):
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + 1e-12


def main():
    expected, actual, rtol = cells(sys.argv[1]), cells(sys.argv[2]), float(sys.argv[3])
    if len(expected) != len(actual):
        print(f"{len(actual)} lines, expected {len(expected)}")
        return 1
    for n, (e, a) in enumerate(zip(expected, actual), 1):
        if len(e) != len(a) or not all(close(x, y, rtol) for x, y in zip(e, a)):
            print(f"line {n}: expected {e!r}, got {a!r}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
