from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "homesafe.duties"
    label = "duties"

    def ready(self) -> None:
        # Use cases hand the duties app the children whose facts changed, and announce the
        # changes it acts on (homesafe.use_cases): services never call the duties app.
        from homesafe.duties.services import duties_replan_facts_changed
        from homesafe.duties.subscriptions import (
            duties_close_on_episode_voided,
            duties_replan_on_rhi_routes_changed,
        )
        from homesafe.episodes.events import EpisodeVoided
        from homesafe.interviews.events import RhiRoutesChanged
        from homesafe.use_cases import facts_changed_subscribe, subscribe

        facts_changed_subscribe(duties_replan_facts_changed)
        subscribe(EpisodeVoided, duties_close_on_episode_voided)
        subscribe(RhiRoutesChanged, duties_replan_on_rhi_routes_changed)
