"""Organization-wide extensions of the emulator: what moto 5.2.5 lacks for assessing many
accounts of one AWS Organization. Imported by launcher.py; each extension says why.

* Organization trails seen from member accounts. moto keeps a trail in the account that created
  it; on AWS an organization trail of the management account also shows in every member
  account's DescribeTrails (as a shadow trail whose ARN is the management account's), and
  GetTrailStatus / GetEventSelectors answer for it there.
* ``account:ListRegions`` (the regions enabled for an account): not implemented in moto (404).
  Answers from a list the tests set with ``POST /_secbaseline/account/regions``
  ``{"regions": [...]}`` (every account); default: the regions AWS enables by default.
* AssumeRole refusals. moto lets any role be assumed ("the role does not need to exist"); AWS
  refuses a role whose trust policy does not allow the caller. ``POST
  /_secbaseline/sts/refuse-role`` ``{"role_arn": "..."}`` makes AssumeRole of that role fail
  with AccessDenied, as AWS would, so tests can hold an account whose role cannot be assumed.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Iterable

StartResponse = Callable[..., Any]

# The commercial regions AWS enables for every account (opt-in regions are not among them).
DEFAULT_REGIONS = [
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
    "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
]


class OrgState:
    """Test-set state of these extensions; cleared by POST /moto-api/reset."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.enabled_regions: list[str] = list(DEFAULT_REGIONS)
        self.refused_roles: set[str] = set()


STATE = OrgState()


def _management_account(account_id: str) -> str | None:
    """The management account of the organization `account_id` is a member of (not itself)."""
    from moto.organizations.models import organizations_backends

    found = organizations_backends.master_accounts.get(account_id)
    if not found:
        return None
    master, _partition = found
    return master if master != account_id else None


def _organization_trails(management: str) -> list[Any]:
    from moto.cloudtrail.models import cloudtrail_backends

    return [t for backend in cloudtrail_backends[management].values()
            for t in backend.trails.values() if getattr(t, "is_org_trail", False)]


def patch_cloudtrail() -> None:
    from moto.cloudtrail import models as ct

    describe = ct.CloudTrailBackend.describe_trails
    get_trail = ct.CloudTrailBackend.get_trail

    def describe_trails(self: Any, include_shadow_trails: bool) -> Iterable[Any]:
        trails = list(describe(self, include_shadow_trails))
        management = _management_account(self.account_id) if include_shadow_trails else None
        if management:
            trails.extend(t for t in _organization_trails(management)
                          if t.is_multi_region or t.region_name == self.region_name)
        return trails

    def get_trail_or_organization_trail(self: Any, name_or_arn: str) -> Any:
        try:
            return get_trail(self, name_or_arn)
        except ct.TrailNotFoundException:
            management = _management_account(self.account_id)
            for t in _organization_trails(management) if management else []:
                if name_or_arn == t.arn:
                    return t
            raise

    ct.CloudTrailBackend.describe_trails = describe_trails  # type: ignore[method-assign]
    ct.CloudTrailBackend.get_trail = get_trail_or_organization_trail  # type: ignore[method-assign]


def patch_sts() -> None:
    from moto.core.exceptions import ServiceException
    from moto.sts import models as sts

    class RoleRefused(ServiceException):
        code = "AccessDenied"

    assume = sts.STSBackend.assume_role

    def assume_role(self: Any, **kwargs: Any) -> Any:
        role_arn = kwargs.get("role_arn", "")
        with STATE.lock:
            refused = role_arn in STATE.refused_roles
        if refused:
            raise RoleRefused(
                f"User: arn:aws:iam::{self.account_id}:user/moto is not authorized to perform: "
                f"sts:AssumeRole on resource: {role_arn}")
        return assume(self, **kwargs)

    sts.STSBackend.assume_role = assume_role  # type: ignore[method-assign]


def _json(environ: dict[str, Any]) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return json.loads(body) if body.strip() else {}


def _respond(start_response: StartResponse, status: int, body: Any,
             error_type: str | None = None) -> Iterable[bytes]:
    payload = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    start_response(f"{status} {'OK' if status == 200 else 'Error'}", headers)
    return [payload]


def handle_list_regions(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """account:ListRegions (REST-JSON POST /listRegions)."""
    request = _json(environ)
    wanted = set(request.get("RegionOptStatusContains") or [])
    with STATE.lock:
        enabled = list(STATE.enabled_regions)
    status = "ENABLED_BY_DEFAULT"
    regions = [{"RegionName": r, "RegionOptStatus": status}
               for r in enabled if not wanted or status in wanted]
    return _respond(start_response, 200, {"Regions": regions})


def handle_test_state(path: str, environ: dict[str, Any],
                      start_response: StartResponse) -> Iterable[bytes]:
    body = _json(environ)
    with STATE.lock:
        if path == "/_secbaseline/account/regions":
            STATE.enabled_regions = [str(r) for r in body.get("regions", [])]
        elif path == "/_secbaseline/sts/refuse-role":
            STATE.refused_roles.add(str(body.get("role_arn", "")))
    return _respond(start_response, 200, {"ok": True})


TEST_PATHS = ("/_secbaseline/account/regions", "/_secbaseline/sts/refuse-role")


def patch() -> None:
    patch_cloudtrail()
    patch_sts()
