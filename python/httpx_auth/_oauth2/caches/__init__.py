"""The token caches: ``memory`` (the interface every cache offers), ``file`` (JSON on disk)
and ``redis`` (shared through Redis; ``redis_protocol`` is what it says to Redis)."""
