"""The engine's HTTP edges: reading what a request carries, and Imsx error answers.

:mod:`.inbound` reads bodies, media types, ``Accept``, JSON and query strings strictly;
:mod:`.imsx` is the :class:`~.imsx.ApiError` every layer raises and its ``Imsx_StatusInfo``
body. Nothing here knows records, storage or routes.
"""
