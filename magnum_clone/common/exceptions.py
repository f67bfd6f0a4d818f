"""Service errors. Each class maps to exactly one HTTP status (``code``).

The message is a %-template filled from keyword arguments, so callers write
``exceptions.ClusterNotFound(cluster="c1")``. The API's error middleware turns any of these into
Magnum's error body; the RPC layer carries them back to the API for synchronous calls.
"""

from __future__ import annotations

from typing import Any


class MagnumCloneError(Exception):
    code = 500
    message = "An unknown exception occurred."
    # WSME reads ``faultcode``: "Client"/"Server" for application errors
    faultcode = "Server"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.message % kwargs
            except (KeyError, TypeError):
                message = self.message
        self.msg = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.msg

    @property
    def faultstring(self) -> str:
        return self.msg


class ClientError(MagnumCloneError):
    faultcode = "Client"


class Invalid(ClientError):
    code = 400
    message = "Unacceptable parameters."


class InvalidParameterValue(Invalid):
    message = "%(err)s"


class InvalidState(Invalid):
    message = "Updating a cluster when status is \"%(status)s\" is not supported."


class ClusterTemplateReferenced(Invalid):
    message = "ClusterTemplate %(clustertemplate)s is referenced by one or multiple clusters."


class ClusterTypeNotSupported(Invalid):
    message = "Cluster type (%(server_type)s, %(os)s, %(coe)s) not supported."


class ClusterDriverNotSupported(Invalid):
    message = "Cluster driver (%(driver_name)s) not supported."


class ImageNotFound(Invalid):
    message = "Image %(image_id)s could not be found."


class OSDistroFieldNotFound(Invalid):
    message = "Image %(image_id)s doesn't contain os_distro field."


class FlavorNotFound(Invalid):
    message = "Unable to find flavor %(flavor)s."


class ExternalNetworkNotFound(Invalid):
    message = "Unable to find external network %(network)s."


class FixedNetworkNotFound(Invalid):
    message = "Unable to find fixed network %(network)s."


class FixedSubnetNotFound(Invalid):
    message = "Unable to find fixed subnet %(subnet)s."


class PatchError(Invalid):
    message = "Couldn't apply patch '%(patch)s'. Reason: %(reason)s"


class NotAuthorized(ClientError):
    code = 403
    message = "Not authorized."


class PolicyNotAuthorized(NotAuthorized):
    message = "Policy doesn't allow %(action)s to be performed."


class ClusterTemplatePublishDenied(NotAuthorized):
    message = "Not authorized to set public or hidden flag for cluster template."


class ImageNotAuthorized(NotAuthorized):
    message = "Not authorized for image %(image_id)s."


class ResourceLimitExceeded(NotAuthorized):
    message = "Resource limit exceeded: %(msg)s"


class ClusterQuotaExceeded(ResourceLimitExceeded):
    message = ("Resource limit exceeded: You have reached the maximum clusters per project, "
               "%(limit)s. You may delete a cluster to make room for a new one.")


class NotFound(ClientError):
    code = 404
    message = "Resource could not be found."


class ClusterNotFound(NotFound):
    message = "Cluster %(cluster)s could not be found."


class ClusterTemplateNotFound(NotFound):
    message = "ClusterTemplate %(clustertemplate)s could not be found."


class NodeGroupNotFound(NotFound):
    message = "Nodegroup %(nodegroup)s could not be found."


class KeyPairNotFound(NotFound):
    message = "Unable to find keypair %(keypair)s."


class QuotaNotFound(NotFound):
    message = "Quota could not be found: %(msg)s"


class FederationNotFound(NotFound):
    message = "Federation %(federation)s could not be found."


class FederationMemberNotFound(NotFound):
    message = "Member %(member)s could not be found in federation %(federation)s."


class Conflict(ClientError):
    code = 409
    message = "Conflict."


class Duplicate(Conflict):
    message = "%(msg)s"


class ClusterTemplateAlreadyExists(Conflict):
    message = "A ClusterTemplate with UUID %(uuid)s already exists."


class MemberAlreadyExists(Conflict):
    message = "A cluster with UUID %(uuid)s is already a member of the federation %(federation)s."


class ClusterOperationConflict(Conflict):
    """Our improvement: refused state changes are answered synchronously with 409."""

    message = "%(msg)s"


class NotAcceptable(ClientError):
    """A route that does not exist at the requested microversion (routing-style body)."""

    code = 406
    faultcode = "Routing"
    message = "%(msg)s"


class DriverError(MagnumCloneError):
    """A failure of the backend (Heat) seen by the conductor; never an API answer."""

    message = "%(msg)s"


class StackNotFound(DriverError):
    message = "Stack with id %(stack_id)s not found in Heat."
