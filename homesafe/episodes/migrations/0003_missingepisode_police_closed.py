from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0002_concerns"),
    ]

    operations = [
        migrations.AddField(
            model_name="missingepisode",
            name="police_closed_reason",
            field=models.CharField(
                blank=True,
                help_text="Why the police closed their missing-person report, in the force's words.",
                max_length=200,
                verbose_name="police closing reason",
            ),
        ),
        migrations.AddField(
            model_name="missingepisode",
            name="police_closed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="police report closed at"
            ),
        ),
    ]
