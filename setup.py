"""Package list: `magnum_clone` plus the `drivers/` folder installed as `magnum_clone_drivers`."""

from setuptools import find_packages, setup

packages = find_packages(include=["magnum_clone", "magnum_clone.*"])
packages += ["magnum_clone_drivers"] + [
    "magnum_clone_drivers." + p for p in find_packages(where="drivers")
]
setup(packages=packages)
