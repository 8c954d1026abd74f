"""Persistence primitives: declarative base and column types, engines, the unit of work."""
