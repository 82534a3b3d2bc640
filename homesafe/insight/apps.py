from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Above casework and duties, beside the story: the partnership's figures (KPIs), the
    statutory returns (SSDA903, Annex A, the Standard Safeguarding Dataset), hot spots,
    networks and the report packs. Reads every app through its queries and facts."""

    name = "homesafe.insight"
    label = "insight"
