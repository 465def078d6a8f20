"""Signals films sends so that apps above it can react without films importing them."""
from django.dispatch import Signal

# Sent after the transaction that registered (or renamed to) these film codes commits: held sales
# records naming them can now be applied. kwargs: codes (list[str]).
films_registered = Signal()
