//! The GS1 Barcode Syntax Dictionary's reference linters ("syntax tests"), one per dictionary
//! linter name, checked against the dictionary's own linter test vectors
//! (`tests/data/gs1-linter-vectors.json`).
//!
//! Each linter checks ONE component value (not a whole element string) and reports the first
//! problem with the same error code and the same offending span as GS1's reference C
//! implementation (github.com/gs1/gs1-syntax-dictionary, `src/lint_*.c`). The linters are pure,
//! allocation-free and never panic on any input.
//!
//! CONTRACT: `lint(Linter, component) -> Result<(), LintError>`; `Linter::from_name`.

mod check_digits;
mod codes;
mod coupon;
mod cset;
mod datetime;
mod misc;

pub use check_digits::expected_check_digit;
pub(crate) use cset::{CSET39, CSET82};

/// A linter named in a component of the Syntax Dictionary (`N14,csum,gcppos2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Linter {
    /// `couponcode`: North American coupon code (AI 8110) structure.
    Couponcode,
    /// `couponposoffer`: Positive offer file coupon (AI 8112) structure.
    Couponposoffer,
    /// `cset39`: GS1 AI encodable character set 39.
    Cset39,
    /// `cset64`: base64url (character set 64) with optional `=` padding.
    Cset64,
    /// `cset82`: GS1 AI encodable character set 82.
    Cset82,
    /// `csetnumeric`: Digits only.
    Csetnumeric,
    /// `csum`: GS1 mod-10 check digit.
    Csum,
    /// `csumalpha`: GS1 alphanumeric check character pair (GMN, MUDI).
    Csumalpha,
    /// `gcppos1`: GS1 Company Prefix at position 1 (syntax only: no GCP lookup source).
    Gcppos1,
    /// `gcppos2`: GS1 Company Prefix at position 2 (syntax only: no GCP lookup source).
    Gcppos2,
    /// `hasnondigit`: At least one non-digit character.
    Hasnondigit,
    /// `hh`: Hour HH (00-23).
    Hh,
    /// `hhmi`: Hour and minute HHMI.
    Hhmi,
    /// `hyphen`: Only hyphens.
    Hyphen,
    /// `iban`: International Bank Account Number (ISO 13616).
    Iban,
    /// `importeridx`: Importer index: one character of `-`, digits, `A-Z`, `_`, `a-z`.
    Importeridx,
    /// `iso3166`: ISO 3166-1 numeric country code.
    Iso3166,
    /// `iso3166999`: ISO 3166-1 numeric country code or "999".
    Iso3166999,
    /// `iso3166alpha2`: ISO 3166-1 alpha-2 country code.
    Iso3166alpha2,
    /// `iso4217`: ISO 4217 numeric currency code.
    Iso4217,
    /// `iso5218`: ISO/IEC 5218 biological sex code (0, 1, 2, 9).
    Iso5218,
    /// `latitude`: Latitude, 10 digits, 0000000000-1800000000.
    Latitude,
    /// `longitude`: Longitude, 10 digits, 0000000000-3600000000.
    Longitude,
    /// `mediatype`: AIDC media type (AI 7241).
    Mediatype,
    /// `mi`: Minute MI (00-59).
    Mi,
    /// `nonzero`: Digits, not all zero.
    Nonzero,
    /// `nozeroprefix`: Digits without a leading zero.
    Nozeroprefix,
    /// `packagetype`: UN/ECE Recommendation 21 package type code.
    Packagetype,
    /// `pcenc`: Valid `%hh` percent-encoding sequences.
    Pcenc,
    /// `pieceoftotal`: Piece number and total of equal length, piece <= total, neither zero.
    Pieceoftotal,
    /// `posinseqslash`: Position in sequence `<pos>/<end>`.
    Posinseqslash,
    /// `ss`: Second SS (00-59).
    Ss,
    /// `winding`: Winding direction 0, 1 or 9.
    Winding,
    /// `yesno`: "0" or "1".
    Yesno,
    /// `yymmd0`: Date YYMMDD; day "00" allowed (last day of the month).
    Yymmd0,
    /// `yymmdd`: Date YYMMDD.
    Yymmdd,
    /// `yyyymmd0`: Date YYYYMMDD; day "00" allowed.
    Yyyymmd0,
    /// `yyyymmdd`: Date YYYYMMDD.
    Yyyymmdd,
    /// `zero`: Only zeros.
    Zero,
}

impl Linter {
    /// Every linter, in dictionary-name order.
    pub const ALL: &'static [Linter] = &[
        Linter::Couponcode,
        Linter::Couponposoffer,
        Linter::Cset39,
        Linter::Cset64,
        Linter::Cset82,
        Linter::Csetnumeric,
        Linter::Csum,
        Linter::Csumalpha,
        Linter::Gcppos1,
        Linter::Gcppos2,
        Linter::Hasnondigit,
        Linter::Hh,
        Linter::Hhmi,
        Linter::Hyphen,
        Linter::Iban,
        Linter::Importeridx,
        Linter::Iso3166,
        Linter::Iso3166999,
        Linter::Iso3166alpha2,
        Linter::Iso4217,
        Linter::Iso5218,
        Linter::Latitude,
        Linter::Longitude,
        Linter::Mediatype,
        Linter::Mi,
        Linter::Nonzero,
        Linter::Nozeroprefix,
        Linter::Packagetype,
        Linter::Pcenc,
        Linter::Pieceoftotal,
        Linter::Posinseqslash,
        Linter::Ss,
        Linter::Winding,
        Linter::Yesno,
        Linter::Yymmd0,
        Linter::Yymmdd,
        Linter::Yyyymmd0,
        Linter::Yyyymmdd,
        Linter::Zero,
    ];

    /// The linter for a dictionary name, e.g. "csum".
    pub fn from_name(name: &str) -> Option<Linter> {
        match name {
            "couponcode" => Some(Linter::Couponcode),
            "couponposoffer" => Some(Linter::Couponposoffer),
            "cset39" => Some(Linter::Cset39),
            "cset64" => Some(Linter::Cset64),
            "cset82" => Some(Linter::Cset82),
            "csetnumeric" => Some(Linter::Csetnumeric),
            "csum" => Some(Linter::Csum),
            "csumalpha" => Some(Linter::Csumalpha),
            "gcppos1" => Some(Linter::Gcppos1),
            "gcppos2" => Some(Linter::Gcppos2),
            "hasnondigit" => Some(Linter::Hasnondigit),
            "hh" => Some(Linter::Hh),
            "hhmi" => Some(Linter::Hhmi),
            "hyphen" => Some(Linter::Hyphen),
            "iban" => Some(Linter::Iban),
            "importeridx" => Some(Linter::Importeridx),
            "iso3166" => Some(Linter::Iso3166),
            "iso3166999" => Some(Linter::Iso3166999),
            "iso3166alpha2" => Some(Linter::Iso3166alpha2),
            "iso4217" => Some(Linter::Iso4217),
            "iso5218" => Some(Linter::Iso5218),
            "latitude" => Some(Linter::Latitude),
            "longitude" => Some(Linter::Longitude),
            "mediatype" => Some(Linter::Mediatype),
            "mi" => Some(Linter::Mi),
            "nonzero" => Some(Linter::Nonzero),
            "nozeroprefix" => Some(Linter::Nozeroprefix),
            "packagetype" => Some(Linter::Packagetype),
            "pcenc" => Some(Linter::Pcenc),
            "pieceoftotal" => Some(Linter::Pieceoftotal),
            "posinseqslash" => Some(Linter::Posinseqslash),
            "ss" => Some(Linter::Ss),
            "winding" => Some(Linter::Winding),
            "yesno" => Some(Linter::Yesno),
            "yymmd0" => Some(Linter::Yymmd0),
            "yymmdd" => Some(Linter::Yymmdd),
            "yyyymmd0" => Some(Linter::Yyyymmd0),
            "yyyymmdd" => Some(Linter::Yyyymmdd),
            "zero" => Some(Linter::Zero),
            _ => None,
        }
    }

    /// The dictionary name, e.g. "csum".
    pub fn name(self) -> &'static str {
        match self {
            Linter::Couponcode => "couponcode",
            Linter::Couponposoffer => "couponposoffer",
            Linter::Cset39 => "cset39",
            Linter::Cset64 => "cset64",
            Linter::Cset82 => "cset82",
            Linter::Csetnumeric => "csetnumeric",
            Linter::Csum => "csum",
            Linter::Csumalpha => "csumalpha",
            Linter::Gcppos1 => "gcppos1",
            Linter::Gcppos2 => "gcppos2",
            Linter::Hasnondigit => "hasnondigit",
            Linter::Hh => "hh",
            Linter::Hhmi => "hhmi",
            Linter::Hyphen => "hyphen",
            Linter::Iban => "iban",
            Linter::Importeridx => "importeridx",
            Linter::Iso3166 => "iso3166",
            Linter::Iso3166999 => "iso3166999",
            Linter::Iso3166alpha2 => "iso3166alpha2",
            Linter::Iso4217 => "iso4217",
            Linter::Iso5218 => "iso5218",
            Linter::Latitude => "latitude",
            Linter::Longitude => "longitude",
            Linter::Mediatype => "mediatype",
            Linter::Mi => "mi",
            Linter::Nonzero => "nonzero",
            Linter::Nozeroprefix => "nozeroprefix",
            Linter::Packagetype => "packagetype",
            Linter::Pcenc => "pcenc",
            Linter::Pieceoftotal => "pieceoftotal",
            Linter::Posinseqslash => "posinseqslash",
            Linter::Ss => "ss",
            Linter::Winding => "winding",
            Linter::Yesno => "yesno",
            Linter::Yymmd0 => "yymmd0",
            Linter::Yymmdd => "yymmdd",
            Linter::Yyyymmd0 => "yyyymmd0",
            Linter::Yyyymmdd => "yyyymmdd",
            Linter::Zero => "zero",
        }
    }
}

impl std::fmt::Display for Linter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The reference implementation's error codes (`GS1_LINTER_*`, without the unused ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LintErrorCode {
    /// A non-digit character was found where a digit is expected.
    NonDigitCharacter,
    /// A non-CSET 82 character was found where a CSET 82 character is expected.
    InvalidCset82Character,
    /// A non-CSET 39 character was found where a CSET 39 character is expected.
    InvalidCset39Character,
    /// A non-CSET 32 character was found where a CSET 32 character is expected.
    InvalidCset32Character,
    /// The numeric check digit is incorrect.
    IncorrectCheckDigit,
    /// The component is too short to perform a numeric check digit calculation.
    TooShortForCheckDigit,
    /// The alphanumeric check-character pair are incorrect.
    IncorrectCheckPair,
    /// The component is too short to perform an alphanumeric check character pair calculation.
    TooShortForCheckPair,
    /// The component is too long to perform an alphanumeric check character pair calculation.
    TooLongForCheckPairImplementation,
    /// The data source for GCP lookups is offline.
    GcpDatasourceOffline,
    /// The GS1 Company Prefix is invalid.
    InvalidGcpPrefix,
    /// The Importer Index must be a single character.
    ImporterIdxMustBeOneCharacter,
    /// The Importer Index is an invalid character.
    InvalidImportIdxCharacter,
    /// A non-zero value is required.
    IllegalZeroValue,
    /// A zero is required.
    NotZero,
    /// A zero prefix is not permitted.
    IllegalZeroPrefix,
    /// A "0" or "1" is required.
    NotZeroOrOne,
    /// The winding direction must be either "0", "1" or "9".
    InvalidWindingDirection,
    /// A valid ISO 3166 three-digit country code is required.
    NotIso3166,
    /// A valid ISO 3166 three-digit country code or "999" is required.
    NotIso3166Or999,
    /// A valid ISO 3166 two-character country code is required.
    NotIso3166Alpha2,
    /// A valid ISO 4217 three-digit currency code is required.
    NotIso4217,
    /// The IBAN is too short.
    IbanTooShort,
    /// The IBAN contains an invalid character.
    InvalidIbanCharacter,
    /// The IBAN must start with a valid ISO 3166 two-character country code.
    IllegalIbanCountryCode,
    /// The IBAN is invalid since the check characters are incorrect.
    IncorrectIbanChecksum,
    /// The date is too short.
    DateTooShort,
    /// The date is too long.
    DateTooLong,
    /// The hour with minute is too short for HHMI format.
    HourWithMinuteTooShort,
    /// The hour with minute is too long for HHMI format.
    HourWithMinuteTooLong,
    /// The date contains an illegal month of the year.
    IllegalMonth,
    /// The date contains an illegal day of the month.
    IllegalDay,
    /// The time contains an illegal hour.
    IllegalHour,
    /// The time contains an illegal minute.
    IllegalMinute,
    /// The time contains an illegal seconds.
    IllegalSecond,
    /// The piece with total must have an even length, having equal-length components.
    InvalidLengthForPieceOfTotal,
    /// The piece number must not have a value of zero.
    ZeroPieceNumber,
    /// The piece total must not have a value of zero.
    ZeroTotalPieces,
    /// The piece number must not exceed the piece total.
    PieceNumberExceedsTotal,
    /// The input contains an invalid percent hex-encoding "%hh" sequence.
    InvalidPercentSequence,
    /// The coupon's Format Code is missing.
    CouponMissingFormatCode,
    /// The coupon's Format Code must be "0" or "1".
    CouponInvalidFormatCode,
    /// The coupon's Funder VLI is missing.
    CouponMissingFunderVli,
    /// The coupon's Funder VLI must be "0" to "6".
    CouponInvalidFunderLength,
    /// The coupon's Funder is shorter than what is indicated by its VLI.
    CouponTruncatedFunder,
    /// The coupon's Offer Code is shorter than the required six digits.
    CouponTruncatedOfferCode,
    /// The coupon's Serial Number VLI is missing.
    CouponMissingSerialNumberVli,
    /// The coupon's Serial Number is shorter than what is indicated by its VLI.
    CouponTruncatedSerialNumber,
    /// The coupon's primary GS1 Company Prefix VLI is missing.
    CouponMissingGcpVli,
    /// The coupon's primary GS1 Company Prefix VLI must be "0" to "6".
    CouponInvalidGcpLength,
    /// The coupon's primary GS1 Company Prefix is shorter than what is indicated by its VLI.
    CouponTruncatedGcp,
    /// The coupon's Save Value VLI is missing.
    CouponMissingSaveValueVli,
    /// The coupon's Save Value VLI must be "1" to "5".
    CouponInvalidSaveValueLength,
    /// The coupon's Save Value is shorter than what is indicated by its VLI.
    CouponTruncatedSaveValue,
    /// The coupon's primary purchase Requirement VLI is missing.
    CouponMissing1stPurchaseRequirementVli,
    /// The coupon's primary purchase Requirement VLI must be "1" to "5".
    CouponInvalid1stPurchaseRequirementLength,
    /// The coupon's primary purchase Requirement is shorter than what is indicated by its VLI.
    CouponTruncated1stPurchaseRequirement,
    /// The coupon's primary purchase Requirement Code is missing.
    CouponMissing1stPurchaseRequirementCode,
    /// The coupon's primary purchase Requirement Code must be "0" to "4" or "9".
    CouponInvalid1stPurchaseRequirementCode,
    /// The coupon's primary purchase Family Code is shorter than the required three digits.
    CouponTruncated1stPurchaseFamilyCode,
    /// The coupon's Additional Purchase Rules Code is missing.
    CouponMissingAdditionalPurchaseRulesCode,
    /// The coupon's Additional Purchase Rules Code must be "0" to "3".
    CouponInvalidAdditionalPurchaseRulesCode,
    /// The coupon's second purchase Requirement VLI is missing.
    CouponMissing2ndPurchaseRequirementVli,
    /// The coupon's second purchase Requirement VLI must be "1" to "5".
    CouponInvalid2ndPurchaseRequirementLength,
    /// The coupon's second purchase Requirement is shorter than what is indicated by its VLI.
    CouponTruncated2ndPurchaseRequirement,
    /// The coupon's second purchase Requirement Code is missing.
    CouponMissing2ndPurchaseRequirementCode,
    /// The coupon's second purchase Requirement Code must be "0" to "4" or "9".
    CouponInvalid2ndPurchaseRequirementCode,
    /// The coupon's second purchase Family Code is shorter than the required three digits.
    CouponTruncated2ndPurchaseFamilyCode,
    /// The coupon's second purchase GS1 Company Prefix VLI is missing.
    CouponMissing2ndPurchaseGcpVli,
    /// The coupon's second purchase GS1 Company Prefix VLI must be "0" to "6" or "9".
    CouponInvalid2ndPurchaseGcpLength,
    /// The coupon's second purchase GS1 Company Prefix is shorter than what is indicated by its VLI.
    CouponTruncated2ndPurchaseGcp,
    /// The coupon's third purchase Requirement VLI is missing.
    CouponMissing3rdPurchaseRequirementVli,
    /// The coupon's third purchase Requirement VLI must be "1" to "5".
    CouponInvalid3rdPurchaseRequirementLength,
    /// The coupon's third purchase Requirement is shorter than what is indicated by its VLI.
    CouponTruncated3rdPurchaseRequirement,
    /// The coupon's third purchase Requirement Code is missing.
    CouponMissing3rdPurchaseRequirementCode,
    /// The coupon's third purchase Requirement Code must be "0" to "4" or "9".
    CouponInvalid3rdPurchaseRequirementCode,
    /// The coupon's third purchase Family Code is shorter than the required three digits.
    CouponTruncated3rdPurchaseFamilyCode,
    /// The coupon's third purchase GS1 Company Prefix VLI is missing.
    CouponMissing3rdPurchaseGcpVli,
    /// The coupon's third purchase GS1 Company Prefix VLI must be "0" to "6" or "9".
    CouponInvalid3rdPurchaseGcpLength,
    /// The coupon's third purchase GS1 Company Prefix is shorter than what is indicated by its VLI.
    CouponTruncated3rdPurchaseGcp,
    /// The coupon's expiration date is too short for YYMMDD format.
    CouponTooShortForExpirationDate,
    /// The coupon's expiration date is invalid.
    CouponInvalidExipirationDate,
    /// The coupon's start date is too short to YYMMDD format.
    CouponTooShortForStartDate,
    /// The coupon's start date is invalid.
    CouponInvalidStartDate,
    /// The coupon's expiration date precede the start date.
    CouponExpirationBeforeStart,
    /// The coupon's Retailer GCP/GLN VLI is missing.
    CouponMissingRetailerGcpOrGlnVli,
    /// The coupon's Retailer GCP/GLN VLI must be "1" to "7".
    CouponInvalidRetailerGcpOrGlnLength,
    /// The coupon's Retailer GCP/GLN is shorter than what is indicated by its VLI.
    CouponTruncatedRetailerGcpOrGln,
    /// The coupon's Save Value Code is missing.
    CouponMissingSaveValueCode,
    /// The coupon's Save Value Code must be "0", "1", "2", "5" or "6".
    CouponInvalidSaveValueCode,
    /// The coupon's Save Value Applies to Item is missing.
    CouponMissingSaveValueAppliesToItem,
    /// The coupon's Save Value Applies to Item must be "0" to "2".
    CouponInvalidSaveValueAppliesToItem,
    /// The coupon's Store Coupon Flag is missing.
    CouponMissingStoreCouponFlag,
    /// The coupon's Don't Multiply Flag is missing.
    CouponMissingDontMultiplyFlag,
    /// The coupon's Don't Multiply Flag must be "0" or "1".
    CouponInvalidDontMultiplyFlag,
    /// The coupon contains excess data after the recognised optional fields.
    CouponExcessData,
    /// The latitude is outside of the range "0000000000" to "1800000000".
    InvalidLatitude,
    /// The longitude is outside of the range "0000000000" to "3600000000".
    InvalidLongitude,
    /// A valid AIDC media type is required.
    InvalidMediaType,
    /// The latitude must be 10 digits.
    LatitudeInvalidLength,
    /// The longitude must be 10 digits.
    LongitudeInvalidLength,
    /// A non-CSET 64 character was found where a CSET 64 character is expected.
    InvalidCset64Character,
    /// Incorrect number of CSET 64 pad characters.
    InvalidCset64Padding,
    /// Only hyphens are permitted.
    NotHyphen,
    /// A valid ISO/IEC 5218 biological sex code required.
    InvalidBiologicalSexCode,
    /// The data must have the format "<pos>/<end>".
    PositionInSequenceMalformed,
    /// The position number must not exceed the end number.
    PositionExceedsEnd,
    /// A non-digit character is required.
    RequiresNonDigitCharacter,
    /// The hour is too short for HH format.
    HourTooShort,
    /// The hour is too long for HH format.
    HourTooLong,
    /// The minute is too short for MI format.
    MinuteTooShort,
    /// The minute is too long for MI format.
    MinuteTooLong,
    /// The second is too short for SS format.
    SecondTooShort,
    /// The second is too long for SS format.
    SecondTooLong,
    /// A valid PackageTypeCode is required.
    InvalidPackageType,
    /// The component is shorter than the minimum length GS1 Company Prefix.
    TooShortForGcp,
    /// The IBAN is too long.
    IbanTooLong,
}

impl LintErrorCode {
    /// Every code, in the reference implementation's order.
    pub const ALL: &'static [LintErrorCode] = &[
        LintErrorCode::NonDigitCharacter,
        LintErrorCode::InvalidCset82Character,
        LintErrorCode::InvalidCset39Character,
        LintErrorCode::InvalidCset32Character,
        LintErrorCode::IncorrectCheckDigit,
        LintErrorCode::TooShortForCheckDigit,
        LintErrorCode::IncorrectCheckPair,
        LintErrorCode::TooShortForCheckPair,
        LintErrorCode::TooLongForCheckPairImplementation,
        LintErrorCode::GcpDatasourceOffline,
        LintErrorCode::InvalidGcpPrefix,
        LintErrorCode::ImporterIdxMustBeOneCharacter,
        LintErrorCode::InvalidImportIdxCharacter,
        LintErrorCode::IllegalZeroValue,
        LintErrorCode::NotZero,
        LintErrorCode::IllegalZeroPrefix,
        LintErrorCode::NotZeroOrOne,
        LintErrorCode::InvalidWindingDirection,
        LintErrorCode::NotIso3166,
        LintErrorCode::NotIso3166Or999,
        LintErrorCode::NotIso3166Alpha2,
        LintErrorCode::NotIso4217,
        LintErrorCode::IbanTooShort,
        LintErrorCode::InvalidIbanCharacter,
        LintErrorCode::IllegalIbanCountryCode,
        LintErrorCode::IncorrectIbanChecksum,
        LintErrorCode::DateTooShort,
        LintErrorCode::DateTooLong,
        LintErrorCode::HourWithMinuteTooShort,
        LintErrorCode::HourWithMinuteTooLong,
        LintErrorCode::IllegalMonth,
        LintErrorCode::IllegalDay,
        LintErrorCode::IllegalHour,
        LintErrorCode::IllegalMinute,
        LintErrorCode::IllegalSecond,
        LintErrorCode::InvalidLengthForPieceOfTotal,
        LintErrorCode::ZeroPieceNumber,
        LintErrorCode::ZeroTotalPieces,
        LintErrorCode::PieceNumberExceedsTotal,
        LintErrorCode::InvalidPercentSequence,
        LintErrorCode::CouponMissingFormatCode,
        LintErrorCode::CouponInvalidFormatCode,
        LintErrorCode::CouponMissingFunderVli,
        LintErrorCode::CouponInvalidFunderLength,
        LintErrorCode::CouponTruncatedFunder,
        LintErrorCode::CouponTruncatedOfferCode,
        LintErrorCode::CouponMissingSerialNumberVli,
        LintErrorCode::CouponTruncatedSerialNumber,
        LintErrorCode::CouponMissingGcpVli,
        LintErrorCode::CouponInvalidGcpLength,
        LintErrorCode::CouponTruncatedGcp,
        LintErrorCode::CouponMissingSaveValueVli,
        LintErrorCode::CouponInvalidSaveValueLength,
        LintErrorCode::CouponTruncatedSaveValue,
        LintErrorCode::CouponMissing1stPurchaseRequirementVli,
        LintErrorCode::CouponInvalid1stPurchaseRequirementLength,
        LintErrorCode::CouponTruncated1stPurchaseRequirement,
        LintErrorCode::CouponMissing1stPurchaseRequirementCode,
        LintErrorCode::CouponInvalid1stPurchaseRequirementCode,
        LintErrorCode::CouponTruncated1stPurchaseFamilyCode,
        LintErrorCode::CouponMissingAdditionalPurchaseRulesCode,
        LintErrorCode::CouponInvalidAdditionalPurchaseRulesCode,
        LintErrorCode::CouponMissing2ndPurchaseRequirementVli,
        LintErrorCode::CouponInvalid2ndPurchaseRequirementLength,
        LintErrorCode::CouponTruncated2ndPurchaseRequirement,
        LintErrorCode::CouponMissing2ndPurchaseRequirementCode,
        LintErrorCode::CouponInvalid2ndPurchaseRequirementCode,
        LintErrorCode::CouponTruncated2ndPurchaseFamilyCode,
        LintErrorCode::CouponMissing2ndPurchaseGcpVli,
        LintErrorCode::CouponInvalid2ndPurchaseGcpLength,
        LintErrorCode::CouponTruncated2ndPurchaseGcp,
        LintErrorCode::CouponMissing3rdPurchaseRequirementVli,
        LintErrorCode::CouponInvalid3rdPurchaseRequirementLength,
        LintErrorCode::CouponTruncated3rdPurchaseRequirement,
        LintErrorCode::CouponMissing3rdPurchaseRequirementCode,
        LintErrorCode::CouponInvalid3rdPurchaseRequirementCode,
        LintErrorCode::CouponTruncated3rdPurchaseFamilyCode,
        LintErrorCode::CouponMissing3rdPurchaseGcpVli,
        LintErrorCode::CouponInvalid3rdPurchaseGcpLength,
        LintErrorCode::CouponTruncated3rdPurchaseGcp,
        LintErrorCode::CouponTooShortForExpirationDate,
        LintErrorCode::CouponInvalidExipirationDate,
        LintErrorCode::CouponTooShortForStartDate,
        LintErrorCode::CouponInvalidStartDate,
        LintErrorCode::CouponExpirationBeforeStart,
        LintErrorCode::CouponMissingRetailerGcpOrGlnVli,
        LintErrorCode::CouponInvalidRetailerGcpOrGlnLength,
        LintErrorCode::CouponTruncatedRetailerGcpOrGln,
        LintErrorCode::CouponMissingSaveValueCode,
        LintErrorCode::CouponInvalidSaveValueCode,
        LintErrorCode::CouponMissingSaveValueAppliesToItem,
        LintErrorCode::CouponInvalidSaveValueAppliesToItem,
        LintErrorCode::CouponMissingStoreCouponFlag,
        LintErrorCode::CouponMissingDontMultiplyFlag,
        LintErrorCode::CouponInvalidDontMultiplyFlag,
        LintErrorCode::CouponExcessData,
        LintErrorCode::InvalidLatitude,
        LintErrorCode::InvalidLongitude,
        LintErrorCode::InvalidMediaType,
        LintErrorCode::LatitudeInvalidLength,
        LintErrorCode::LongitudeInvalidLength,
        LintErrorCode::InvalidCset64Character,
        LintErrorCode::InvalidCset64Padding,
        LintErrorCode::NotHyphen,
        LintErrorCode::InvalidBiologicalSexCode,
        LintErrorCode::PositionInSequenceMalformed,
        LintErrorCode::PositionExceedsEnd,
        LintErrorCode::RequiresNonDigitCharacter,
        LintErrorCode::HourTooShort,
        LintErrorCode::HourTooLong,
        LintErrorCode::MinuteTooShort,
        LintErrorCode::MinuteTooLong,
        LintErrorCode::SecondTooShort,
        LintErrorCode::SecondTooLong,
        LintErrorCode::InvalidPackageType,
        LintErrorCode::TooShortForGcp,
        LintErrorCode::IbanTooLong,
    ];

    /// The reference implementation's name, e.g. `GS1_LINTER_INCORRECT_CHECK_DIGIT`.
    pub fn as_str(self) -> &'static str {
        match self {
            LintErrorCode::NonDigitCharacter => "GS1_LINTER_NON_DIGIT_CHARACTER",
            LintErrorCode::InvalidCset82Character => "GS1_LINTER_INVALID_CSET82_CHARACTER",
            LintErrorCode::InvalidCset39Character => "GS1_LINTER_INVALID_CSET39_CHARACTER",
            LintErrorCode::InvalidCset32Character => "GS1_LINTER_INVALID_CSET32_CHARACTER",
            LintErrorCode::IncorrectCheckDigit => "GS1_LINTER_INCORRECT_CHECK_DIGIT",
            LintErrorCode::TooShortForCheckDigit => "GS1_LINTER_TOO_SHORT_FOR_CHECK_DIGIT",
            LintErrorCode::IncorrectCheckPair => "GS1_LINTER_INCORRECT_CHECK_PAIR",
            LintErrorCode::TooShortForCheckPair => "GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR",
            LintErrorCode::TooLongForCheckPairImplementation => {
                "GS1_LINTER_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION"
            }
            LintErrorCode::GcpDatasourceOffline => "GS1_LINTER_GCP_DATASOURCE_OFFLINE",
            LintErrorCode::InvalidGcpPrefix => "GS1_LINTER_INVALID_GCP_PREFIX",
            LintErrorCode::ImporterIdxMustBeOneCharacter => {
                "GS1_LINTER_IMPORTER_IDX_MUST_BE_ONE_CHARACTER"
            }
            LintErrorCode::InvalidImportIdxCharacter => "GS1_LINTER_INVALID_IMPORT_IDX_CHARACTER",
            LintErrorCode::IllegalZeroValue => "GS1_LINTER_ILLEGAL_ZERO_VALUE",
            LintErrorCode::NotZero => "GS1_LINTER_NOT_ZERO",
            LintErrorCode::IllegalZeroPrefix => "GS1_LINTER_ILLEGAL_ZERO_PREFIX",
            LintErrorCode::NotZeroOrOne => "GS1_LINTER_NOT_ZERO_OR_ONE",
            LintErrorCode::InvalidWindingDirection => "GS1_LINTER_INVALID_WINDING_DIRECTION",
            LintErrorCode::NotIso3166 => "GS1_LINTER_NOT_ISO3166",
            LintErrorCode::NotIso3166Or999 => "GS1_LINTER_NOT_ISO3166_OR_999",
            LintErrorCode::NotIso3166Alpha2 => "GS1_LINTER_NOT_ISO3166_ALPHA2",
            LintErrorCode::NotIso4217 => "GS1_LINTER_NOT_ISO4217",
            LintErrorCode::IbanTooShort => "GS1_LINTER_IBAN_TOO_SHORT",
            LintErrorCode::InvalidIbanCharacter => "GS1_LINTER_INVALID_IBAN_CHARACTER",
            LintErrorCode::IllegalIbanCountryCode => "GS1_LINTER_ILLEGAL_IBAN_COUNTRY_CODE",
            LintErrorCode::IncorrectIbanChecksum => "GS1_LINTER_INCORRECT_IBAN_CHECKSUM",
            LintErrorCode::DateTooShort => "GS1_LINTER_DATE_TOO_SHORT",
            LintErrorCode::DateTooLong => "GS1_LINTER_DATE_TOO_LONG",
            LintErrorCode::HourWithMinuteTooShort => "GS1_LINTER_HOUR_WITH_MINUTE_TOO_SHORT",
            LintErrorCode::HourWithMinuteTooLong => "GS1_LINTER_HOUR_WITH_MINUTE_TOO_LONG",
            LintErrorCode::IllegalMonth => "GS1_LINTER_ILLEGAL_MONTH",
            LintErrorCode::IllegalDay => "GS1_LINTER_ILLEGAL_DAY",
            LintErrorCode::IllegalHour => "GS1_LINTER_ILLEGAL_HOUR",
            LintErrorCode::IllegalMinute => "GS1_LINTER_ILLEGAL_MINUTE",
            LintErrorCode::IllegalSecond => "GS1_LINTER_ILLEGAL_SECOND",
            LintErrorCode::InvalidLengthForPieceOfTotal => {
                "GS1_LINTER_INVALID_LENGTH_FOR_PIECE_OF_TOTAL"
            }
            LintErrorCode::ZeroPieceNumber => "GS1_LINTER_ZERO_PIECE_NUMBER",
            LintErrorCode::ZeroTotalPieces => "GS1_LINTER_ZERO_TOTAL_PIECES",
            LintErrorCode::PieceNumberExceedsTotal => "GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL",
            LintErrorCode::InvalidPercentSequence => "GS1_LINTER_INVALID_PERCENT_SEQUENCE",
            LintErrorCode::CouponMissingFormatCode => "GS1_LINTER_COUPON_MISSING_FORMAT_CODE",
            LintErrorCode::CouponInvalidFormatCode => "GS1_LINTER_COUPON_INVALID_FORMAT_CODE",
            LintErrorCode::CouponMissingFunderVli => "GS1_LINTER_COUPON_MISSING_FUNDER_VLI",
            LintErrorCode::CouponInvalidFunderLength => "GS1_LINTER_COUPON_INVALID_FUNDER_LENGTH",
            LintErrorCode::CouponTruncatedFunder => "GS1_LINTER_COUPON_TRUNCATED_FUNDER",
            LintErrorCode::CouponTruncatedOfferCode => "GS1_LINTER_COUPON_TRUNCATED_OFFER_CODE",
            LintErrorCode::CouponMissingSerialNumberVli => {
                "GS1_LINTER_COUPON_MISSING_SERIAL_NUMBER_VLI"
            }
            LintErrorCode::CouponTruncatedSerialNumber => {
                "GS1_LINTER_COUPON_TRUNCATED_SERIAL_NUMBER"
            }
            LintErrorCode::CouponMissingGcpVli => "GS1_LINTER_COUPON_MISSING_GCP_VLI",
            LintErrorCode::CouponInvalidGcpLength => "GS1_LINTER_COUPON_INVALID_GCP_LENGTH",
            LintErrorCode::CouponTruncatedGcp => "GS1_LINTER_COUPON_TRUNCATED_GCP",
            LintErrorCode::CouponMissingSaveValueVli => "GS1_LINTER_COUPON_MISSING_SAVE_VALUE_VLI",
            LintErrorCode::CouponInvalidSaveValueLength => {
                "GS1_LINTER_COUPON_INVALID_SAVE_VALUE_LENGTH"
            }
            LintErrorCode::CouponTruncatedSaveValue => "GS1_LINTER_COUPON_TRUNCATED_SAVE_VALUE",
            LintErrorCode::CouponMissing1stPurchaseRequirementVli => {
                "GS1_LINTER_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_VLI"
            }
            LintErrorCode::CouponInvalid1stPurchaseRequirementLength => {
                "GS1_LINTER_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_LENGTH"
            }
            LintErrorCode::CouponTruncated1stPurchaseRequirement => {
                "GS1_LINTER_COUPON_TRUNCATED_1ST_PURCHASE_REQUIREMENT"
            }
            LintErrorCode::CouponMissing1stPurchaseRequirementCode => {
                "GS1_LINTER_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_CODE"
            }
            LintErrorCode::CouponInvalid1stPurchaseRequirementCode => {
                "GS1_LINTER_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_CODE"
            }
            LintErrorCode::CouponTruncated1stPurchaseFamilyCode => {
                "GS1_LINTER_COUPON_TRUNCATED_1ST_PURCHASE_FAMILY_CODE"
            }
            LintErrorCode::CouponMissingAdditionalPurchaseRulesCode => {
                "GS1_LINTER_COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE"
            }
            LintErrorCode::CouponInvalidAdditionalPurchaseRulesCode => {
                "GS1_LINTER_COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE"
            }
            LintErrorCode::CouponMissing2ndPurchaseRequirementVli => {
                "GS1_LINTER_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_VLI"
            }
            LintErrorCode::CouponInvalid2ndPurchaseRequirementLength => {
                "GS1_LINTER_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_LENGTH"
            }
            LintErrorCode::CouponTruncated2ndPurchaseRequirement => {
                "GS1_LINTER_COUPON_TRUNCATED_2ND_PURCHASE_REQUIREMENT"
            }
            LintErrorCode::CouponMissing2ndPurchaseRequirementCode => {
                "GS1_LINTER_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_CODE"
            }
            LintErrorCode::CouponInvalid2ndPurchaseRequirementCode => {
                "GS1_LINTER_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_CODE"
            }
            LintErrorCode::CouponTruncated2ndPurchaseFamilyCode => {
                "GS1_LINTER_COUPON_TRUNCATED_2ND_PURCHASE_FAMILY_CODE"
            }
            LintErrorCode::CouponMissing2ndPurchaseGcpVli => {
                "GS1_LINTER_COUPON_MISSING_2ND_PURCHASE_GCP_VLI"
            }
            LintErrorCode::CouponInvalid2ndPurchaseGcpLength => {
                "GS1_LINTER_COUPON_INVALID_2ND_PURCHASE_GCP_LENGTH"
            }
            LintErrorCode::CouponTruncated2ndPurchaseGcp => {
                "GS1_LINTER_COUPON_TRUNCATED_2ND_PURCHASE_GCP"
            }
            LintErrorCode::CouponMissing3rdPurchaseRequirementVli => {
                "GS1_LINTER_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_VLI"
            }
            LintErrorCode::CouponInvalid3rdPurchaseRequirementLength => {
                "GS1_LINTER_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_LENGTH"
            }
            LintErrorCode::CouponTruncated3rdPurchaseRequirement => {
                "GS1_LINTER_COUPON_TRUNCATED_3RD_PURCHASE_REQUIREMENT"
            }
            LintErrorCode::CouponMissing3rdPurchaseRequirementCode => {
                "GS1_LINTER_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_CODE"
            }
            LintErrorCode::CouponInvalid3rdPurchaseRequirementCode => {
                "GS1_LINTER_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_CODE"
            }
            LintErrorCode::CouponTruncated3rdPurchaseFamilyCode => {
                "GS1_LINTER_COUPON_TRUNCATED_3RD_PURCHASE_FAMILY_CODE"
            }
            LintErrorCode::CouponMissing3rdPurchaseGcpVli => {
                "GS1_LINTER_COUPON_MISSING_3RD_PURCHASE_GCP_VLI"
            }
            LintErrorCode::CouponInvalid3rdPurchaseGcpLength => {
                "GS1_LINTER_COUPON_INVALID_3RD_PURCHASE_GCP_LENGTH"
            }
            LintErrorCode::CouponTruncated3rdPurchaseGcp => {
                "GS1_LINTER_COUPON_TRUNCATED_3RD_PURCHASE_GCP"
            }
            LintErrorCode::CouponTooShortForExpirationDate => {
                "GS1_LINTER_COUPON_TOO_SHORT_FOR_EXPIRATION_DATE"
            }
            LintErrorCode::CouponInvalidExipirationDate => {
                "GS1_LINTER_COUPON_INVALID_EXIPIRATION_DATE"
            }
            LintErrorCode::CouponTooShortForStartDate => {
                "GS1_LINTER_COUPON_TOO_SHORT_FOR_START_DATE"
            }
            LintErrorCode::CouponInvalidStartDate => "GS1_LINTER_COUPON_INVALID_START_DATE",
            LintErrorCode::CouponExpirationBeforeStart => {
                "GS1_LINTER_COUPON_EXPIRATION_BEFORE_START"
            }
            LintErrorCode::CouponMissingRetailerGcpOrGlnVli => {
                "GS1_LINTER_COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI"
            }
            LintErrorCode::CouponInvalidRetailerGcpOrGlnLength => {
                "GS1_LINTER_COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH"
            }
            LintErrorCode::CouponTruncatedRetailerGcpOrGln => {
                "GS1_LINTER_COUPON_TRUNCATED_RETAILER_GCP_OR_GLN"
            }
            LintErrorCode::CouponMissingSaveValueCode => {
                "GS1_LINTER_COUPON_MISSING_SAVE_VALUE_CODE"
            }
            LintErrorCode::CouponInvalidSaveValueCode => {
                "GS1_LINTER_COUPON_INVALID_SAVE_VALUE_CODE"
            }
            LintErrorCode::CouponMissingSaveValueAppliesToItem => {
                "GS1_LINTER_COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM"
            }
            LintErrorCode::CouponInvalidSaveValueAppliesToItem => {
                "GS1_LINTER_COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM"
            }
            LintErrorCode::CouponMissingStoreCouponFlag => {
                "GS1_LINTER_COUPON_MISSING_STORE_COUPON_FLAG"
            }
            LintErrorCode::CouponMissingDontMultiplyFlag => {
                "GS1_LINTER_COUPON_MISSING_DONT_MULTIPLY_FLAG"
            }
            LintErrorCode::CouponInvalidDontMultiplyFlag => {
                "GS1_LINTER_COUPON_INVALID_DONT_MULTIPLY_FLAG"
            }
            LintErrorCode::CouponExcessData => "GS1_LINTER_COUPON_EXCESS_DATA",
            LintErrorCode::InvalidLatitude => "GS1_LINTER_INVALID_LATITUDE",
            LintErrorCode::InvalidLongitude => "GS1_LINTER_INVALID_LONGITUDE",
            LintErrorCode::InvalidMediaType => "GS1_LINTER_INVALID_MEDIA_TYPE",
            LintErrorCode::LatitudeInvalidLength => "GS1_LINTER_LATITUDE_INVALID_LENGTH",
            LintErrorCode::LongitudeInvalidLength => "GS1_LINTER_LONGITUDE_INVALID_LENGTH",
            LintErrorCode::InvalidCset64Character => "GS1_LINTER_INVALID_CSET64_CHARACTER",
            LintErrorCode::InvalidCset64Padding => "GS1_LINTER_INVALID_CSET64_PADDING",
            LintErrorCode::NotHyphen => "GS1_LINTER_NOT_HYPHEN",
            LintErrorCode::InvalidBiologicalSexCode => "GS1_LINTER_INVALID_BIOLOGICAL_SEX_CODE",
            LintErrorCode::PositionInSequenceMalformed => {
                "GS1_LINTER_POSITION_IN_SEQUENCE_MALFORMED"
            }
            LintErrorCode::PositionExceedsEnd => "GS1_LINTER_POSITION_EXCEEDS_END",
            LintErrorCode::RequiresNonDigitCharacter => "GS1_LINTER_REQUIRES_NON_DIGIT_CHARACTER",
            LintErrorCode::HourTooShort => "GS1_LINTER_HOUR_TOO_SHORT",
            LintErrorCode::HourTooLong => "GS1_LINTER_HOUR_TOO_LONG",
            LintErrorCode::MinuteTooShort => "GS1_LINTER_MINUTE_TOO_SHORT",
            LintErrorCode::MinuteTooLong => "GS1_LINTER_MINUTE_TOO_LONG",
            LintErrorCode::SecondTooShort => "GS1_LINTER_SECOND_TOO_SHORT",
            LintErrorCode::SecondTooLong => "GS1_LINTER_SECOND_TOO_LONG",
            LintErrorCode::InvalidPackageType => "GS1_LINTER_INVALID_PACKAGE_TYPE",
            LintErrorCode::TooShortForGcp => "GS1_LINTER_TOO_SHORT_FOR_GCP",
            LintErrorCode::IbanTooLong => "GS1_LINTER_IBAN_TOO_LONG",
        }
    }

    /// The reference implementation's English description.
    pub fn description(self) -> &'static str {
        match self {
            LintErrorCode::NonDigitCharacter => "A non-digit character was found where a digit is expected.",
            LintErrorCode::InvalidCset82Character => "A non-CSET 82 character was found where a CSET 82 character is expected.",
            LintErrorCode::InvalidCset39Character => "A non-CSET 39 character was found where a CSET 39 character is expected.",
            LintErrorCode::InvalidCset32Character => "A non-CSET 32 character was found where a CSET 32 character is expected.",
            LintErrorCode::IncorrectCheckDigit => "The numeric check digit is incorrect.",
            LintErrorCode::TooShortForCheckDigit => "The component is too short to perform a numeric check digit calculation.",
            LintErrorCode::IncorrectCheckPair => "The alphanumeric check-character pair are incorrect.",
            LintErrorCode::TooShortForCheckPair => "The component is too short to perform an alphanumeric check character pair calculation.",
            LintErrorCode::TooLongForCheckPairImplementation => "The component is too long to perform an alphanumeric check character pair calculation.",
            LintErrorCode::GcpDatasourceOffline => "The data source for GCP lookups is offline.",
            LintErrorCode::InvalidGcpPrefix => "The GS1 Company Prefix is invalid.",
            LintErrorCode::ImporterIdxMustBeOneCharacter => "The Importer Index must be a single character.",
            LintErrorCode::InvalidImportIdxCharacter => "The Importer Index is an invalid character.",
            LintErrorCode::IllegalZeroValue => "A non-zero value is required.",
            LintErrorCode::NotZero => "A zero is required.",
            LintErrorCode::IllegalZeroPrefix => "A zero prefix is not permitted.",
            LintErrorCode::NotZeroOrOne => "A \"0\" or \"1\" is required.",
            LintErrorCode::InvalidWindingDirection => "The winding direction must be either \"0\", \"1\" or \"9\".",
            LintErrorCode::NotIso3166 => "A valid ISO 3166 three-digit country code is required.",
            LintErrorCode::NotIso3166Or999 => "A valid ISO 3166 three-digit country code or \"999\" is required.",
            LintErrorCode::NotIso3166Alpha2 => "A valid ISO 3166 two-character country code is required.",
            LintErrorCode::NotIso4217 => "A valid ISO 4217 three-digit currency code is required.",
            LintErrorCode::IbanTooShort => "The IBAN is too short.",
            LintErrorCode::InvalidIbanCharacter => "The IBAN contains an invalid character.",
            LintErrorCode::IllegalIbanCountryCode => "The IBAN must start with a valid ISO 3166 two-character country code.",
            LintErrorCode::IncorrectIbanChecksum => "The IBAN is invalid since the check characters are incorrect.",
            LintErrorCode::DateTooShort => "The date is too short.",
            LintErrorCode::DateTooLong => "The date is too long.",
            LintErrorCode::HourWithMinuteTooShort => "The hour with minute is too short for HHMI format.",
            LintErrorCode::HourWithMinuteTooLong => "The hour with minute is too long for HHMI format.",
            LintErrorCode::IllegalMonth => "The date contains an illegal month of the year.",
            LintErrorCode::IllegalDay => "The date contains an illegal day of the month.",
            LintErrorCode::IllegalHour => "The time contains an illegal hour.",
            LintErrorCode::IllegalMinute => "The time contains an illegal minute.",
            LintErrorCode::IllegalSecond => "The time contains an illegal seconds.",
            LintErrorCode::InvalidLengthForPieceOfTotal => "The piece with total must have an even length, having equal-length components.",
            LintErrorCode::ZeroPieceNumber => "The piece number must not have a value of zero.",
            LintErrorCode::ZeroTotalPieces => "The piece total must not have a value of zero.",
            LintErrorCode::PieceNumberExceedsTotal => "The piece number must not exceed the piece total.",
            LintErrorCode::InvalidPercentSequence => "The input contains an invalid percent hex-encoding \"%hh\" sequence.",
            LintErrorCode::CouponMissingFormatCode => "The coupon's Format Code is missing.",
            LintErrorCode::CouponInvalidFormatCode => "The coupon's Format Code must be \"0\" or \"1\".",
            LintErrorCode::CouponMissingFunderVli => "The coupon's Funder VLI is missing.",
            LintErrorCode::CouponInvalidFunderLength => "The coupon's Funder VLI must be \"0\" to \"6\".",
            LintErrorCode::CouponTruncatedFunder => "The coupon's Funder is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponTruncatedOfferCode => "The coupon's Offer Code is shorter than the required six digits.",
            LintErrorCode::CouponMissingSerialNumberVli => "The coupon's Serial Number VLI is missing.",
            LintErrorCode::CouponTruncatedSerialNumber => "The coupon's Serial Number is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissingGcpVli => "The coupon's primary GS1 Company Prefix VLI is missing.",
            LintErrorCode::CouponInvalidGcpLength => "The coupon's primary GS1 Company Prefix VLI must be \"0\" to \"6\".",
            LintErrorCode::CouponTruncatedGcp => "The coupon's primary GS1 Company Prefix is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissingSaveValueVli => "The coupon's Save Value VLI is missing.",
            LintErrorCode::CouponInvalidSaveValueLength => "The coupon's Save Value VLI must be \"1\" to \"5\".",
            LintErrorCode::CouponTruncatedSaveValue => "The coupon's Save Value is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissing1stPurchaseRequirementVli => "The coupon's primary purchase Requirement VLI is missing.",
            LintErrorCode::CouponInvalid1stPurchaseRequirementLength => "The coupon's primary purchase Requirement VLI must be \"1\" to \"5\".",
            LintErrorCode::CouponTruncated1stPurchaseRequirement => "The coupon's primary purchase Requirement is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissing1stPurchaseRequirementCode => "The coupon's primary purchase Requirement Code is missing.",
            LintErrorCode::CouponInvalid1stPurchaseRequirementCode => "The coupon's primary purchase Requirement Code must be \"0\" to \"4\" or \"9\".",
            LintErrorCode::CouponTruncated1stPurchaseFamilyCode => "The coupon's primary purchase Family Code is shorter than the required three digits.",
            LintErrorCode::CouponMissingAdditionalPurchaseRulesCode => "The coupon's Additional Purchase Rules Code is missing.",
            LintErrorCode::CouponInvalidAdditionalPurchaseRulesCode => "The coupon's Additional Purchase Rules Code must be \"0\" to \"3\".",
            LintErrorCode::CouponMissing2ndPurchaseRequirementVli => "The coupon's second purchase Requirement VLI is missing.",
            LintErrorCode::CouponInvalid2ndPurchaseRequirementLength => "The coupon's second purchase Requirement VLI must be \"1\" to \"5\".",
            LintErrorCode::CouponTruncated2ndPurchaseRequirement => "The coupon's second purchase Requirement is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissing2ndPurchaseRequirementCode => "The coupon's second purchase Requirement Code is missing.",
            LintErrorCode::CouponInvalid2ndPurchaseRequirementCode => "The coupon's second purchase Requirement Code must be \"0\" to \"4\" or \"9\".",
            LintErrorCode::CouponTruncated2ndPurchaseFamilyCode => "The coupon's second purchase Family Code is shorter than the required three digits.",
            LintErrorCode::CouponMissing2ndPurchaseGcpVli => "The coupon's second purchase GS1 Company Prefix VLI is missing.",
            LintErrorCode::CouponInvalid2ndPurchaseGcpLength => "The coupon's second purchase GS1 Company Prefix VLI must be \"0\" to \"6\" or \"9\".",
            LintErrorCode::CouponTruncated2ndPurchaseGcp => "The coupon's second purchase GS1 Company Prefix is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissing3rdPurchaseRequirementVli => "The coupon's third purchase Requirement VLI is missing.",
            LintErrorCode::CouponInvalid3rdPurchaseRequirementLength => "The coupon's third purchase Requirement VLI must be \"1\" to \"5\".",
            LintErrorCode::CouponTruncated3rdPurchaseRequirement => "The coupon's third purchase Requirement is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissing3rdPurchaseRequirementCode => "The coupon's third purchase Requirement Code is missing.",
            LintErrorCode::CouponInvalid3rdPurchaseRequirementCode => "The coupon's third purchase Requirement Code must be \"0\" to \"4\" or \"9\".",
            LintErrorCode::CouponTruncated3rdPurchaseFamilyCode => "The coupon's third purchase Family Code is shorter than the required three digits.",
            LintErrorCode::CouponMissing3rdPurchaseGcpVli => "The coupon's third purchase GS1 Company Prefix VLI is missing.",
            LintErrorCode::CouponInvalid3rdPurchaseGcpLength => "The coupon's third purchase GS1 Company Prefix VLI must be \"0\" to \"6\" or \"9\".",
            LintErrorCode::CouponTruncated3rdPurchaseGcp => "The coupon's third purchase GS1 Company Prefix is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponTooShortForExpirationDate => "The coupon's expiration date is too short for YYMMDD format.",
            LintErrorCode::CouponInvalidExipirationDate => "The coupon's expiration date is invalid.",
            LintErrorCode::CouponTooShortForStartDate => "The coupon's start date is too short to YYMMDD format.",
            LintErrorCode::CouponInvalidStartDate => "The coupon's start date is invalid.",
            LintErrorCode::CouponExpirationBeforeStart => "The coupon's expiration date precede the start date.",
            LintErrorCode::CouponMissingRetailerGcpOrGlnVli => "The coupon's Retailer GCP/GLN VLI is missing.",
            LintErrorCode::CouponInvalidRetailerGcpOrGlnLength => "The coupon's Retailer GCP/GLN VLI must be \"1\" to \"7\".",
            LintErrorCode::CouponTruncatedRetailerGcpOrGln => "The coupon's Retailer GCP/GLN is shorter than what is indicated by its VLI.",
            LintErrorCode::CouponMissingSaveValueCode => "The coupon's Save Value Code is missing.",
            LintErrorCode::CouponInvalidSaveValueCode => "The coupon's Save Value Code must be \"0\", \"1\", \"2\", \"5\" or \"6\".",
            LintErrorCode::CouponMissingSaveValueAppliesToItem => "The coupon's Save Value Applies to Item is missing.",
            LintErrorCode::CouponInvalidSaveValueAppliesToItem => "The coupon's Save Value Applies to Item must be \"0\" to \"2\".",
            LintErrorCode::CouponMissingStoreCouponFlag => "The coupon's Store Coupon Flag is missing.",
            LintErrorCode::CouponMissingDontMultiplyFlag => "The coupon's Don't Multiply Flag is missing.",
            LintErrorCode::CouponInvalidDontMultiplyFlag => "The coupon's Don't Multiply Flag must be \"0\" or \"1\".",
            LintErrorCode::CouponExcessData => "The coupon contains excess data after the recognised optional fields.",
            LintErrorCode::InvalidLatitude => "The latitude is outside of the range \"0000000000\" to \"1800000000\".",
            LintErrorCode::InvalidLongitude => "The longitude is outside of the range \"0000000000\" to \"3600000000\".",
            LintErrorCode::InvalidMediaType => "A valid AIDC media type is required.",
            LintErrorCode::LatitudeInvalidLength => "The latitude must be 10 digits.",
            LintErrorCode::LongitudeInvalidLength => "The longitude must be 10 digits.",
            LintErrorCode::InvalidCset64Character => "A non-CSET 64 character was found where a CSET 64 character is expected.",
            LintErrorCode::InvalidCset64Padding => "Incorrect number of CSET 64 pad characters.",
            LintErrorCode::NotHyphen => "Only hyphens are permitted.",
            LintErrorCode::InvalidBiologicalSexCode => "A valid ISO/IEC 5218 biological sex code required.",
            LintErrorCode::PositionInSequenceMalformed => "The data must have the format \"<pos>/<end>\".",
            LintErrorCode::PositionExceedsEnd => "The position number must not exceed the end number.",
            LintErrorCode::RequiresNonDigitCharacter => "A non-digit character is required.",
            LintErrorCode::HourTooShort => "The hour is too short for HH format.",
            LintErrorCode::HourTooLong => "The hour is too long for HH format.",
            LintErrorCode::MinuteTooShort => "The minute is too short for MI format.",
            LintErrorCode::MinuteTooLong => "The minute is too long for MI format.",
            LintErrorCode::SecondTooShort => "The second is too short for SS format.",
            LintErrorCode::SecondTooLong => "The second is too long for SS format.",
            LintErrorCode::InvalidPackageType => "A valid PackageTypeCode is required.",
            LintErrorCode::TooShortForGcp => "The component is shorter than the minimum length GS1 Company Prefix.",
            LintErrorCode::IbanTooLong => "The IBAN is too long.",
        }
    }
}

impl std::fmt::Display for LintErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}

/// A linter's finding: which rule, and the offending span within the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintError {
    /// The rule that failed.
    pub code: LintErrorCode,
    /// Start of the offending span, in bytes from the start of the component.
    pub pos: usize,
    /// Length of the offending span.
    pub len: usize,
}

impl LintError {
    /// A finding of `code` over `len` bytes at `pos`.
    pub(crate) const fn new(code: LintErrorCode, pos: usize, len: usize) -> LintError {
        LintError { code, pos, len }
    }

    /// The same finding moved `offset` bytes to the right (for a linter applied to a part).
    pub(crate) const fn shifted(self, offset: usize) -> LintError {
        LintError {
            code: self.code,
            pos: self.pos + offset,
            len: self.len,
        }
    }
}

impl std::fmt::Display for LintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (at {}, length {})",
            self.code.description(),
            self.pos,
            self.len
        )
    }
}

impl std::error::Error for LintError {}

/// Result of one linter run.
pub type LintResult = Result<(), LintError>;

/// Runs one linter over one component value.
pub fn lint(linter: Linter, component: &[u8]) -> LintResult {
    let d = component;
    match linter {
        Linter::Couponcode => coupon::couponcode(d),
        Linter::Couponposoffer => coupon::couponposoffer(d),
        Linter::Cset39 => cset::cset39(d),
        Linter::Cset64 => cset::cset64(d),
        Linter::Cset82 => cset::cset82(d),
        Linter::Csetnumeric => cset::csetnumeric(d),
        Linter::Csum => check_digits::csum(d),
        Linter::Csumalpha => check_digits::csumalpha(d),
        Linter::Gcppos1 => misc::gcppos1(d),
        Linter::Gcppos2 => misc::gcppos2(d),
        Linter::Hasnondigit => misc::hasnondigit(d),
        Linter::Hh => datetime::hh(d),
        Linter::Hhmi => datetime::hhmi(d),
        Linter::Hyphen => misc::hyphen(d),
        Linter::Iban => misc::iban(d),
        Linter::Importeridx => codes::importeridx(d),
        Linter::Iso3166 => codes::iso3166(d),
        Linter::Iso3166999 => codes::iso3166999(d),
        Linter::Iso3166alpha2 => codes::iso3166alpha2(d),
        Linter::Iso4217 => codes::iso4217(d),
        Linter::Iso5218 => codes::iso5218(d),
        Linter::Latitude => misc::latitude(d),
        Linter::Longitude => misc::longitude(d),
        Linter::Mediatype => codes::mediatype(d),
        Linter::Mi => datetime::mi(d),
        Linter::Nonzero => misc::nonzero(d),
        Linter::Nozeroprefix => misc::nozeroprefix(d),
        Linter::Packagetype => codes::packagetype(d),
        Linter::Pcenc => misc::pcenc(d),
        Linter::Pieceoftotal => misc::pieceoftotal(d),
        Linter::Posinseqslash => misc::posinseqslash(d),
        Linter::Ss => datetime::ss(d),
        Linter::Winding => misc::winding(d),
        Linter::Yesno => misc::yesno(d),
        Linter::Yymmd0 => datetime::yymmd0(d),
        Linter::Yymmdd => datetime::yymmdd(d),
        Linter::Yyyymmd0 => datetime::yyyymmd0(d),
        Linter::Yyyymmdd => datetime::yyyymmdd(d),
        Linter::Zero => misc::zero(d),
    }
}

/// The first non-digit in `d`, as a `NonDigitCharacter` finding.
#[inline]
pub(crate) fn digits(d: &[u8]) -> LintResult {
    match d.iter().position(|b| !b.is_ascii_digit()) {
        Some(pos) => Err(LintError::new(LintErrorCode::NonDigitCharacter, pos, 1)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
