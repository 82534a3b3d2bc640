from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Above casework and duties, beside the story: the partnership's figures (KPIs), the
    statutory returns (SSDA903, Annex A, the Standard Safeguarding Dataset), hot spots,
    networks and the report packs. Reads every app through its queries and facts."""

    name = "homesafe.insight"
    label = "insight"

    def ready(self) -> None:
        # The figures' summary rows follow the children whose duties were re-planned
        # (homesafe.insight.facts).
        from homesafe.duties.events import DutiesReplanned
        from homesafe.insight.days import register_on_every_connection
        from homesafe.insight.subscriptions import insight_facts_on_duties_replanned
        from homesafe.use_cases import subscribe

        subscribe(DutiesReplanned, insight_facts_on_duties_replanned)
        # The report's London day in SQL on SQLite (homesafe.insight.days).
        register_on_every_connection()
