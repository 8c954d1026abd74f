"""Reporting primitives every package's report queries share: periods, tables, small counts."""
