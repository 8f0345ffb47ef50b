"""Cross-cutting pieces: permissions, audit log, security headers, i18n, errors, CLI."""
