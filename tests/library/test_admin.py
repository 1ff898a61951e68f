"""Admin paths that must go through services: article submission and library documents."""

from library.models import SourceDocument, SourcePassage


def test_admin_adds_a_source_document_with_its_passages(admin_client):
    response = admin_client.post(
        "/admin/library/sourcedocument/add/",
        {
            "title": "IPCC AR6 summary",
            "url": "https://www.ipcc.ch/report/ar6/",
            "publisher": "IPCC",
            "licence": "",
            "text": "Global surface temperature was 1.1 °C above 1850–1900 in 2011–2020. "
            "Sea level rose 0.20 m between 1901 and 2018.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = SourceDocument.objects.get()
    assert SourcePassage.objects.filter(document=document).count() == 1
    assert document.content_hash
