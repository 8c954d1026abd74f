"""Clinic reports on scheduling data: utilization, attendance, openings, groups."""
