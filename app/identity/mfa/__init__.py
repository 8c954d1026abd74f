"""Two-factor authentication: authenticator apps (TOTP), recovery codes, login challenges."""
