"""The command line, a thin frontend over the engine: one module per command, imported only when that
command runs (``main.COMMANDS``)."""
