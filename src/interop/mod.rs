//! Open-standard renderings of scan events: GS1 EPCIS 2.0 and HL7 FHIR R4.
