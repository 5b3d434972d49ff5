from django.db import migrations

from cms.dbops import trigram_index


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]

    operations = [trigram_index("hazards_hazard", "description")]
