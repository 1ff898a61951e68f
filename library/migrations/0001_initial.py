# The source library's four models move here from `claims` without touching a row: the state
# moves (this migration and claims 0008), the tables keep their names (Meta.db_table), and the
# content types (so permissions and admin history) are renamed to the new app.

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["sourcedocument", "sourcepassage", "passageembedding", "factcheck"]


def content_types_to_library(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="claims", model__in=MOVED).update(app_label="library")


def content_types_to_claims(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="library", model__in=MOVED).update(app_label="claims")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("claims", "0007_dense_embeddings_and_claim_matching"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='FactCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=2048, unique=True)),
                        ('claim_reviewed', models.TextField()),
                        ('rating', models.CharField(blank=True, max_length=200)),
                        ('publisher', models.CharField(blank=True, max_length=200)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('language', models.CharField(blank=True, max_length=16)),
                        ('claimant', models.CharField(blank=True, max_length=200)),
                        ('appearance_url', models.URLField(blank=True, max_length=2048)),
                        ('raw', models.JSONField(default=dict, help_text='The ClaimReview as imported.')),
                        ('imported_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'claims_factcheck',
                        'ordering': ['-published_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SourcePassage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start', models.PositiveIntegerField()),
                        ('end', models.PositiveIntegerField()),
                        ('text', models.TextField()),
                    ],
                    options={
                        'db_table': 'claims_sourcepassage',
                        'ordering': ['document_id', 'start'],
                    },
                ),
                migrations.CreateModel(
                    name='SourceDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=500)),
                        ('url', models.URLField(blank=True, max_length=2048)),
                        ('content_hash', models.CharField(blank=True, max_length=64)),
                        ('publisher', models.CharField(blank=True, max_length=200)),
                        ('licence', models.CharField(blank=True, max_length=100)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('text', models.TextField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'claims_sourcedocument',
                    },
                ),
                migrations.CreateModel(
                    name='PassageEmbedding',
                    fields=[
                        ('passage', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='embedding', serialize=False, to='library.sourcepassage')),
                        ('model', models.CharField(db_index=True, max_length=64)),
                        ('vector', models.BinaryField(help_text='float32 little-endian, unit length.')),
                    ],
                    options={
                        'db_table': 'claims_passageembedding',
                    },
                ),
                migrations.AddField(
                    model_name='sourcepassage',
                    name='document',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='passages', to='library.sourcedocument'),
                ),
                migrations.AddConstraint(
                    model_name='sourcedocument',
                    constraint=models.UniqueConstraint(condition=models.Q(('url', ''), _negated=True), fields=('url',), name='source_unique_url'),
                ),
                migrations.AddConstraint(
                    model_name='sourcedocument',
                    constraint=models.UniqueConstraint(condition=models.Q(('url', '')), fields=('content_hash',), name='source_unique_unlinked_content'),
                ),
                migrations.AddConstraint(
                    model_name='sourcepassage',
                    constraint=models.UniqueConstraint(fields=('document', 'start'), name='passage_unique_start'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_library, content_types_to_claims),
    ]
