# The source library's models now live in the `library` app (see its 0001): state only, the
# tables and their rows stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0007_dense_embeddings_and_claim_matching'),
        ('library', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='FactCheck',
                ),
                migrations.RemoveField(
                    model_name='sourcepassage',
                    name='document',
                ),
                migrations.AlterField(
                    model_name='evidence',
                    name='passage',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='library.sourcepassage'),
                ),
                migrations.DeleteModel(
                    name='PassageEmbedding',
                ),
                migrations.DeleteModel(
                    name='SourceDocument',
                ),
                migrations.DeleteModel(
                    name='SourcePassage',
                ),
            ],
        ),
    ]
