"""Cluster TLS: X.509 generation and signing, cert managers, per-cluster certificate sets.

* :mod:`.x509`: pure ``cryptography`` functions (CA, client/server certs, CSR signing rules).
* :mod:`.managers`: where pairs are stored (``[certificates] cert_manager_type``).
* :mod:`.cluster_certs`: what the conductor calls at create, sign, rotate and delete.
* :mod:`.kubeconfig`: client configuration built from the issued material.
* :mod:`.exceptions`: errors with HTTP ``code`` for the API.
"""
