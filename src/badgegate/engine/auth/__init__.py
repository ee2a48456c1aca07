"""Who may call the engine, and with which scopes.

:mod:`.clients` describes the configured OAuth clients and static tokens (and reads the
clients file); :mod:`.authority` issues bearer tokens and checks them on every request;
:mod:`.authorization` is the authorization code grant with PKCE. What client metadata a
registration may carry is :mod:`badgegate.rfc7591`.
"""
