"""The outbound guard reads an IP literal with a trailing dot ("127.0.0.1.") as the address it is: refused
permanently without a lookup (a browser goes to 127.0.0.1), so a tracked link cannot lead there."""
from __future__ import annotations

import pytest

from chalicelib.core.net.guard import check_url, url_problem
from chalicelib.core.net.outcomes import Refused


@pytest.mark.parametrize("url", ["http://127.0.0.1./x", "http://10.0.0.1./", "http://169.254.169.254./latest",
                                 "http://[::1]/"])
def test_a_private_literal_with_a_trailing_dot_is_refused_permanently(url):
    with pytest.raises(Refused) as refused:
        check_url(url, timeout=1)
    assert refused.value.permanent
    assert url_problem(url) is not None and "private or reserved" in url_problem(url)
