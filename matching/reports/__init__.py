"""Clinic reports on intake and matching data: access times and the care funnel."""
