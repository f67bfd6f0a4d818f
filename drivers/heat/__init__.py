"""Shared Heat machinery of the drivers: declarative parameter tables, rendering, stack calls."""
