"""Signals films sends so that apps above it can react without films importing them."""
from django.dispatch import Signal

# Sent after the transaction that registered (or renamed to) these film codes commits: held sales
# records naming them can now be applied. kwargs: codes (list[str]).
films_registered = Signal()

# Sent (inside the transaction) when a film's own values that its figures use changed, e.g. its exhibitor
# share in the admin: its metrics are recomputed once that commits. kwargs: film_ids (list[int]).
film_figures_changed = Signal()

# Sent after a transaction that wrote a films.RecomputeRequest commits (films/outbox.py), once per commit:
# funding nudges a worker to drain the outbox. kwargs: none. Losing it loses nothing (the beat job drains).
recompute_requested = Signal()
