"""Who may do what: the permission table, exhaustively."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import BRAND_ROLES, GRANTS, Permission, Role, allows


def test_admin_may_do_everything():
    assert all(allows(True, [], p) for p in Permission)


@pytest.mark.parametrize("role", BRAND_ROLES)
@pytest.mark.parametrize("permission", list(Permission))
def test_brand_roles_follow_the_table(role, permission):
    assert allows(False, [role], permission) == (Role(role) in GRANTS[permission])


def test_no_roles_no_rights_and_unknown_roles_ignored():
    assert not any(allows(False, [], p) for p in Permission)
    assert not any(allows(False, ["wizard"], p) for p in Permission)


def test_principal_hides_other_brands():
    p = Principal(user_id="u", email="e", name="n", language="en", is_admin=False,
                  brands={"b1": ["copywriter"]})
    with pytest.raises(NotFound):
        p.require("b2", Permission.view_brand)
    with pytest.raises(Forbidden):
        p.require("b1", Permission.manage_members)
    p.require("b1", Permission.view_channels)
