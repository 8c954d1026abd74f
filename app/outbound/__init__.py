"""Outgoing HTTP to addresses people give us (calendar feeds, webhook endpoints), SSRF-safe."""
