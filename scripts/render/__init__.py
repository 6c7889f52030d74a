"""What the hook adds to the built site: folder sections in the nav, security headers."""
