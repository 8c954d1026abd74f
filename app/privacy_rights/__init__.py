"""Privacy rights: a person's copy of everything held about them."""
