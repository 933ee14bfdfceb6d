"""Profiles from strangers (issue 16, defects 7 and 13): linear validation,
list limits with a 422 naming the field, implausible values warned about,
values beyond hard bounds refused."""

from __future__ import annotations

from huiqi.firm.profile import EnterpriseProfile
from tests.growth import growth_ratio


def test_qualification_validation_is_linear():
    def validate(names):
        EnterpriseProfile.model_validate({"region": "伊金霍洛旗", "qualifications": names})

    ratio = growth_ratio(validate, lambda n: [f"q{i}" for i in range(n)], 5000)
    assert ratio < 10, ratio


def test_too_many_qualifications_is_422_naming_the_field(client):
    body = {"region": "伊金霍洛旗", "qualifications": [f"q{i}" for i in range(100_000)]}
    r = client.post("/api/match", json=body)
    assert r.status_code == 422
    assert r.json()["errors"] == ["qualifications: 最多 200 项，收到 100000 项"]


def test_implausible_head_count_is_a_warning(client):
    body = {"region": "伊金霍洛旗", "projects": [{"kind": "养殖", "head_count": 50_000_000}]}
    r = client.post("/api/match", json=body)
    assert r.status_code == 200
    assert any(w.startswith("projects[0].head_count:") and "异常大" in w for w in r.json()["warnings"])


def test_absurd_head_count_is_refused(client):
    body = {"region": "伊金霍洛旗", "projects": [{"kind": "养殖", "head_count": 10**30}]}
    r = client.post("/api/match", json=body)
    assert r.status_code == 422
    assert any(e.startswith("projects[0].head_count:") and "超出合理范围" in e for e in r.json()["errors"])


def test_huge_employees_refused_and_money_warned(client):
    r = client.post("/api/match", json={"region": "伊金霍洛旗", "employees": 9223372036854775808})
    assert r.status_code == 422 and r.json()["errors"][0].startswith("employees:")
    r = client.post("/api/match", json={"region": "伊金霍洛旗", "revenue": 5e12})
    assert r.status_code == 200 and any(w.startswith("revenue:") for w in r.json()["warnings"])
