//! Stage 4: the durable outbox.
