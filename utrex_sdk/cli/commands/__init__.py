"""The commands, one module per command group; `..app` registers each with `register(app)`.

A command module uses the shared helpers beside this package (`..console`, `..errors`,
`..options`) and never `..app`; it imports the SDK's heavy parts inside the command's body.
"""
