"""The pages emailed links open: verify an address, choose a new password."""
