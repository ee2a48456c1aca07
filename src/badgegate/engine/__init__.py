"""badge-engine, reference edition: a real OB 3.0 Host with the migration's extension API.

Sub-packages, each depending only on those listed before it:

* ``wire``: the HTTP edges, reading requests strictly (``inbound``) and Imsx error answers
  (``imsx``);
* ``faults``: the fault catalogue and the middlewares of the request-wide faults, for the
  harness's self-tests (``variants``, beside it, is the catalogue of legitimate OB 3.0
  behaviour the engine can be switched to);
* ``model``: what may be stored, records (``records``) validated first (``validation``);
* ``auth``: configured clients and tokens (``clients``), bearer tokens (``authority``) and the
  authorization code grant (``authorization``);
* ``storage``: SQLAlchemy storage behind one ``store.Store``;
* ``routes``: the routers (``ob3_routes``, ``ext_routes``, ``oauth_routes``, ``state_routes``)
  and their helpers, ``provider_states`` among them.

At the top: ``context`` (settings and per-process state, used by the routes), ``app`` (the ASGI
application), ``launcher`` (runs it under uvicorn), ``server.EngineServer`` (starts it as a
process) and ``command`` (``badgegate engine serve|faults|variants``, also
``python -m badgegate.engine``).

OAuth 2.0 as OB 3.0 describes it: dynamic registration (by the rules of
:mod:`badgegate.rfc7591`), the authorization code grant with PKCE and the client_credentials
grant. The reference engine has no users, so the authorization endpoint's consent is automatic:
a valid request is granted at once.
"""
