"""Emailed one-time links: email verification, address change and password reset."""
