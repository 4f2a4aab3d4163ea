"""Standard errors and intervals for eval scores, checked against SciPy in the tests.

Small private evals need intervals that stay honest, so rates use Wilson's
score interval (optionally at an effective sample size when scores are
clustered or partial).
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a rate p observed over n trials (n may be fractional)."""
    if n <= 0:
        return 0.0, 1.0
    p = min(max(p, 0.0), 1.0)
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)
