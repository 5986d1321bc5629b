"""The browser grants' machinery: the grant base (``grant``), the pages (``display``),
reading the reply (``reply``), the redirect server (``redirect_server``) and opening
the browser (``opener``).

``redirect_server`` and ``opener`` (``http.server``, ``webbrowser``) are imported at
the first authorization only; this package imports nothing.
"""
