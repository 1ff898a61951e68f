"""The admin and the API docs are the product's own: its name, and no asset from elsewhere."""

import re


def test_admin_speaks_the_product_name(admin_client):
    text = admin_client.get("/admin/").content.decode()
    assert "ClaimDesk administration" in text
    assert "Django administration" not in text


def test_api_docs_load_nothing_from_another_host(client, db):
    for page in ("/api/redoc/", "/api/docs/"):
        text = client.get(page).content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', text)
        assert assets, page
        assert [a for a in assets if "//" in a] == [], page
