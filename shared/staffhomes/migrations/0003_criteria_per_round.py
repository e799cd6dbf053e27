"""Criteria belong to a round; rounds gain 筹备中 (criteria being set) and 评审中 (applications closed).

Existing rounds keep their state. Each gets a copy of the criteria that were shared by all rounds,
and its applications' self-scores and reviewers' scores are re-keyed to the copies' ids, so every
score still names the criterion it was given against.
"""
import datetime

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def criteria_to_rounds(apps, schema_editor):
    Criterion = apps.get_model("staffhomes", "Criterion")
    Round = apps.get_model("staffhomes", "Round")
    HomeApplication = apps.get_model("staffhomes", "HomeApplication")
    ReviewScore = apps.get_model("staffhomes", "ReviewScore")
    shared = list(Criterion.objects.filter(round__isnull=True).order_by("order", "id"))
    if shared and not Round.objects.exists():
        # The province's own criteria must not be lost for want of a round to hold them: a round
        # in preparation keeps them, and the next round copies them (or the admin edits this one).
        now = django.utils.timezone.now()
        Round.objects.create(year=now.year, title=f"{now.year} 年先进教职工之家评选（筹备）", status="draft",
                             opens_at=now, closes_at=now + datetime.timedelta(days=30))
    for round_ in Round.objects.order_by("id"):
        ids = {}
        for criterion in shared:
            copy = Criterion.objects.create(round=round_, name=criterion.name, description=criterion.description,
                                            max_score=criterion.max_score, order=criterion.order)
            ids[str(criterion.pk)] = str(copy.pk)
        for application in HomeApplication.objects.filter(round=round_):
            application.self_scores = {ids.get(k, k): v for k, v in (application.self_scores or {}).items()}
            application.save(update_fields=["self_scores"])
        for review in ReviewScore.objects.filter(application__round=round_):
            review.scores = {ids.get(k, k): v for k, v in (review.scores or {}).items()}
            review.save(update_fields=["scores"])
    Criterion.objects.filter(round__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("staffhomes", "0002_homematerial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="round",
            name="status",
            field=models.CharField(choices=[("draft", "筹备中"), ("open", "申报中"), ("reviewing", "评审中"),
                                            ("confirmed", "已公布名单")],
                                   default="draft", max_length=12, verbose_name="状态"),
        ),
        migrations.AlterField(
            model_name="criterion",
            name="name",
            field=models.CharField(max_length=40, verbose_name="标准"),
        ),
        migrations.AddField(
            model_name="criterion",
            name="round",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="criteria",
                                    to="staffhomes.round", verbose_name="评选年度"),
        ),
        migrations.RunPython(criteria_to_rounds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="criterion",
            name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="criteria",
                                    to="staffhomes.round", verbose_name="评选年度"),
        ),
        migrations.AlterModelOptions(
            name="criterion",
            options={"ordering": ["round", "order", "id"], "verbose_name": "建家标准", "verbose_name_plural": "建家标准"},
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.UniqueConstraint(fields=("round", "name"), name="unique_criterion_per_round"),
        ),
    ]
