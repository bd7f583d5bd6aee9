"""Certificates name their co-organising partners (issue 17).

New certificates snapshot them at issuance; those issued before are filled
from their programme's partners or their webinar series' partner, the same
data the issuance reads.
"""

from django.db import migrations, models


def backfill_partners(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    ProgrammePage = apps.get_model("courses", "ProgrammePage")
    WebinarPage = apps.get_model("webinars", "WebinarPage")
    for certificate in Certificate.objects.all().iterator():
        names = []
        if certificate.programme_id:
            programme = ProgrammePage.objects.filter(
                pk=certificate.programme_id
            ).first()
            if programme is not None:
                names = [p.name for p in programme.partners.order_by("name")]
        elif certificate.webinar_id:
            webinar = (
                WebinarPage.objects.filter(pk=certificate.webinar_id)
                .select_related("series__partner")
                .first()
            )
            series = webinar.series if webinar is not None else None
            if series is not None and series.partner is not None:
                names = [series.partner.name]
        if names:
            certificate.partner_names = names
            certificate.save(update_fields=["partner_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_revocation_email_and_job_counts"),
        ("courses", "0001_initial"),
        ("webinars", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="partner_names",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "The partners who co-organised the programme or the webinar "
                    "series, as printed on the certificate."
                ),
                verbose_name="co-organising partners",
            ),
        ),
        migrations.RunPython(backfill_partners, migrations.RunPython.noop),
    ]
