"""badge-engine, reference edition: a real OB 3.0 Host with the migration's extension API.

Layers: ``inbound`` / ``paging`` / ``imsx`` (HTTP edges) → ``records`` / ``validation``
(what may be stored) → ``storage`` / ``schema`` (SQLAlchemy) ; routes in ``ob3_routes``,
``ext_routes``, ``oauth_routes`` and ``state_routes``; ``faults`` and ``provider_states`` for
the harness's self-tests; ``launcher`` runs it and ``server.EngineServer`` starts it as a process.

OAuth 2.0 as OB 3.0 describes it: dynamic registration, the authorization code grant with PKCE
(``authorization``) and the client_credentials grant. The reference engine has no users, so
the authorization endpoint's consent is automatic: a valid request is granted at once.
"""
