"""Consent: clinics publish versioned documents; clients accept the current ones before booking."""
