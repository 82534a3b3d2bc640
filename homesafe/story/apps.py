from django.apps import AppConfig


class StoryConfig(AppConfig):
    """Above casework and duties: the pages that read every app through its queries (the
    child's story and record, an episode's page, the home page and My work)."""

    name = "homesafe.story"
    label = "story"
