"""Clinic insights (composition root): report endpoints, JSON and CSV, and the /admin dashboard."""
