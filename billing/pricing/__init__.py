"""Prices and policy: session fees, agreed rates, copays, coverage, the clinic's billing policy."""
