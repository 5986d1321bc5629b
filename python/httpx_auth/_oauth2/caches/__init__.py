"""The token caches: ``memory`` (the interface every cache offers) and ``file`` (JSON on disk)."""
