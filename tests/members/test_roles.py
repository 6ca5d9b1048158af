import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from members import permissions
from members.models import User

pytestmark = pytest.mark.django_db

EXPECTED = {
    # role: (is_admin, is_agency_staff, is_representative, is_member, role_of)
    "anonymous": (False, False, False, False, "anonymous"),
    "other_representative": (False, False, True, True, "representative"),
    "representative": (False, False, True, True, "representative"),
    "staff": (False, True, False, True, "staff"),
    "admin": (True, True, False, True, "admin"),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_role_matrix(role, role_users):
    user = role_users[role] or AnonymousUser()

    actual = (
        permissions.is_admin(user),
        permissions.is_agency_staff(user),
        permissions.is_representative(user),
        permissions.is_member(user),
        permissions.role_of(user),
    )

    assert actual == EXPECTED[role]


def test_representative_with_ended_membership_is_no_longer_a_member(representative_user):
    representative_user.representatives.update(
        ends_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    fresh = type(representative_user).objects.get(pk=representative_user.pk)

    assert not permissions.is_member(fresh)


def test_current_municipality(representative_user, municipality):
    assert permissions.current_municipality(representative_user) == municipality


def test_staff_group_has_app_permissions_but_not_user_management():
    group = Group.objects.get(name=permissions.STAFF_GROUP_NAME)
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"add_meeting", "change_municipality", "change_practice"} <= codenames
    assert "change_user" not in codenames


@pytest.mark.parametrize(
    ("role", "expected_status"),
    [
        ("anonymous", 302),
        ("other_representative", 302),
        ("representative", 302),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_admin_access_matrix(role, expected_status, role_users, client_for):
    response = client_for(role_users[role]).get("/admin/")

    assert response.status_code == expected_status


@pytest.mark.parametrize(("role", "can_manage_users"), [("staff", False), ("admin", True)])
def test_only_admins_manage_user_accounts(role, can_manage_users, role_users, client_for):
    response = client_for(role_users[role]).get("/admin/members/user/")

    assert (response.status_code == 200) is can_manage_users


def test_the_staff_check_loads_the_representative_row_in_the_same_query(
    representative_user, django_assert_num_queries
):
    # The second-factor check asks it on every request, and nearly every page then asks for
    # the representative row (with its municipality): one query answers both, once per request.
    user = User.objects.get(pk=representative_user.pk)
    with django_assert_num_queries(1):
        assert not permissions.is_agency_staff(user)
        assert not permissions.is_agency_staff(user)
    with django_assert_num_queries(0):
        assert permissions.current_municipality(user) is not None
        assert permissions.current_representative(user) is not None
