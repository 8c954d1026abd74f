"""The ledger: what each client owes each clinic, and every movement of money, as entries."""
