"""Billing: prices and policy, payments through Stripe, fees, refunds, ledger, paperwork."""
