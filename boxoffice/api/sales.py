"""POST /api/v1/sales/batches/: a cinema's ticketing system sends a ticket-sales/1 JSON batch."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotAuthenticated, UnsupportedMediaType
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from films.audit import Actor
from films.choices import Door

from ..choices import BatchSource, BatchStatus
from ..services import import_sales
from . import schema  # noqa: F401 - registers the token's OpenAPI description
from .authentication import CinemaTokenAuthentication, HasCinemaToken, SalesThrottle

REPORT_RECORDS = 1000


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class RawJSONParser(BaseParser):
    """The body is read as bytes by the view (hashed and streamed as a file), never parsed by DRF."""

    media_type = "application/json"


def batch_report(batch) -> dict:
    """The batch report of ticket-sales.md, as the API returns it."""
    # The reason in English, as the spec words it, whatever language the client's headers ask for.
    records = [
        {"position": r.position, "outcome": r.outcome, "field": r.field, "reason": r.reason_en,
         "transaction_id": r.transaction_id}
        for r in batch.records.order_by("position")[: REPORT_RECORDS + 1].only(
            "position", "outcome", "field", "reason_code", "reason_params", "reason_text", "transaction_id"
        )
    ]
    return {
        **batch.summary(),
        "total": batch.total,
        "message": batch.message,
        "warnings": batch.warnings,
        "received_at": batch.received_at,
        "duplicate_of": batch.duplicate_of_id,
        "url": reverse("boxoffice:batch", args=[batch.pk]),
        "records": records[:REPORT_RECORDS],
        "records_truncated": len(records) > REPORT_RECORDS,
    }


class SalesBatchView(APIView):
    """Receive one batch for the token's cinema; the same service as the command and the upload page."""

    authentication_classes = [CinemaTokenAuthentication]
    permission_classes = [HasCinemaToken]
    throttle_classes = [SalesThrottle]
    parser_classes = [RawJSONParser]

    def permission_denied(self, request, message=None, code=None):
        if request.auth is None:  # no token or a bad one: 401 with the scheme, not 403
            raise NotAuthenticated("Send the cinema's API token: 'Authorization: Token <key>'.")
        super().permission_denied(request, message, code)

    @extend_schema(
        summary="Send one ticket-sales/1 batch (JSON encoding) for the token's cinema",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT,
                   401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 413: OpenApiTypes.OBJECT,
                   415: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        limit = settings.SALES_API_MAX_BODY_BYTES
        too_big = PayloadTooLarge(
            f"The body is over the limit of {limit:,} bytes; split the transactions into "
            "smaller batches and send them one by one."
        )
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise too_big
        if request.content_type.split(";")[0].strip().lower() != "application/json":
            raise UnsupportedMediaType(
                request.content_type,
                "This endpoint takes the JSON encoding of "
                "ticket-sales/1 (Content-Type: application/json); upload CSV files on the "
                "upload page instead.",
            )
        try:
            body = request._request.body
        except RequestDataTooBig as exc:  # a body bigger than it said
            raise too_big from exc
        if len(body) > limit:
            raise too_big
        token = request.auth
        batch = import_sales(
            stream=io.BytesIO(body),
            source=BatchSource.API,
            actor=Actor(door=Door.API, label=f"API token {token.key_prefix}… of {token.cinema.code}"),
            filename="api",
            cinema=token.cinema,
        )
        report = batch_report(batch)
        if batch.status == BatchStatus.REJECTED:
            code = (
                status.HTTP_403_FORBIDDEN
                if getattr(batch, "refused_for_credentials", False)
                else status.HTTP_400_BAD_REQUEST
            )
            return Response(report, status=code)
        code = status.HTTP_200_OK if batch.status == BatchStatus.DUPLICATE else status.HTTP_201_CREATED
        return Response(report, status=code)
