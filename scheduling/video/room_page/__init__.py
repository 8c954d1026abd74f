"""The development video room page that development join links open."""
