//! TLS client configuration (rustls with the ring provider).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use super::PublishError;

fn cfg_err(m: String) -> PublishError {
    PublishError::Config(m)
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, PublishError> {
    let data = std::fs::read(path).map_err(|e| {
        cfg_err(format!(
            "cannot read certificate file {}: {e}",
            path.display()
        ))
    })?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| cfg_err(format!("invalid PEM in {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(cfg_err(format!(
            "no certificate found in {}",
            path.display()
        )));
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, PublishError> {
    let data = std::fs::read(path)
        .map_err(|e| cfg_err(format!("cannot read key file {}: {e}", path.display())))?;
    rustls_pemfile::private_key(&mut data.as_slice())
        .map_err(|e| cfg_err(format!("invalid PEM in {}: {e}", path.display())))?
        .ok_or_else(|| cfg_err(format!("no private key found in {}", path.display())))
}

/// Builds the client configuration: the CA file's roots (or the system's), and optionally a
/// client certificate and key for mutual TLS. The ring provider is chosen explicitly, so no
/// process-wide default provider is needed.
pub fn client_config(
    ca_file: Option<&Path>,
    client_cert: Option<&Path>,
    client_key: Option<&Path>,
) -> Result<Arc<ClientConfig>, PublishError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(ca) => {
            for c in read_certs(ca)? {
                roots
                    .add(c)
                    .map_err(|e| cfg_err(format!("bad CA certificate in {}: {e}", ca.display())))?;
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            for c in native.certs {
                let _ = roots.add(c);
            }
            if roots.is_empty() {
                return Err(cfg_err(
                    "no system CA certificates found; set mqtt.ca_file".into(),
                ));
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| cfg_err(format!("TLS setup: {e}")))?
        .with_root_certificates(roots);
    let config = match (client_cert, client_key) {
        (Some(cert), Some(key)) => builder
            .with_client_auth_cert(read_certs(cert)?, read_key(key)?)
            .map_err(|e| {
                cfg_err(format!(
                    "client certificate/key do not match or are invalid: {e}"
                ))
            })?,
        (None, None) => builder.with_no_client_auth(),
        _ => {
            return Err(cfg_err(
                "mqtt.client_cert and mqtt.client_key must be set together".into(),
            ))
        }
    };
    Ok(Arc::new(config))
}
