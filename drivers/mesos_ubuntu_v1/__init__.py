"""Apache Mesos with Marathon on Ubuntu, as Heat stacks."""
