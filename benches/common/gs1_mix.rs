//! The ward mix shared by the `gs1_parse` bench and the `gs1_parse_count` example (which counts
//! instructions under callgrind), so that both measure the same thing.

/// What a ward's scanners send, roughly in proportion: products (GS1 DataMatrix with GTIN,
/// expiry, lot, serial), logistic labels (GS1-128), wristbands and badges (GSRN), location
/// labels (GLN), and Digital Link QR codes.
pub const MIX: &[&[u8]] = &[
    b"]d201095060001343521726123110ABC123\x1d21S12345",
    b"]d20105012345678900172703311021A034\x1d2100000000123456",
    b"]d201095060001343521128010117280131102402\x1d21XYZ0001",
    b"]d2010950600013435217270300104711",
    b"]C100006141411234567890",
    b"]C102095060001343523725\x1d10ABC123",
    b"]C1000061414112345678900209506000134352\x1d3725",
    b"]d28018123456789012345675\x1d801942",
    b"]d28017123456789012345675",
    b"]C14149520123456788",
    b"]Q1https://id.gs1.org/01/09506000134352/10/ABC123?17=261231",
    b"https://example.com/01/09520123456788/10/ABC1/21/12345?17=180426",
    b"]E05012345678900",
    b"(01)09506000134352(17)261231(10)ABC123(21)S1",
];
