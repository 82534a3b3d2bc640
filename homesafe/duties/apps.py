from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "homesafe.duties"
    label = "duties"

    def ready(self) -> None:
        # Use cases hand the duties app the children whose facts changed (homesafe.use_cases).
        from homesafe.duties.services import duties_replan_facts_changed
        from homesafe.use_cases import facts_changed_subscribe

        facts_changed_subscribe(duties_replan_facts_changed)
