pub mod abstract_expanded_decoder;

pub use abstract_expanded_decoder::AbstractExpandedDecoder;
mod ai_01_and_other_ais;
pub use ai_01_and_other_ais::*;
mod ai_01_decoder;
pub use ai_01_decoder::*;
mod general_app_id_decoder;
pub use general_app_id_decoder::*;
mod current_parsing_state;
pub use current_parsing_state::*;
mod decoded_object;
pub use decoded_object::*;
mod decoded_char;
pub use decoded_char::*;

mod decoded_information;
pub use decoded_information::*;

mod decoded_numeric;
pub use decoded_numeric::*;

mod block_parsed_result;
pub use block_parsed_result::*;

pub mod field_parser;

mod ai_01_weight_decoder;
pub use ai_01_weight_decoder::*;

mod ai_013x0x1x_decoder;
pub use ai_013x0x1x_decoder::*;

mod abstract_decoder_test_utils;

mod ai_013x0x_decoder;
pub use ai_013x0x_decoder::*;

mod ai_01320x_decoder;
pub use ai_01320x_decoder::*;

mod any_ai_decoder;
pub use any_ai_decoder::*;

mod ai_01392x_decoder;
pub use ai_01392x_decoder::*;

mod ai_01393x_decoder;
pub use ai_01393x_decoder::*;

mod ai_013103_decoder;
pub use ai_013103_decoder::*;

#[cfg(test)]
mod ai_0132023203_decoder_test;
