"""Local services for development and tests: a project-local PostgreSQL cluster and Redis server.

Nothing here depends on Docker (this kind of machine has the client but no engine). When a
binary is missing and we are root, the Debian package is installed; otherwise the error says
which package to install.
"""
