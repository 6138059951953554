//! Pure image decoding for the camera and folder sources.
