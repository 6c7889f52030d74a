"""Levers that make big builds fast without changing a byte of what readers get."""
