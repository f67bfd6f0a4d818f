"""COE+distro drivers of magnum-clone (installed as the package ``magnum_clone_drivers``)."""
