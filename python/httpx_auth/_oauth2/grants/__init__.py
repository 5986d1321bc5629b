"""The OAuth2 grants: each turns its configuration into tokens through ``GrantAuth``'s hooks."""
