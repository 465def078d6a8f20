"""Signals boxoffice sends so that funding (above it) recomputes metrics without boxoffice importing it."""
from django.dispatch import Signal

# Sent after a sales batch (or a release of held records) commits. kwargs: batch_id (int), film_ids (list[int]).
sales_committed = Signal()

# Sent inside the transaction of a box-office report import that created or corrected rows.
# kwargs: import_id (int), film_ids (list[int]). The receiver queues the recompute on commit.
box_office_reported = Signal()
