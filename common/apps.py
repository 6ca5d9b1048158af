from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Small helpers shared by every app (slugs, Markdown, template filters); no models."""

    name = "common"
