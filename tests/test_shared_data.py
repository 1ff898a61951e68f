"""A clone without ../shared passes `make test` (the tests that need the datasets skip), while
CI, which has the datasets, fails loudly if they go missing."""

from pathlib import Path

import pytest

from tests.conftest import require_shared_data


def test_missing_shared_data_skips_on_a_users_clone(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="needs the shared datasets"):
        require_shared_data(tmp_path / "absent", ci=False)


def test_missing_shared_data_fails_under_ci(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_shared_data(tmp_path / "absent", ci=True)


def test_present_shared_data_is_used(tmp_path: Path) -> None:
    assert require_shared_data(tmp_path, ci=True) == tmp_path
