"""What a therapist or clinic may know about their clients beyond appointments."""
