//! The integration test binary. One module per area; keep the list short.

mod camera; // image decoding of zint-made fixtures with both backends, `decode`
mod daemon; // `run`, configuration, signals
mod gs1; // the GS1 engine against the dictionary, linter vectors and the `parse` command
mod interop; // EPCIS and FHIR outputs, HIBC, `convert`, docs/asyncapi.yaml
mod mqtt; // publishing to an in-process rumqttd and to Mosquitto
mod outbox; // durability of the outbox across crashes
mod sources; // scanner sources over real pseudo-terminals, keyboard and HID POS fixtures, `listen`
mod util; // shared helpers: fixtures, brokers, pseudo-terminals, spawning the binary // EPCIS and FHIR outputs, `convert`
