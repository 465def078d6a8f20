"""Uploaded sales files wait on disk for the worker; the request only receives them (streamed)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "sales-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(uploaded) -> Path:
    """Copy the upload chunk by chunk to a private file the worker reads."""
    path = upload_dir() / f"{uuid.uuid4().hex}.upload"
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return path


def upload_path_for(batch_id: int) -> Path:
    """Where a received upload waits for its batch to be processed: found again by the batch id alone, so a
    batch whose task was lost can be sent again."""
    return upload_dir() / f"batch-{batch_id}.upload"
