"""Generated resource names, ``<greek letter>-<n>-<suffix>`` (e.g. ``mu-10-template``)."""

from __future__ import annotations

import random

GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi",
         "chi", "psi", "omega")


def generate(suffix: str) -> str:
    return f"{random.choice(GREEK)}-{random.randint(1, 24)}-{suffix}"  # noqa: S311
