mod compaction;
pub use compaction::*;

mod barcode_row;
pub use barcode_row::*;

mod barcode_matrix;
pub use barcode_matrix::*;

mod dimensions;
pub use dimensions::*;

pub mod pdf_417_error_correction;
pub mod pdf_417_high_level_encoder;

mod pdf_417;
pub use pdf_417::*;

#[cfg(test)]
pub mod pdf_417_high_level_encoder_test_adapter;
