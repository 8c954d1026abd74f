"""The platform every package stands on, and the composition root (app.factory)."""
