//! AWS credentials and where they come from: environment, the shared credentials file, or EC2
//! instance metadata (IMDSv2, refreshed before expiry). Secrets are redacted in Debug output and
//! never put into error messages.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One set of credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    /// Unix seconds after which the credentials are no longer valid.
    pub expires_at: Option<i64>,
}

impl Credentials {
    pub fn new(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) -> Self {
        Credentials {
            access_key_id: access_key_id.to_string(),
            secret_access_key: secret_access_key.to_string(),
            session_token: session_token.map(str::to_string),
            expires_at: None,
        }
    }
    /// The secret; only the signer should call this.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why no credentials could be obtained.
#[derive(Debug)]
pub enum CredentialsError {
    /// A credentials file exists but could not be read.
    File { path: PathBuf, reason: String },
    /// The credentials file has no usable entry for the profile.
    Profile { path: PathBuf, profile: String },
    /// The instance metadata service failed.
    Imds {
        endpoint: String,
        step: &'static str,
        reason: String,
    },
    /// No source had credentials.
    NotFound { tried: Vec<String> },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::File { path, reason } => {
                write!(f, "cannot read credentials file {}: {reason}", path.display())
            }
            CredentialsError::Profile { path, profile } => write!(
                f,
                "credentials file {} has no aws_access_key_id/aws_secret_access_key for profile {profile:?}",
                path.display()
            ),
            CredentialsError::Imds { endpoint, step, reason } => {
                write!(f, "instance metadata at {endpoint}: {step}: {reason}")
            }
            CredentialsError::NotFound { tried } => {
                write!(f, "no AWS credentials found (tried: {})", tried.join("; "))
            }
        }
    }
}

impl std::error::Error for CredentialsError {}

/// Something that hands out currently valid credentials.
pub trait ProvideCredentials: Send + Sync {
    fn credentials(&self) -> Result<Credentials, CredentialsError>;
    /// A short description of the source, for messages (never contains secrets).
    fn describe(&self) -> String;
}

/// Credentials that never change (environment, file, or given by the caller).
pub struct StaticProvider {
    creds: Credentials,
    source: String,
}

impl StaticProvider {
    pub fn new(creds: Credentials, source: &str) -> Self {
        StaticProvider {
            creds,
            source: source.to_string(),
        }
    }
}

impl ProvideCredentials for StaticProvider {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.creds.clone())
    }
    fn describe(&self) -> String {
        self.source.clone()
    }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, read
/// through `var` so tests need not touch the process environment.
pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Option<Credentials> {
    let nonempty = |k: &str| var(k).filter(|v| !v.is_empty());
    let id = nonempty("AWS_ACCESS_KEY_ID")?;
    let secret = nonempty("AWS_SECRET_ACCESS_KEY")?;
    let token = nonempty("AWS_SESSION_TOKEN");
    Some(Credentials::new(&id, &secret, token.as_deref()))
}

/// Parses an INI-style shared credentials file and returns the profile's credentials.
pub fn parse_credentials_file(text: &str, profile: &str) -> Option<Credentials> {
    let mut in_profile = false;
    let (mut id, mut secret, mut token) = (None, None, None);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            // ~/.aws/config style "[profile x]" is accepted too.
            let name = name.strip_prefix("profile ").map(str::trim).unwrap_or(name);
            in_profile = name == profile;
            continue;
        }
        if !in_profile {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "aws_access_key_id" => id = Some(v),
                "aws_secret_access_key" => secret = Some(v),
                "aws_session_token" => token = Some(v),
                _ => {}
            }
        }
    }
    Some(Credentials::new(&id?, &secret?, token.as_deref()))
}

/// The shared credentials file and profile named by the environment.
pub fn shared_file_location(var: &dyn Fn(&str) -> Option<String>) -> Option<(PathBuf, String)> {
    let profile = var("AWS_PROFILE")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "default".into());
    let path = match var("AWS_SHARED_CREDENTIALS_FILE").filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(var("HOME")?).join(".aws").join("credentials"),
    };
    Some((path, profile))
}

fn from_file(path: &Path, profile: &str) -> Result<Option<Credentials>, CredentialsError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CredentialsError::File {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    match parse_credentials_file(&text, profile) {
        Some(c) => Ok(Some(c)),
        None => Err(CredentialsError::Profile {
            path: path.to_path_buf(),
            profile: profile.to_string(),
        }),
    }
}

/// The chain: environment, then the shared credentials file, then IMDSv2. The environment and
/// the file are read once, here; IMDS credentials are fetched lazily and refreshed.
pub fn default_chain() -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let var = |k: &str| std::env::var(k).ok();
    chain(&var)
}

/// [`default_chain`] with an injectable environment.
pub fn chain(
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let mut tried = vec!["environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY".to_string()];
    if let Some(c) = from_env(var) {
        return Ok(Arc::new(StaticProvider::new(c, "environment")));
    }
    if let Some((path, profile)) = shared_file_location(var) {
        tried.push(format!("{} [{profile}]", path.display()));
        let explicit = var("AWS_PROFILE").is_some_and(|p| !p.is_empty());
        match from_file(&path, &profile) {
            Ok(Some(c)) => {
                let source = format!("{} [{profile}]", path.display());
                return Ok(Arc::new(StaticProvider::new(c, &source)));
            }
            Ok(None) => {}
            // A file without a [default] section is normal on an instance with a role; a
            // profile the operator named explicitly must exist.
            Err(CredentialsError::Profile { .. }) if !explicit => {}
            Err(e) => return Err(e),
        }
    }
    let endpoint = var("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| DEFAULT_IMDS_ENDPOINT.to_string());
    if var("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(CredentialsError::NotFound { tried });
    }
    let imds = ImdsProvider::new(&endpoint);
    // Probe now so a box without credentials fails with one clear message up front.
    match imds.credentials() {
        Ok(_) => Ok(Arc::new(imds)),
        Err(e) => {
            tried.push(e.to_string());
            Err(CredentialsError::NotFound { tried })
        }
    }
}

pub const DEFAULT_IMDS_ENDPOINT: &str = "http://169.254.169.254";

/// EC2 instance-metadata credentials (IMDSv2), cached until `refresh_before` ahead of expiry.
pub struct ImdsProvider {
    endpoint: String,
    refresh_before: Duration,
    timeout_secs: u64,
    cache: Mutex<Option<Credentials>>,
}

impl ImdsProvider {
    pub fn new(endpoint: &str) -> Self {
        ImdsProvider {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            refresh_before: Duration::from_secs(300),
            timeout_secs: 2,
            cache: Mutex::new(None),
        }
    }
    /// Refreshes credentials once they expire within `d` (default five minutes).
    pub fn with_refresh_before(mut self, d: Duration) -> Self {
        self.refresh_before = d;
        self
    }

    fn err(&self, step: &'static str, reason: String) -> CredentialsError {
        CredentialsError::Imds {
            endpoint: self.endpoint.clone(),
            step,
            reason,
        }
    }

    fn call(&self, req: minreq::Request, step: &'static str) -> Result<String, CredentialsError> {
        let resp = req
            .with_timeout(self.timeout_secs)
            .send()
            .map_err(|e| self.err(step, e.to_string()))?;
        if resp.status_code != 200 {
            return Err(self.err(step, format!("HTTP {}", resp.status_code)));
        }
        resp.as_str()
            .map(str::to_string)
            .map_err(|e| self.err(step, e.to_string()))
    }

    fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = self.call(
            minreq::put(format!("{}/latest/api/token", self.endpoint))
                .with_header("X-aws-ec2-metadata-token-ttl-seconds", "21600"),
            "get session token",
        )?;
        let base = format!(
            "{}/latest/meta-data/iam/security-credentials/",
            self.endpoint
        );
        let roles = self.call(
            minreq::get(base.clone()).with_header("X-aws-ec2-metadata-token", token.trim()),
            "list instance role",
        )?;
        let role = roles
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| self.err("list instance role", "no IAM role attached".into()))?
            .to_string();
        let body = self.call(
            minreq::get(format!("{base}{}", super::sigv4::uri_encode(&role, false)))
                .with_header("X-aws-ec2-metadata-token", token.trim()),
            "get role credentials",
        )?;
        parse_imds_credentials(&body).map_err(|r| self.err("get role credentials", r))
    }
}

impl ProvideCredentials for ImdsProvider {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut cache = match self.cache.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        if let Some(c) = cache.as_ref() {
            if !needs_refresh(c, now_unix(), self.refresh_before) {
                return Ok(c.clone());
            }
        }
        match self.fetch() {
            Ok(c) => {
                *cache = Some(c.clone());
                Ok(c)
            }
            // A failed refresh may still leave usable (not yet expired) credentials.
            Err(e) => match cache.as_ref() {
                Some(c) if c.expires_at.is_some_and(|t| t > now_unix() + 10) => Ok(c.clone()),
                _ => Err(e),
            },
        }
    }
    fn describe(&self) -> String {
        format!("instance metadata at {}", self.endpoint)
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Whether credentials expire within `window` of `now` (Unix seconds).
pub fn needs_refresh(c: &Credentials, now: i64, window: Duration) -> bool {
    match c.expires_at {
        Some(t) => now + window.as_secs() as i64 >= t,
        None => false,
    }
}

/// Parses the IMDS role-credentials JSON.
pub fn parse_imds_credentials(body: &str) -> Result<Credentials, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Imds {
        code: Option<String>,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        token: Option<String>,
        expiration: Option<String>,
    }
    let v: Imds = serde_json::from_str(body).map_err(|e| format!("invalid JSON: {e}"))?;
    if let Some(code) = v.code.as_deref() {
        if code != "Success" {
            return Err(format!("metadata service answered Code={code}"));
        }
    }
    let (Some(id), Some(secret)) = (v.access_key_id, v.secret_access_key) else {
        return Err("AccessKeyId or SecretAccessKey missing".into());
    };
    let mut c = Credentials::new(&id, &secret, v.token.as_deref());
    if let Some(e) = v.expiration {
        c.expires_at =
            Some(parse_rfc3339(&e).ok_or_else(|| format!("unreadable Expiration {e:?}"))?);
    }
    Ok(c)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac]Z` (UTC) into Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset: i64 = match rest {
        "Z" | "z" => 0,
        r if r.len() == 6 && (r.starts_with('+') || r.starts_with('-')) => {
            let hh: i64 = r.get(1..3)?.parse().ok()?;
            let mm: i64 = r.get(4..6)?.parse().ok()?;
            let o = hh * 3600 + mm * 60;
            if r.starts_with('+') {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some(super::sigv4::unix_from_civil(y as i64, mo, d, h, mi, sec) - offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKID", "supersecret", Some("tok3n"));
        let d = format!("{c:?}");
        assert!(d.contains("AKID"));
        assert!(!d.contains("supersecret") && !d.contains("tok3n"), "{d}");
    }

    #[test]
    fn env_credentials() {
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_SESSION_TOKEN", "T"),
        ]);
        let c = from_env(&e).unwrap();
        assert_eq!(
            (
                c.access_key_id.as_str(),
                c.secret_access_key(),
                c.session_token()
            ),
            ("A", "S", Some("T"))
        );
        assert!(from_env(&env(&[("AWS_ACCESS_KEY_ID", "A")])).is_none());
    }

    #[test]
    fn credentials_file_profiles() {
        let text = "# c\n[default]\naws_access_key_id = D\naws_secret_access_key = DS\n\n\
                    [profile ci]\naws_access_key_id=C\naws_secret_access_key=CS\naws_session_token = CT\n[empty]\n";
        let d = parse_credentials_file(text, "default").unwrap();
        assert_eq!(
            (
                d.access_key_id.as_str(),
                d.secret_access_key(),
                d.session_token()
            ),
            ("D", "DS", None)
        );
        let c = parse_credentials_file(text, "ci").unwrap();
        assert_eq!(c.session_token(), Some("CT"));
        assert!(parse_credentials_file(text, "empty").is_none());
        assert!(parse_credentials_file(text, "missing").is_none());
    }

    #[test]
    fn chain_prefers_env_then_file() {
        let dir = std::env::temp_dir().join(format!("hydrant-creds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credentials");
        std::fs::write(
            &file,
            "[p]\naws_access_key_id=F\naws_secret_access_key=FS\n",
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "E"),
            ("AWS_SECRET_ACCESS_KEY", "ES"),
            ("AWS_SHARED_CREDENTIALS_FILE", f),
            ("AWS_PROFILE", "p"),
        ]);
        assert_eq!(chain(&e).unwrap().credentials().unwrap().access_key_id, "E");
        let e = env(&[("AWS_SHARED_CREDENTIALS_FILE", f), ("AWS_PROFILE", "p")]);
        assert_eq!(chain(&e).unwrap().credentials().unwrap().access_key_id, "F");
        let e = env(&[("AWS_SHARED_CREDENTIALS_FILE", f), ("AWS_PROFILE", "other")]);
        let err = chain(&e).err().unwrap().to_string();
        assert!(err.contains("other") && !err.contains("FS"), "{err}");
        // No [default] and no AWS_PROFILE: fall through to the next source (IMDS, dead here).
        let e = env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", f),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"),
        ]);
        let err = chain(&e).err().unwrap().to_string();
        assert!(
            err.contains("no AWS credentials") && err.contains("instance metadata"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn imds_json_and_expiry() {
        let body = r#"{"Code":"Success","LastUpdated":"2026-01-01T00:00:00Z","Type":"AWS-HMAC",
            "AccessKeyId":"ASIA1","SecretAccessKey":"sec","Token":"tok","Expiration":"2026-01-01T06:00:00Z"}"#;
        let c = parse_imds_credentials(body).unwrap();
        assert_eq!(c.access_key_id, "ASIA1");
        assert_eq!(c.expires_at, Some(1_767_247_200));
        assert!(!needs_refresh(
            &c,
            1_767_247_200 - 3600,
            Duration::from_secs(300)
        ));
        assert!(needs_refresh(
            &c,
            1_767_247_200 - 200,
            Duration::from_secs(300)
        ));
        assert!(parse_imds_credentials(r#"{"Code":"Failed"}"#).is_err());
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("2015-08-30T12:36:00Z"), Some(1_440_938_160));
        assert_eq!(
            parse_rfc3339("2015-08-30T12:36:00.123Z"),
            Some(1_440_938_160)
        );
        assert_eq!(
            parse_rfc3339("2015-08-30T14:36:00+02:00"),
            Some(1_440_938_160)
        );
        assert_eq!(parse_rfc3339("garbage"), None);
    }
}
