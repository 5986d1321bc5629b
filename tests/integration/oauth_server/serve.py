"""Entry point: ``python serve.py PORT`` — migrate a fresh sqlite database, create the
users and applications of ``ITEST_OAUTH_CONFIG``, then serve on 127.0.0.1:PORT."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def main(port: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oauth_server.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _seed(json.loads(Path(os.environ["ITEST_OAUTH_CONFIG"]).read_text()))
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)


def _seed(config: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import get_application_model

    users = get_user_model()
    for user in config["users"]:
        users.objects.create_user(username=user["username"], password=user["password"])
    applications = get_application_model()
    for app in config["applications"]:
        applications.objects.create(
            name=app["name"],
            client_id=app["client_id"],
            client_secret=app.get("client_secret", ""),
            client_type=app["client_type"],
            authorization_grant_type=app["grant_type"],
            redirect_uris=" ".join(app.get("redirect_uris", [])),
            algorithm=app.get("algorithm", ""),
            skip_authorization=False,
        )


if __name__ == "__main__":
    main(int(sys.argv[1]))
