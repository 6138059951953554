//! Logging setup and typed internal events.
