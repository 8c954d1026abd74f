"""Paperwork: superbills and good-faith estimates."""
