#!/usr/bin/python3
"""Prints the s2f model file of a zoo model, exporting it (with the zoo's
cached weights) when missing: what the ISM and marginalize benchmarks run.

usage: model_file.py NAME OUT_DIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity  # noqa: E402

if __name__ == "__main__":
    print(parity.model_files(sys.argv[1], sys.argv[2])[0])
