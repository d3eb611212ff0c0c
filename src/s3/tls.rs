//! Which CAs an https endpoint may be signed by, as the rest of the ecosystem does it: the
//! system store (rustls-native-certs; `SSL_CERT_FILE` replaces it), every PEM file in
//! `SSL_CERT_DIR`, `AWS_CA_BUNDLE`, and the bucket's own `ca_file`; the bundled Mozilla roots
//! when the system has none.

use super::client::Error;
use std::path::Path;
use std::sync::Arc;

/// A rustls client configuration trusting the CAs above (and `ca_file`, which must exist and
/// hold at least one certificate).
pub(crate) fn client_config(ca_file: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, Error> {
    let mut roots = rustls::RootCertStore::empty();
    let mut system = 0usize;
    // Unreadable system stores only mean fewer roots; a broken store is not our error.
    if let Ok(certs) = rustls_native_certs::load_native_certs() {
        let ders: Vec<Vec<u8>> = certs.into_iter().map(|c| c.0).collect();
        system += roots.add_parsable_certificates(&ders).0;
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR") {
        for dir in std::env::split_paths(&dirs) {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                if let Ok(ders) = read_pem(&e.path()) {
                    system += roots.add_parsable_certificates(&ders).0;
                }
            }
        }
    }
    if let Some(bundle) = std::env::var_os("AWS_CA_BUNDLE").filter(|b| !b.is_empty()) {
        let path = Path::new(&bundle);
        let ders = read_pem(path).map_err(|e| Error::Config(format!("AWS_CA_BUNDLE {e}")))?;
        system += roots.add_parsable_certificates(&ders).0;
    }
    if let Some(path) = ca_file {
        let ders = read_pem(path).map_err(|e| Error::Config(format!("ca_file {e}")))?;
        let (added, _) = roots.add_parsable_certificates(&ders);
        if added == 0 {
            return Err(Error::Config(format!(
                "ca_file {}: no usable CA certificate in it",
                path.display()
            )));
        }
    }
    if system == 0 {
        roots.add_trust_anchors(webpki_roots::TLS_SERVER_ROOTS.iter().map(|ta| {
            rustls::OwnedTrustAnchor::from_subject_spki_name_constraints(
                ta.subject,
                ta.spki,
                ta.name_constraints,
            )
        }));
    }
    let cfg = rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// The DER certificates in a PEM file; an error names the file and says what is wrong.
fn read_pem(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let ders = rustls_pemfile::certs(&mut std::io::BufReader::new(f))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if ders.is_empty() {
        return Err(format!("{}: no PEM certificate in it", path.display()));
    }
    Ok(ders)
}
