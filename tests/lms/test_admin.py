from lms.models import Organisation


def test_secretariat_manages_membership_tiers_in_the_admin(
    client, staff_user, organisation
):
    client.force_login(staff_user)
    listing = client.get("/admin/organisations/")
    assert listing.status_code == 200
    assert organisation.name in listing.content.decode()
    response = client.post(
        f"/admin/organisations/edit/{organisation.pk}/",
        {
            "name": organisation.name,
            "kind": "city",
            "country": "Viet Nam",
            "region": "asia",
            "membership_tier": "associate",
            "member_since": "",
            "membership_expires_on": "",
            "focal_point_name": "",
            "focal_point_email": "",
            "website": "",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).membership_tier == "associate"


def test_participants_cannot_open_the_organisation_admin(client, user):
    client.force_login(user)
    response = client.get("/admin/organisations/")
    assert response.status_code in (302, 403)
    assert Organisation.objects.count() == 1
