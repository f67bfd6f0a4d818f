"""magnum-clone: a container-infrastructure service API-compatible with OpenStack Magnum v1."""
