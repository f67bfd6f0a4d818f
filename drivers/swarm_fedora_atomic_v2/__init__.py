"""Docker swarm mode on Fedora Atomic, as Heat stacks."""
