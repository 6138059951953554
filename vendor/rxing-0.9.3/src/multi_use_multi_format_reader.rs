/*
 * Copyright 2007 ZXing authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

use std::collections::HashSet;

use crate::DecodeHints;
use crate::common::Result;
#[cfg(feature = "qrcode")]
use crate::qrcode::cpp_port::QrReader;
use crate::{BarcodeFormat, Binarizer, BinaryBitmap, Exceptions, RXingResult, Reader};

#[cfg(feature = "aztec")]
use crate::aztec::AztecReader;

#[cfg(feature = "datamatrix")]
use crate::datamatrix::DataMatrixReader;

#[cfg(feature = "maxicode")]
use crate::maxicode::MaxiCodeReader;

#[cfg(feature = "oned")]
use crate::oned::MultiFormatOneDReader;

#[cfg(feature = "pdf417")]
use crate::pdf417::PDF417Reader;
#[cfg(feature = "qrcode")]
use crate::qrcode::QRCodeReader;

pub(crate) const ONE_D_FORMATS: [BarcodeFormat; 12] = [
    BarcodeFormat::UPC_A,
    BarcodeFormat::UPC_E,
    BarcodeFormat::EAN_13,
    BarcodeFormat::EAN_8,
    BarcodeFormat::CODABAR,
    BarcodeFormat::CODE_39,
    BarcodeFormat::CODE_93,
    BarcodeFormat::CODE_128,
    BarcodeFormat::ITF,
    BarcodeFormat::RSS_14,
    BarcodeFormat::RSS_EXPANDED,
    BarcodeFormat::TELEPEN,
];

/**
 * MultiFormatReader is a convenience class and the main entry point into the library for most uses.
 * By default it attempts to decode all barcode formats that the library supports. Optionally, you
 * can provide a hints object to request different behavior, for example only decoding QR codes.
 *
 * @author Sean Owen
 * @author dswitkin@google.com (Daniel Switkin)
 */
#[derive(Default)]
pub struct MultiUseMultiFormatReader {
    hints: DecodeHints,
    possible_formats: HashSet<BarcodeFormat>,
    try_harder: bool,
    #[cfg(feature = "oned")]
    one_d_reader: MultiFormatOneDReader,
    #[cfg(feature = "qrcode")]
    qr_code_reader: QRCodeReader,
    #[cfg(feature = "datamatrix")]
    data_matrix_reader: DataMatrixReader,
    #[cfg(feature = "aztec")]
    aztec_reader: AztecReader,
    #[cfg(feature = "pdf417")]
    pdf417_reader: PDF417Reader,
    #[cfg(feature = "maxicode")]
    maxicode_reader: MaxiCodeReader,
    #[cfg(feature = "qrcode")]
    cpp_qrcode_reader: QrReader,
}

impl Reader for MultiUseMultiFormatReader {
    /**
     * This version of decode honors the intent of Reader.decode(BinaryBitmap) in that it
     * passes null as a hint to the decoders. However, that makes it inefficient to call repeatedly.
     * Use setHints() followed by decodeWithState() for continuous scan applications.
     *
     * @param image The pixel data to decode
     * @return The contents of the image
     * @throws NotFoundException Any errors which occurred
     */
    fn decode<B: Binarizer>(&mut self, image: &mut BinaryBitmap<B>) -> Result<RXingResult> {
        self.set_hints(&DecodeHints::default());
        self.decode_internal(image)
    }

    /**
     * Decode an image using the hints provided. Does not honor existing state.
     *
     * @param image The pixel data to decode
     * @param hints The hints to use, clearing the previous state.
     * @return The contents of the image
     * @throws NotFoundException Any errors which occurred
     */
    fn decode_with_hints<B: Binarizer>(
        &mut self,
        image: &mut BinaryBitmap<B>,
        hints: &DecodeHints,
    ) -> Result<RXingResult> {
        self.set_hints(hints);
        self.decode_internal(image)
    }

    fn reset(&mut self) {
        #[cfg(feature = "oned")]
        self.one_d_reader.reset();
        #[cfg(feature = "qrcode")]
        self.qr_code_reader.reset();
        #[cfg(feature = "datamatrix")]
        self.data_matrix_reader.reset();
        #[cfg(feature = "aztec")]
        self.aztec_reader.reset();
        #[cfg(feature = "pdf417")]
        self.pdf417_reader.reset();
        #[cfg(feature = "maxicode")]
        self.maxicode_reader.reset();
        #[cfg(feature = "qrcode")]
        self.cpp_qrcode_reader.reset();
    }
}

impl MultiUseMultiFormatReader {
    /**
     * Decode an image using the state set up by calling setHints() previously. Continuous scan
     * clients will get a <b>large</b> speed increase by using this instead of decode().
     *
     * @param image The pixel data to decode
     * @return The contents of the image
     * @throws NotFoundException Any errors which occurred
     */
    pub fn decode_with_state<B: Binarizer>(
        &mut self,
        image: &mut BinaryBitmap<B>,
    ) -> Result<RXingResult> {
        // Make sure to set up the default state so we don't crash
        if self.possible_formats.is_empty() {
            self.set_hints(&DecodeHints::default());
        }
        self.decode_internal(image)
    }

    /**
     * This method adds state to the MultiFormatReader. By setting the hints once, subsequent calls
     * to decodeWithState(image) can reuse the same set of readers without reallocating memory. This
     * is important for performance in continuous scan clients.
     *
     * @param hints The set of hints to use for subsequent calls to decode(image)
     */
    pub fn set_hints(&mut self, hints: &DecodeHints) {
        self.hints.clone_from(hints);

        self.try_harder = matches!(self.hints.TryHarder, Some(true));
        self.possible_formats = if let Some(formats) = &hints.PossibleFormats {
            formats.clone()
        } else {
            HashSet::new()
        };

        #[cfg(feature = "oned")]
        {
            self.one_d_reader = MultiFormatOneDReader::new(hints);
        }
    }

    pub fn decode_internal<B: Binarizer>(
        &mut self,
        image: &mut BinaryBitmap<B>,
    ) -> Result<RXingResult> {
        let res = self.decode_formats(image);
        if res.is_ok() {
            return res;
        }
        if matches!(self.hints.AlsoInverted, Some(true)) {
            // Try again with the inverted image; restore afterwards so the
            // caller's bitmap is unchanged whatever the outcome.
            image.invert();
            let res = self.decode_formats(image);
            image.invert();
            if let Ok(mut r) = res {
                r.putMetadata(
                    crate::RXingResultMetadataType::IS_INVERTED,
                    crate::RXingResultMetadataValue::IsInverted(true),
                );
                return Ok(r);
            }
        }
        Err(Exceptions::NOT_FOUND)
    }

    fn decode_formats<B: Binarizer>(&mut self, image: &mut BinaryBitmap<B>) -> Result<RXingResult> {
        if !self.possible_formats.is_empty() {
            let one_d = ONE_D_FORMATS
                .iter()
                .any(|e| self.possible_formats.contains(e));
            // let one_d = self.possible_formats.contains(&BarcodeFormat::UPC_A)
            //     || self.possible_formats.contains(&BarcodeFormat::UPC_E)
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains()
            //     || self.possible_formats.contains();
            #[cfg(feature = "oned")]
            if one_d && !self.try_harder {
                if let Ok(res) = self.one_d_reader.decode_with_hints(image, &self.hints) {
                    return Ok(res);
                }
            }
            for possible_format in self.possible_formats.iter() {
                let res = match possible_format {
                    #[cfg(feature = "qrcode")]
                    BarcodeFormat::QR_CODE => {
                        let a = self.cpp_qrcode_reader.decode_with_hints(image, &self.hints);
                        if a.is_ok() {
                            a
                        } else {
                            self.qr_code_reader.decode_with_hints(image, &self.hints)
                        }
                    }
                    #[cfg(feature = "qrcode")]
                    BarcodeFormat::MICRO_QR_CODE => {
                        self.cpp_qrcode_reader.decode_with_hints(image, &self.hints)
                    }
                    #[cfg(feature = "datamatrix")]
                    BarcodeFormat::DATA_MATRIX => self
                        .data_matrix_reader
                        .decode_with_hints(image, &self.hints),
                    #[cfg(feature = "aztec")]
                    BarcodeFormat::AZTEC => self.aztec_reader.decode_with_hints(image, &self.hints),
                    #[cfg(feature = "pdf417")]
                    BarcodeFormat::PDF_417 => {
                        self.pdf417_reader.decode_with_hints(image, &self.hints)
                    }
                    #[cfg(feature = "maxicode")]
                    BarcodeFormat::MAXICODE => {
                        self.maxicode_reader.decode_with_hints(image, &self.hints)
                    }
                    _ => Err(Exceptions::UNSUPPORTED_OPERATION),
                };
                if res.is_ok() {
                    return res;
                }
            }
            #[cfg(feature = "oned")]
            if one_d && self.try_harder {
                if let Ok(res) = self.one_d_reader.decode_with_hints(image, &self.hints) {
                    return Ok(res);
                }
            }
        } else {
            if !self.try_harder {
                #[cfg(feature = "oned")]
                if let Ok(res) = self.one_d_reader.decode_with_hints(image, &self.hints) {
                    return Ok(res);
                }
            }
            #[cfg(feature = "qrcode")]
            if let Ok(res) = self.cpp_qrcode_reader.decode_with_hints(image, &self.hints) {
                return Ok(res);
            }
            #[cfg(feature = "qrcode")]
            if let Ok(res) = self.qr_code_reader.decode_with_hints(image, &self.hints) {
                return Ok(res);
            }
            #[cfg(feature = "datamatrix")]
            if let Ok(res) = self
                .data_matrix_reader
                .decode_with_hints(image, &self.hints)
            {
                return Ok(res);
            }
            #[cfg(feature = "aztec")]
            if let Ok(res) = self.aztec_reader.decode_with_hints(image, &self.hints) {
                return Ok(res);
            }
            #[cfg(feature = "pdf417")]
            if let Ok(res) = self.pdf417_reader.decode_with_hints(image, &self.hints) {
                return Ok(res);
            }
            #[cfg(feature = "maxicode")]
            if let Ok(res) = self.maxicode_reader.decode_with_hints(image, &self.hints) {
                return Ok(res);
            }

            if self.try_harder {
                #[cfg(feature = "oned")]
                if let Ok(res) = self.one_d_reader.decode_with_hints(image, &self.hints) {
                    return Ok(res);
                }
            }
        }

        Err(Exceptions::UNSUPPORTED_OPERATION)
    }
}
