"""The shipped taxonomy: exactly the codes and labels of the TextChoices it replaces, so that
interviews recorded before it keep their meaning. A frozen copy (choices.DEFAULT_TERMS is the
living one; tests/interviews/test_terms.py holds the two together)."""

from django.db import migrations

SEED = {
    "push_factor": (
        ("conflict", "Conflict at home or in placement"),
        ("abuse", "Abuse or neglect"),
        ("domestic_abuse", "Domestic abuse"),
        ("placement_unhappiness", "Unhappy in placement"),
        ("bullying", "Bullying"),
        ("school_problems", "Problems at school"),
        ("bereavement", "Bereavement or loss"),
        ("mental_health", "Mental health"),
        ("identity", "Identity (sexuality, gender, culture)"),
        ("feeling_unheard", "Feeling unheard"),
    ),
    "pull_factor": (
        ("family", "Family"),
        ("friends", "Friends"),
        ("home_area", "Home area"),
        ("older_partner", "Older boyfriend or girlfriend"),
        ("parties", "Parties"),
        ("drugs_alcohol", "Drugs or alcohol"),
        ("money_gifts", "Money or gifts"),
        ("gangs_county_lines", "Gangs or county lines"),
        ("grooming", "Grooming or coercion"),
    ),
    "exploitation_indicator": (
        ("none_identified", "None identified"),
        ("money_gifts", "Unexplained money, gifts or clothes"),
        ("older_associates", "Older associates"),
        ("drugs", "Drugs or alcohol supplied or carried"),
        ("sexual_exploitation", "Signs of sexual exploitation"),
        ("county_lines", "County lines"),
        ("found_far_away", "Went missing to or found at a distance"),
        ("new_phone", "New or extra phone"),
        ("injuries", "Unexplained injuries"),
        ("trafficking", "Signs of trafficking"),
    ),
}


def seed(apps, schema_editor):
    InterviewTerm = apps.get_model("interviews", "InterviewTerm")
    for kind, terms in SEED.items():
        for position, (code, label) in enumerate(terms, start=1):
            InterviewTerm.objects.get_or_create(
                kind=kind, code=code, defaults={"label": label, "position": position}
            )


def unseed(apps, schema_editor):
    InterviewTerm = apps.get_model("interviews", "InterviewTerm")
    for kind, terms in SEED.items():
        InterviewTerm.objects.filter(kind=kind, code__in=[code for code, _ in terms]).delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0002_interviewterm")]

    operations = [migrations.RunPython(seed, unseed)]
