"""First-level regions from postcodes: every country the hotline serves, never a town."""

import pytest

from hotline.validators import POSTCODE_PATTERNS
from quality.regions import region_for


@pytest.mark.parametrize(("country", "postcode", "region"), [
    ("FR", "75011", "75"), ("FR", "20000", "2A"), ("FR", "20290", "2B"), ("FR", "97400", "974"),
    ("BE", "1000", "BRU"), ("BE", "9000", "VOV"), ("BE", "4000", "WLG"),
    ("ES", "28013", "28"), ("IT", "20121", "20"), ("DE", "10115", "10"), ("PL", "00-950", "00"),
    ("NL", "1012 AB", "10"), ("AT", "1010", "9"), ("AT", "6020", "7"), ("AT", "6900", "8"),
    ("AT", "8010", "6"), ("AT", "9020", "2"), ("AT", "7000", "1"), ("AT", "5020", "5"),
    ("CH", "8001", "80"), ("LU", "L-1009", "L-1"), ("PT", "1000-001", "10"),
    ("GB", "SW1A 1AA", "SW"), ("GB", "M1 1AE", "M"), ("IE", "D02 X285", "D02"),
    ("US", "10001", "NY"), ("US", "02115", "MA"), ("US", "94105", "CA"), ("US", "60601", "IL"),
    ("US", "00901", "PR"), ("US", "07030", "NJ"), ("US", "20500-0003", "DC"),
])
def test_each_served_country_has_its_region(country, postcode, region):
    assert region_for(country, postcode) == region


@pytest.mark.parametrize(("country", "postcode"), [
    ("FR", "7501"), ("BE", "10000"), ("GB", "not a postcode"), ("US", "1234"), ("ZZ", "12345"),
    ("MC", "98000"), ("", ""), ("DE", ""),
])
def test_an_unknown_or_malformed_postcode_gives_no_region(country, postcode):
    assert region_for(country, postcode) == ""


def test_every_country_with_a_postcode_shape_has_a_region_rule():
    """A country added to the validators without a region rule would show QA an empty region."""
    samples = {"FR": "75011", "DE": "10115", "ES": "28013", "IT": "20121", "BE": "1000",
               "NL": "1012 AB", "LU": "L-1009", "CH": "8001", "AT": "1010", "PT": "1000-001",
               "PL": "00-950", "IE": "D02 X285", "GB": "SW1A 1AA", "US": "10001"}
    missing = [c for c in POSTCODE_PATTERNS if c != "MC" and c not in samples]
    assert not missing, f"add a region rule and a sample for {missing}"
    assert all(region_for(c, p) for c, p in samples.items())


def test_a_region_never_holds_the_whole_postcode():
    """QA sees no finer than a département: the region is a strict prefix-level area."""
    for country, postcode in [("FR", "75011"), ("DE", "10115"), ("US", "10001"),
                              ("GB", "SW1A 1AA"), ("IE", "D02 X285")]:
        region = region_for(country, postcode)
        assert region and len(region) < len(postcode.replace(" ", ""))
