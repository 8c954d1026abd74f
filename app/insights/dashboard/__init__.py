"""The /admin dashboard: a page served by the app with a charting library shipped alongside."""
