"""Kubernetes on Fedora CoreOS, as Heat stacks."""
