from django.db import migrations

from cms.dbops import trigram_index


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        trigram_index("directory_target", "name"),
        trigram_index("directory_target", "address"),
    ]
