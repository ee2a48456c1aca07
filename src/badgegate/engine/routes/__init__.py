"""The engine's HTTP API: the FastAPI routers and what only they use.

Routers: :mod:`.ob3_routes` (OB 3.0: credentials, profile, discovery), :mod:`.ext_routes`
(the extension API), :mod:`.oauth_routes` (authorization, token, registration) and
:mod:`.state_routes` (provider states, test endpoints only). Beside them: :mod:`.discovery`
(the Service Description Document), :mod:`.paging` and :mod:`.listing` (paged reads),
:mod:`.upserts` (writes and batches) and :mod:`.provider_states` (the named states).
"""
