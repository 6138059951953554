//! See main.rs.

/// A pseudo-terminal standing in for a serial scanner: the test writes to `master` (what the
/// scanner sends) and the gateway opens `path` (the slave) through tokio-serial. Dropping the
/// pair is unplugging the scanner.
pub struct PtyPair {
    /// The scanner's end.
    pub master: std::fs::File,
    /// Kept open so the slave exists until the test drops the pair.
    pub _slave: std::os::fd::OwnedFd,
    /// `/dev/pts/N`.
    pub path: std::path::PathBuf,
}

/// Opens a new pseudo-terminal pair.
pub fn pty_pair() -> PtyPair {
    let pty = nix::pty::openpty(None, None).expect("openpty: /dev/ptmx must work on test machines");
    let path = nix::unistd::ttyname(&pty.slave).expect("ttyname of a fresh pty slave");
    // openpty(3) does not set close-on-exec: without it a spawned `gs1-gateway` would inherit the
    // master and the "unplug" (closing it) would never happen.
    for fd in [&pty.master, &pty.slave] {
        use std::os::fd::AsRawFd;
        nix::fcntl::fcntl(
            fd.as_raw_fd(),
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        )
        .expect("setting FD_CLOEXEC on a pty");
    }
    PtyPair {
        master: std::fs::File::from(pty.master),
        _slave: pty.slave,
        path,
    }
}

/// The bytes of a file under `hardware-fixtures/`.
pub fn hardware_fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("hardware-fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display()))
}
