"""AWS Signature Version 4: ``AWS4Auth`` (``auth``) and what it is built from.

- ``auth``: the class; arguments (``params``), the signer it binds, the auth flows.
- ``clock``: the clock skew correction learnt from AWS's refusals.
- ``url``: URLs to presign, split without parsing when they need none.
- ``checksum``, ``streaming``: S3 checksums and aws-chunked uploads.
- ``post``: presigned POST forms (S3 browser uploads).
- ``credentials``: the credential sources of the AWS CLI and SDKs, imported when first used.
"""

from __future__ import annotations

from httpx_auth._aws.auth import AWS4Auth

__all__ = ["AWS4Auth"]
