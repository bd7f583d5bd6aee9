from tests.seeded import DemoTestCase


class PublicPageHeadersTests(DemoTestCase):
    def test_public_pages_send_a_strict_content_security_policy(self):
        response = self.client.get("/")
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert "'unsafe-inline'" not in directives["script-src"]
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"

    def test_unknown_page_is_a_styled_404_without_a_trace(self):
        response = self.client.get("/no/such/page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert "Traceback" not in html


def test_admin_gets_its_own_policy(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/")
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert "object-src 'none'" in response["Content-Security-Policy"]


def test_only_public_image_files_are_served_from_media(client, db, settings, tmp_path):
    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "a.png").write_bytes(b"\x89PNG\r\n")
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "documents" / "private.pdf").write_bytes(b"%PDF-1.4")
    assert client.get("/media/images/a.png").status_code == 200
    assert client.get("/media/documents/private.pdf").status_code == 404
    assert client.get("/media/images/../documents/private.pdf").status_code == 404
