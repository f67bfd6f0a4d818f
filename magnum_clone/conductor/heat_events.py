"""Event-driven status truth: Heat's ``orchestration.stack.*`` notifications.

When Heat shares a message bus with us (``[heat] notifications_transport_url``), every
conductor listens on Heat's notification exchange/topic with a pool (queue) of its own, so it
sees every event. An event only says *which* stack changed: the cluster is found from our tag
(``magnum_clone_cluster=<uuid>`` in the payload's ``tags``), else by its stack id, and if this
conductor owns it (hash ring) :func:`reconcile.run_for` re-observes it through the driver (one
stack list) and applies the result with compare-and-set. The payload's ``state`` is never
applied as such. An extra nodegroup's stack carries its cluster's tag too (its state is
observed with the cluster's). Nested stacks (no tag of ours, a stack id no cluster or
nodegroup has) match nothing.

The listener callback only queues the reference (the message is acked at once); one worker
thread drains the queue in batches, so a burst of events (nested stacks of a big cluster)
costs one pass. ``*.start`` events are dropped: the cluster is already in progress.
The periodic reconcile stays as the safety net for lost events and a down bus.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import oslo_messaging as messaging

from magnum_clone.conf import CONF

LOG = logging.getLogger(__name__)

EVENT_TYPES = r"^orchestration\.stack\."
CLUSTER_TAG = "magnum_clone_cluster="
_UUID = re.compile(r"^[0-9a-fA-F-]{32,36}$")


@dataclass(frozen=True)
class StackRef:
    """What an event tells us: the stack, and our cluster if the stack carries our tag."""

    stack_id: str | None
    cluster_uuid: str | None
    event_type: str


def stack_ref(event_type: str, payload: Any) -> StackRef | None:
    """The stack an ``orchestration.stack.*`` event is about; None for events to ignore
    (other event types, ``*.start``, malformed payloads)."""
    if not re.match(EVENT_TYPES, event_type or "") or event_type.endswith(".start"):
        return None
    if not isinstance(payload, Mapping):
        return None
    stack_id = payload.get("stack_identity")
    stack_id = str(stack_id) if stack_id else None
    cluster = None
    tags = payload.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    for tag in tags:
        if isinstance(tag, str) and tag.startswith(CLUSTER_TAG):
            value = tag[len(CLUSTER_TAG):].strip()
            if _UUID.match(value):
                cluster = value
                break
    if stack_id is None and cluster is None:
        return None
    return StackRef(stack_id=stack_id, cluster_uuid=cluster, event_type=event_type)


def split(refs: Iterable[StackRef]) -> tuple[set[str], set[str]]:
    """Cluster uuids (tagged stacks) and stack ids to look up (untagged stacks)."""
    uuids: set[str] = set()
    stack_ids: set[str] = set()
    for ref in refs:
        if ref.cluster_uuid:
            uuids.add(ref.cluster_uuid)
        elif ref.stack_id:
            stack_ids.add(ref.stack_id)
    return uuids, stack_ids


class Endpoint:
    """oslo.messaging notification endpoint: queue the stack of every stack event."""

    filter_rule = messaging.NotificationFilter(event_type=EVENT_TYPES)

    def __init__(self, sink: Callable[[StackRef], None]) -> None:
        self._sink = sink

    def _handle(self, ctxt: Any, publisher_id: str, event_type: str, payload: Any,
                metadata: Any) -> None:
        ref = stack_ref(event_type, payload)
        if ref is not None:
            LOG.debug("Heat event %s for stack %s (cluster %s)", event_type, ref.stack_id,
                      ref.cluster_uuid)
            self._sink(ref)

    info = warn = error = critical = audit = debug = sample = _handle


class Listener:
    """Heat's notifications -> ``handle(cluster_uuids, stack_ids)`` in one worker thread."""

    def __init__(self, host: str, handle: Callable[[set[str], set[str]], None]) -> None:
        self.host = host
        self._handle = handle
        self._queue: queue.Queue[StackRef | None] = queue.Queue()
        self._transport: Any = None
        self._listener: Any = None
        self._worker: threading.Thread | None = None

    @property
    def pool(self) -> str:
        return CONF.heat.notifications_pool or f"magnum_clone.{self.host}"

    def start(self) -> None:
        self._worker = threading.Thread(target=self._run, name="conductor-heat-events",
                                        daemon=True)
        self._worker.start()
        self._transport = messaging.get_notification_transport(
            CONF, url=CONF.heat.notifications_transport_url)
        target = messaging.Target(exchange=CONF.heat.notifications_exchange,
                                  topic=CONF.heat.notifications_topic)
        self._listener = messaging.get_notification_listener(
            self._transport, [target], [Endpoint(self._queue.put)], executor="threading",
            pool=self.pool)
        self._listener.start()
        LOG.info("Listening for Heat events on exchange %s topic %s (pool %s)",
                 CONF.heat.notifications_exchange, CONF.heat.notifications_topic, self.pool)

    def _run(self) -> None:
        while True:
            ref = self._queue.get()
            if ref is None:
                return
            refs = [ref]
            stopping = False
            while True:  # everything queued meanwhile goes into the same pass
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                refs.append(more)
            uuids, stack_ids = split(refs)
            try:
                self._handle(uuids, stack_ids)
            except Exception:  # noqa: BLE001 - the periodic pass retries
                LOG.exception("Reconciling after Heat events failed")
            if stopping:
                return

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener.wait()
            self._listener = None
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=10)
            self._worker = None
        if self._transport is not None:
            self._transport.cleanup()
            self._transport = None
