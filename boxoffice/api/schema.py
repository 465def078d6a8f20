"""OpenAPI description of the cinema token, so the published schema tells exporters how to authenticate."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class CinemaTokenScheme(OpenApiAuthenticationExtension):
    target_class = "boxoffice.api.authentication.CinemaTokenAuthentication"
    name = "cinemaToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "The cinema's API token, issued by ministry staff: `Token <key>`."}
