"""Outgoing email: building messages, mailers, and the outbox topic that sends them."""
