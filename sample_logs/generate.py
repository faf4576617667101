#!/usr/bin/env python3
"""Regenerate the sample OvenMediaEngine event logs kept next to this script.

Usage::

    python sample_logs/generate.py [--out DIR]            # every sample file (default: this folder)
    python sample_logs/generate.py --corpus N --out FILE  # N lines of a busy server, for benchmarks

The generator is the package ``generator/`` next to this script (see its docstring).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator import main

if __name__ == "__main__":
    sys.exit(main())
