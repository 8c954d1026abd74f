"""Reading the audit log: a clinic's, and a client's accounting of who saw their record."""
