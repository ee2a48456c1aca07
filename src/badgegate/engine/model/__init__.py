"""What may be stored: records of the three kinds, and the rules an upload passes first.

:mod:`.validation` runs every upload through the OB 3.0 validator; :mod:`.records` turns a
valid body into a :class:`~.records.StoredRecord` with its storage key; :mod:`.datetimes`
gives the sortable keys of RFC 3339 date-times that records and ``since`` are compared by.
"""
