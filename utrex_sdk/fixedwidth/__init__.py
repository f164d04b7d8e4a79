"""The fixed-width layer: the 2012-13 layouts read and written byte-exact.

`codec` is the one entry point (`parse`, `serialize` and their batch forms); its compiled fast
path (`compiled`) is a private detail of it. `reader` streams a file into records and findings,
`writer` writes records in the submission's order, atomically; `ascii` folds text to the
ASCII the layouts allow.
"""
