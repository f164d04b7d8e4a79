"""``python -m utrex_sdk`` runs the ``utrex`` command line."""

from .cli import main

main()
