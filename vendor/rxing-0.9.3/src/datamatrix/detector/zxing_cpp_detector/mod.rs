mod cpp_new_detector;

pub use cpp_new_detector::detect_with;
