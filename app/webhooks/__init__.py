"""Outgoing webhooks: clinics learn of changes (ids and states, never clinical content)."""
