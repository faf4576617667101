"""Access control: bursts of ``VerifyingSignedPolicyFailed`` and
``VerifyingAdmissionWebhooksFailed`` per stream and per remote address.

One failure is access control doing its job (an expired link, a wrong token). A burst is worth
a look: a player retrying a stale URL in a loop, a publisher with a wrong token, a broken
control server, someone probing. Findings:

* ``signed_policy_failures``: at least ``stream_min_failures`` signed-policy failures on one
  stream, each less than ``stream_gap`` after the previous one; the message names the
  addresses they came from;
* ``admission_webhook_failures``: the same for admission webhooks;
* ``access_failures_from_address``: at least ``address_min_failures`` failures from one remote
  address within bursts (``address_gap``) spanning two streams or more (a burst on a single
  stream is already reported by the stream's finding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Severity, Subject
from ome_events.analyze.incidents import Incident, IncidentSpec, Verdict
from ome_events.model import Event
from ome_events.summary import access_failure

__all__ = ["AccessAnalyzer", "AccessConfig"]

_GROUPS = {
    "VerifyingSignedPolicyFailed": "signed_policy_failures",
    "VerifyingAdmissionWebhooksFailed": "admission_webhook_failures",
}
# The group and the plain type name (a str, as ``event.type.value``), by event type.
_GROUPS_AND_TYPES = {name: (group, name) for name, group in _GROUPS.items()}
_WHAT = {
    "signed_policy_failures": "signed-policy failure",
    "admission_webhook_failures": "admission-webhook rejection",
}


@dataclass(frozen=True, slots=True)
class AccessConfig:
    """Thresholds of the access-control checks.

    Attributes:
        stream_gap: failures on one stream less than this apart are one burst. Default 10 min.
        stream_min_failures: how many make a burst worth reporting. Default 3.
        address_gap: failures from one address less than this apart are one burst. Default
            60 s.
        address_min_failures: how many (across two streams or more) make it worth reporting.
            Default 10.
    """

    stream_gap: timedelta = field(default=timedelta(minutes=10))
    stream_min_failures: int = 3
    address_gap: timedelta = field(default=timedelta(seconds=60))
    address_min_failures: int = 10


def _explain_stream(incident: Incident) -> str:
    what = _WHAT.get(incident.spec.group, "access failure")
    remotes = fmt.top_counts(incident.fact("remotes"))
    messages = fmt.top_counts(incident.fact("messages"))
    text = f"{fmt.plural(incident.count, what)} in {fmt.duration(incident.duration)}"
    if remotes:
        text += f" from {remotes}"
    if messages:
        text += f": {messages}"
    return text


_HINTS = {
    "signed_policy_failures": (
        "clients use expired or badly signed URLs: check the signing service (its clock, the"
        " policy's url_expire) and the player's URL; one address retrying fast may be a broken"
        " player or an attack"
    ),
    "admission_webhook_failures": (
        "the control server rejected the clients or did not answer: check its log and that OME"
        " can reach it; 'invalid token' means the client's token is wrong"
    ),
}


def _explain_address(incident: Incident) -> str:
    streams = incident.fact("streams") or []
    return (
        f"failed access control {incident.count} times in {fmt.duration(incident.duration)}"
        f" on {fmt.plural(len(streams), 'stream')} ({fmt.listing(streams)})"
    )


ADDRESS_HINT = (
    "one address trying many streams: a misconfigured client or a scan; block it if it goes on"
)


class AccessAnalyzer(BaseAnalyzer[AccessConfig]):
    """Bursts of access-control failures (see :class:`AccessConfig`)."""

    name = "access"
    config_class = AccessConfig

    def setup(self) -> None:
        """The detector's own state."""
        self._address_spec = self.specs["access_failures_from_address"]

    def make_specs(self, config: AccessConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        specs = {
            group: IncidentSpec.of(
                group,
                Severity.WARNING,
                _explain_stream,
                _HINTS[group],
                gap=config.stream_gap,
                min_count=config.stream_min_failures,
                counted="remotes messages",
            )
            for group in _GROUPS.values()
        }
        specs["access_failures_from_address"] = IncidentSpec.of(
            "access_failures_from_address",
            Severity.WARNING,
            _explain_address,
            ADDRESS_HINT,
            gap=config.address_gap,
            classify=self._classify_address,
            counted="types",
            distinct="streams",
        )
        return specs

    def _classify_address(self, incident: Incident) -> Verdict | None:
        streams = incident.fact("streams") or []
        if incident.count < self.config.address_min_failures or len(streams) < 2:
            return None
        return Verdict(
            "access_failures_from_address",
            Severity.WARNING,
            _explain_address(incident),
            ADDRESS_HINT,
        )

    def handlers(self) -> dict[str, Handler]:
        """The two access-control failure types."""
        return dict.fromkeys(_GROUPS, self.on_failure)

    def on_failure(self, event: Event) -> None:
        """One failure: add it to its stream's burst and its address' burst."""
        group, type_name = _GROUPS_AND_TYPES[event.type]
        remote, message = access_failure(event.summary)
        snapshot = event.snapshot_data
        if type(snapshot) is dict and type(snapshot.get("reason")) is str:
            message = f"{message or 'rejected'} ({snapshot['reason']})"
        source = event.source
        time = event.time
        book = self.book
        book.add(
            self.specs[group], source.raw, source, time, event=event,
            facts={"remotes": remote, "messages": message},
        )  # fmt: skip
        if remote is not None:
            book.add(
                self._address_spec,
                remote,
                lambda: Subject.remote(remote),
                time,
                event=event,
                facts={"streams": source.raw, "types": type_name},
            )
