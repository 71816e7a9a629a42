#!/usr/bin/env python3
"""The first 64 points of the unscrambled 12-dimensional Sobol sequence (Joe and Kuo's direction numbers),
as scipy computes them, for the job driver's `rule: sobol` (Tests/ArgusJobsTests/SobolTests.swift).
Run from the repository root: python3 golden/scripts/generate_sobol_golden.py
"""
import json
from pathlib import Path

import scipy
from scipy.stats import qmc

ROOT = Path(__file__).resolve().parents[2]
points = qmc.Sobol(d=12, scramble=False).random(64)
golden = {"generated_by": "golden/scripts/generate_sobol_golden.py", "versions": {"scipy": scipy.__version__},
          "dimensions": 12, "points": [[float(v) for v in row] for row in points]}
(ROOT / "golden/jobs/sobol.json").write_text(json.dumps(golden) + "\n")
print("wrote golden/jobs/sobol.json")
