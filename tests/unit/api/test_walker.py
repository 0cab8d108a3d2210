"""The troubleshooting walker: validation of broken trees, the walk, the CLI."""

from __future__ import annotations

import pytest

from calculator.api import walker as api_walker


def test_links_point_into_the_guide() -> None:
    for item in api_walker.walker_tree()["outcomes"]:
        hrefs = [link["href"] for link in item["links"]]
        assert hrefs[:2] == [
            f"causes.md#{item['cause']['id']}",
            f"solutions.md#{item['cause']['id']}",
        ]
        assert "precautions.md#scams" in hrefs
        for link in item["links"]:
            page, _, anchor = link["href"].partition("#")
            assert link["url"] == f"../{page.removesuffix('.md')}/#{anchor}"


def test_site_url() -> None:
    assert api_walker.site_url("index.md") == "../"
    assert api_walker.site_url("solutions.md#refused") == "../solutions/#refused"
    with pytest.raises(ValueError):
        api_walker.site_url("javascript:alert(1)")
