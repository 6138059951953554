mod error_correction_level;
pub use error_correction_level::*;

mod format_information;
mod mode;

mod version;
mod version_build_versions_arrays;

#[cfg(test)]
mod ErrorCorrectionLevelTestCase;
#[cfg(test)]
mod FormatInformationTestCase;
#[cfg(test)]
mod ModeTestCase;
#[cfg(test)]
mod VersionTestCase;

pub use format_information::*;
pub use mode::*;
pub use version::*;
