"""A plain page that documents the API from its OpenAPI schema, with no JavaScript or CDN.

(Swagger UI and Redoc need their scripts from a CDN or drf-spectacular-sidecar, which is not
installed: this page lists every operation, its fields and responses, and links the schema.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator


def _fields(schema: dict, components: dict) -> list[dict]:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    fields = []
    for name, spec in schema.get("properties", {}).items():
        kind = spec.get("type") or ("choice" if "$ref" in spec or "oneOf" in spec else "")
        if spec.get("format"):
            kind += f" ({spec['format']})"
        if "allOf" in spec or "$ref" in spec:
            ref = (spec.get("allOf") or [spec])[0].get("$ref", "")
            target = components.get(ref.rsplit("/", 1)[-1], {})
            if "enum" in target:
                kind = "one of " + ", ".join(str(v) for v in target["enum"] if v)
        fields.append(
            {
                "name": name,
                "kind": kind,
                "required": name in required,
                "description": spec.get("description", ""),
            }
        )
    return fields


def api_docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary") or operation.get("description", ""),
                    "fields": _fields(body["schema"], components) if body else [],
                    "responses": [
                        (code, spec.get("description", ""))
                        for code, spec in operation.get("responses", {}).items()
                    ],
                }
            )
    return render(
        request,
        "api/docs.html",
        {"title": "HomeSafe API", "operations": operations, "info": schema.get("info", {})},
    )
