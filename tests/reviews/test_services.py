import pytest

from core.errors import ApplicationError
from reviews.models import Activity, Status, Verdict
from reviews.services.citations import citation_add, note_add
from reviews.services.workflow import review_item_update
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory


@pytest.fixture
def item(workflow):
    return ReviewItemFactory.create()


def test_update_records_before_and_after(item, user):
    in_progress = Status.objects.get(slug="in-progress")
    false = Verdict.objects.get(slug="false")
    updated = review_item_update(
        item_id=item.pk,
        user=user,
        expected_version=1,
        status=in_progress,
        verdict=false,
        explanation="The cited figure is 15–25 cm.",
    )
    assert updated.version == 2
    assert updated.assignee == user
    event = Activity.objects.get(claim=item.claim, verb="updated")
    assert event.actor == user
    assert event.changes["status"] == ["Unstarted", "In progress"]
    assert event.changes["verdict"] == [None, "False"]


def test_stale_version_is_a_conflict_not_an_overwrite(item, user):
    other = UserFactory.create(username="other", roles=["Fact-checkers"])
    review_item_update(item_id=item.pk, user=other, expected_version=1, explanation="theirs")
    with pytest.raises(ApplicationError) as info:
        review_item_update(item_id=item.pk, user=user, expected_version=1, explanation="mine")
    assert info.value.status == 409
    assert info.value.extra == {"current_version": 2, "your_version": 1}
    item.refresh_from_db()
    assert item.explanation == "theirs"


def test_saving_nothing_new_does_not_bump_the_version(item, user):
    same = review_item_update(item_id=item.pk, user=user, expected_version=1)
    assert same.version == 1
    assert not Activity.objects.filter(verb="updated").exists()


def test_unknown_item_is_404(workflow, user):
    with pytest.raises(ApplicationError) as info:
        review_item_update(item_id=424242, user=user, expected_version=1)
    assert info.value.status == 404


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://a.org/x"])
def test_citation_urls_must_be_http(item, user, url):
    with pytest.raises(ApplicationError):
        citation_add(claim_id=item.claim_id, user=user, url=url)
    assert not item.claim.citations.exists()


def test_citation_and_note_are_logged(item, user):
    citation_add(
        claim_id=item.claim_id, user=user, url="https://www.ipcc.ch/report/ar6/", title="AR6"
    )
    note_add(claim_id=item.claim_id, user=user, body="Check table 2.")
    verbs = list(Activity.objects.filter(claim=item.claim).values_list("verb", flat=True))
    assert verbs == ["cited", "noted"]
    with pytest.raises(ApplicationError):
        note_add(claim_id=item.claim_id, user=user, body="  ")


def test_activity_log_is_append_only(item, user):
    note_add(claim_id=item.claim_id, user=user, body="x")
    event = Activity.objects.get()
    event.verb = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Activity.objects.all().update(verb="tampered")
    with pytest.raises(TypeError):
        Activity.objects.all().delete()
