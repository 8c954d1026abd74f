"""Payments through a provider: customers, cards, intents, captures, fees, refunds, webhooks."""
