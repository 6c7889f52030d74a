"""The editor's preview (`make serve`): MkDocs' live-reload server, kept running whatever the
content's problems, with those problems shown at the top of every page."""
