"""Field-encryption key management: re-encrypting stored values under the newest key."""
