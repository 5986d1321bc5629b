"""AWS Signature Version 4: ``AWS4Auth`` (``auth``) and what it is built from.

- ``auth``: the class; its arguments (checked in ``params``), the signer it binds,
  the header signing and the auth flows.
- ``clock``: the clock skew correction learnt from AWS's refusals.
- ``payload``: signing with a checksum or aws-chunked streaming, built from
  ``checksum`` (S3 checksums) and ``streaming`` (aws-chunked bodies).
- ``presign``: presigned URLs and POST forms (the form itself: ``post``); ``url``
  checks and splits the URLs.
- ``credentials``: the credential sources of the AWS CLI and SDKs, imported when first used.
"""

from __future__ import annotations

from httpx_auth._aws.auth import AWS4Auth

__all__ = ["AWS4Auth"]
