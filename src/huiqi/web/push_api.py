"""Subscriptions and the inbox (订阅与站内信): JSON API and a small page.

* ``GET /api/subscriptions`` → the caller's subscriptions
  (:class:`huiqi.services.subscriptions.SubscriptionOut`);
* ``POST /api/subscriptions`` :class:`~huiqi.services.subscriptions.SubscriptionIn`
  → 201 the stored subscription (422 with a Chinese message naming the field);
* ``DELETE /api/subscriptions/{id}`` → 204 (404 for another's);
* ``GET /api/inbox?limit=`` → the caller's notifications, newest first
  (an enterprise account also its firm's push messages);
* page ``/inbox`` (GET; POST ``/inbox/subscriptions`` and
  ``/inbox/subscriptions/{id}/delete``, CSRF-checked forms).

Any signed-in account (:func:`huiqi.web.auth.require`); every change is
audited (``subscription.create`` / ``subscription.delete``).
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from huiqi.services.subscriptions import SubscriptionError, SubscriptionIn, SubscriptionOut
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import MAX_ID, ApiError, error_responses
from huiqi.web.render import render

log = logging.getLogger(__name__)
router = APIRouter(tags=["订阅与站内信"])
#: a subscription id (32-bit id column: a larger number is an unknown id, 422 here)
SubId = Annotated[int, Path(ge=1, le=MAX_ID, description="订阅编号")]
pages = APIRouter(include_in_schema=False)


def _engine(request: Request):
    from huiqi.web.state import state_of

    return state_of(request).engine


def push_soon(engine) -> None:
    """Run :func:`huiqi.services.push.process` in a background thread (the
    job is already committed; a failure is logged and ``huiqi tick`` retries)."""

    def run():
        try:
            from huiqi.services.push import process

            process(engine)
        except Exception:  # pragma: no cover - logged; tick picks the job up again
            log.exception("精准推送未完成，将由 huiqi tick 重试")

    threading.Thread(target=run, name="huiqi-push", daemon=True).start()


def _now():
    from huiqi.services.requests import now_utc

    return now_utc()


def _create(request: Request, principal, data: SubscriptionIn) -> SubscriptionOut:
    from huiqi.kb.audit import record_for
    from huiqi.services.requests import run_tx
    from huiqi.services.subscriptions import create_subscription

    def tx(s):
        sub = create_subscription(s, principal, data, _now())
        out = SubscriptionOut.of(sub)
        record_for(s, principal, client_ip(request), "subscription.create", object_type="subscription",
                   object_id=sub.id, after=out.model_dump(mode="json"))
        return out

    try:
        return run_tx(_engine(request), tx)
    except SubscriptionError as exc:
        raise ApiError(exc.status, exc.message) from None


def _delete(request: Request, principal, sub_id: int) -> None:
    from huiqi.kb.audit import record_for
    from huiqi.services.requests import run_tx
    from huiqi.services.subscriptions import delete_subscription

    def tx(s):
        sub = delete_subscription(s, principal, sub_id)
        record_for(s, principal, client_ip(request), "subscription.delete", object_type="subscription",
                   object_id=sub.id, before={"kind": sub.kind, "channels": sub.channels})

    try:
        run_tx(_engine(request), tx)
    except SubscriptionError as exc:
        raise ApiError(exc.status, exc.message, "not_found" if exc.status == 404 else None) from None


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e.get("loc") or ())
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{loc}：{msg}" if loc else msg)
    return "；".join(parts)


@router.get("/api/subscriptions", summary="我的订阅", response_model=list[SubscriptionOut])
def api_list(request: Request, principal=Depends(require(None))):
    """The caller's active subscriptions (its own, and its firm's 政策我能享受的)."""
    from huiqi.services.requests import run_tx
    from huiqi.services.subscriptions import list_subscriptions

    return run_tx(_engine(request), lambda s: list_subscriptions(s, principal))


@router.post("/api/subscriptions", summary="新建订阅", status_code=201, response_model=SubscriptionOut,
             responses=error_responses(422))
def api_create(request: Request, body: dict = Body(..., examples=[
        {"kind": "topic", "keywords": ["技术改造"], "region": "阿拉善盟", "frequency": "daily",
         "channels": ["inbox", "email"], "email": "owner@example.cn"}]), principal=Depends(require(None))):
    """Create a subscription; 422 with the field and reason when invalid."""
    try:
        data = SubscriptionIn.model_validate(body if isinstance(body, dict) else {})
    except ValidationError as exc:
        raise ApiError(422, _validation_message(exc)) from None
    return _create(request, principal, data)


@router.delete("/api/subscriptions/{sub_id}", summary="取消订阅", status_code=204, responses=error_responses(404, 422))
def api_delete(request: Request, sub_id: SubId, principal=Depends(require(None))):
    """Deactivate one of the caller's subscriptions."""
    _delete(request, principal, sub_id)
    return Response(status_code=204)


@router.get("/api/inbox", summary="站内信（最新在前）")
def api_inbox(request: Request, limit: int = Query(100, ge=1, le=500), principal=Depends(require(None))):
    """``[{id, kind, subject, text, link, created_at, read}]`` newest first."""
    from huiqi.services.requests import run_tx
    from huiqi.services.subscriptions import inbox

    return run_tx(_engine(request), lambda s: inbox(s, principal, limit))


# ---------------------------------------------------------------- page

@pages.get("/inbox")
def inbox_page(request: Request, msg: str = "", principal=Depends(require(None))):
    """站内信 and 订阅 on one page (works at 375 px)."""
    from huiqi.services.requests import run_tx
    from huiqi.services.subscriptions import inbox, list_subscriptions

    def tx(s):
        return inbox(s, principal, 100), list_subscriptions(s, principal)

    notes, subs = run_tx(_engine(request), tx)
    return render("inbox.html", user=principal, csrf=principal.csrf_token, notes=notes, subs=subs, msg=msg[:200],
                  is_firm=principal.role == "enterprise" and bool(principal.firm_code))


def _back(message: str) -> RedirectResponse:
    return RedirectResponse("/inbox?msg=" + quote(message), status_code=303)


@pages.post("/inbox/subscriptions")
async def inbox_subscribe(request: Request, principal=Depends(require(None))):
    """The subscription form: keywords separated by spaces or 、."""
    import re

    form = await request.form()
    get = lambda k: str(form.get(k) or "").strip()  # noqa: E731
    data = {"kind": get("kind") or "topic", "keywords": [k for k in re.split(r"[\s、，,]+", get("keywords")) if k],
            "region": get("region") or None, "level": get("level") or None, "department": get("department") or None,
            "industry": get("industry") or None, "frequency": get("frequency") or "instant",
            "channels": [c for c in form.getlist("channels") if isinstance(c, str)] or ["inbox"],
            "email": get("email") or None, "phone": get("phone") or None, "wecom_id": get("wecom_id") or None}
    try:
        parsed = SubscriptionIn.model_validate(data)
    except ValidationError as exc:
        return _back("订阅未保存：" + _validation_message(exc))
    try:
        _create(request, principal, parsed)
    except ApiError as exc:
        return _back("订阅未保存：" + exc.detail)
    return _back("已订阅")


@pages.post("/inbox/subscriptions/{sub_id}/delete")
def inbox_unsubscribe(request: Request, sub_id: SubId, principal=Depends(require(None))):
    """Cancel one subscription from the page."""
    _delete(request, principal, sub_id)
    return _back("已取消订阅")
