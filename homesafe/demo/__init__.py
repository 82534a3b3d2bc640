"""Synthetic demo data: `plan` decides (pure, seeded), `write` records it through the services."""

from homesafe.demo.plan import DemoAccount, DemoPlan, DemoSummary, anchor_moment, plan_demo
from homesafe.demo.vocabulary import (
    ADMIN_EMAIL,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    LONDON,
    MIN_CHILDREN,
    ROLE_ACCOUNTS,
)
from homesafe.demo.write import database_has_children, demo_accounts, demo_summary, write_demo

__all__ = [
    "ADMIN_EMAIL",
    "DEMO_EMAIL_DOMAIN",
    "DEMO_PASSWORD",
    "LONDON",
    "MIN_CHILDREN",
    "ROLE_ACCOUNTS",
    "DemoAccount",
    "DemoPlan",
    "DemoSummary",
    "anchor_moment",
    "database_has_children",
    "demo_accounts",
    "demo_summary",
    "plan_demo",
    "write_demo",
]
