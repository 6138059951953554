//! Stage 5: MQTT publishing.
