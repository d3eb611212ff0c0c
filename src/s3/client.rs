//! The one S3 client: builds and signs requests, sends them over HTTP/1.1 of our own, plain or
//! TLS (`stream_put`: `Expect: 100-continue`, streamed bodies, big-buffer GETs; rustls with the
//! system's CAs, `AWS_CA_BUNDLE` and a per-bucket `ca_file`), retries transient failures with backoff and jitter (never a permanent 4xx,
//! nor an error code that says the request itself is wrong, whatever its status), names the
//! cause of a refused HEAD (asked again once as a GET, whose answer has a body), and streams
//! large bodies in bounded memory (multipart uploads in reused part buffers, ranged downloads).

use super::credentials::{CredentialsError, ProvideCredentials};
use super::sigv4::{self, EMPTY_SHA256, UNSIGNED_PAYLOAD};
use super::stream_put::{self, Body};
use super::xml::{self, DeleteFailure, ListPage, ObjectInfo};
use base64::Engine;
use md5::{Digest, Md5};
use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MIB: usize = 1024 * 1024;

/// Where and how to talk to S3.
#[derive(Debug, Clone)]
pub struct Config {
    /// `http://host:port` or `https://host`; None means AWS (`https://s3.<region>.amazonaws.com`).
    pub endpoint: Option<String>,
    pub region: String,
    /// `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO, s3s, Garage want this).
    pub path_style: bool,
    pub connect_timeout: Duration,
    /// How long a response may stall before the attempt counts as timed out.
    pub read_timeout: Duration,
    /// Transfers slower than this (bytes/s) time out: minreq has one deadline per request, so
    /// the deadline grows with the body size at this rate.
    pub min_throughput: u64,
    /// Attempts per request, including the first.
    pub max_attempts: u32,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Size of multipart parts (and of the single reused upload buffer); at least 5 MiB.
    pub part_size: usize,
    /// Size of each ranged GET while downloading.
    pub download_chunk: u64,
    /// Hash each body into `x-amz-content-sha256` (true) or send `UNSIGNED-PAYLOAD`.
    pub sign_payload: bool,
    /// Largest file [`Client::upload_file`] sends as one streamed PutObject over http (S3
    /// allows 5 GiB); a failed attempt resends the whole file.
    pub stream_put_max: u64,
    /// How long a PUT with `Expect: 100-continue` waits for the go-ahead (or an early refusal)
    /// before sending its body anyway (plain http only).
    pub continue_wait: Duration,
    /// PEM file of extra CA certificates to trust for an https endpoint (an internal CA), on
    /// top of the system store, `SSL_CERT_FILE`/`SSL_CERT_DIR` and `AWS_CA_BUNDLE`.
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            endpoint: None,
            region: "us-east-1".into(),
            path_style: false,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            min_throughput: 256 * 1024,
            max_attempts: 6,
            retry_base: Duration::from_millis(200),
            retry_max: Duration::from_secs(20),
            part_size: 8 * MIB,
            download_chunk: 64 * MIB as u64,
            sign_payload: true,
            stream_put_max: 5 * 1024 * MIB as u64,
            continue_wait: Duration::from_secs(1),
            ca_file: None,
        }
    }
}

/// What went wrong, naming the operation and the `s3://bucket/key` it was for. Never holds
/// credentials.
#[derive(Debug)]
pub enum Error {
    /// The server answered with an error status.
    Http {
        op: &'static str,
        target: String,
        status: u16,
        code: String,
        message: String,
        attempts: u32,
    },
    /// No usable answer: connection refused or reset, timeout, truncated response.
    Transport {
        op: &'static str,
        target: String,
        detail: String,
        attempts: u32,
    },
    /// Reading the local source or writing the local destination failed.
    Local {
        op: &'static str,
        target: String,
        context: &'static str,
        source: io::Error,
    },
    /// The server answered 2xx with something we cannot use.
    Protocol {
        op: &'static str,
        target: String,
        detail: String,
    },
    /// The TLS handshake failed for good (untrusted or wrong certificate): never retried.
    Tls {
        op: &'static str,
        target: String,
        detail: String,
    },
    Credentials(CredentialsError),
    Config(String),
}

impl Error {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
    /// Whether trying again may help. An S3 error code that says the request itself is wrong
    /// (see [`permanent_code`]) is final whatever the status: some servers answer a payload
    /// hash mismatch or a malformed body with 500, and resending the same bytes cannot help.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Http { code, .. } if permanent_code(code) => false,
            Error::Http { status, code, .. } => {
                *status >= 500
                    || *status == 429
                    || *status == 408
                    || matches!(
                        code.as_str(),
                        "SlowDown"
                            | "RequestTimeout"
                            | "InternalError"
                            | "ServiceUnavailable"
                            | "Throttling"
                    )
            }
            Error::Transport { .. } => true,
            _ => false,
        }
    }
}

/// S3 error codes that describe the request or the account, not the server's state: the same
/// request sent again gets the same answer, so it is never retried (whatever the HTTP status).
pub fn permanent_code(code: &str) -> bool {
    matches!(
        code,
        // The body does not match what was signed or declared.
        "XAmzContentSHA256Mismatch"
            | "BadDigest"
            | "InvalidDigest"
            | "IncompleteBody"
            | "MalformedXML"
            | "EntityTooLarge"
            | "EntityTooSmall"
            | "InvalidPart"
            | "InvalidPartOrder"
            // Credentials, signature and permissions.
            | "SignatureDoesNotMatch"
            | "InvalidAccessKeyId"
            | "NotSignedUp"
            | "AccessDenied"
            | "AuthorizationHeaderMalformed"
            | "InvalidSecurity"
            | "InvalidToken"
            | "ExpiredToken"
            | "TokenRefreshRequired"
            | "AccountProblem"
            | "AllAccessDisabled"
            | "RequestTimeTooSkewed"
            | "MissingSecurityHeader"
            // What was asked for does not exist or cannot be done.
            | "NoSuchBucket"
            | "NoSuchKey"
            | "NoSuchUpload"
            | "InvalidBucketName"
            | "InvalidArgument"
            | "InvalidRequest"
            | "InvalidRange"
            | "KeyTooLongError"
            | "MethodNotAllowed"
            | "NotImplemented"
            | "PreconditionFailed"
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tries = |n: &u32| {
            if *n > 1 {
                format!(" (after {n} attempts)")
            } else {
                String::new()
            }
        };
        match self {
            Error::Http {
                op,
                target,
                status,
                code,
                message,
                attempts,
            } => {
                write!(f, "{op} {target}: HTTP {status}")?;
                if !code.is_empty() {
                    write!(f, " {code}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                write!(f, "{}", tries(attempts))
            }
            Error::Transport {
                op,
                target,
                detail,
                attempts,
            } => {
                write!(f, "{op} {target}: {detail}{}", tries(attempts))
            }
            Error::Local {
                op,
                target,
                context,
                source,
            } => write!(f, "{op} {target}: {context}: {source}"),
            Error::Protocol { op, target, detail } => {
                write!(f, "{op} {target}: unexpected response: {detail}")
            }
            Error::Tls { op, target, detail } => write!(f, "{op} {target}: {detail}"),
            Error::Credentials(e) => write!(f, "{e}"),
            Error::Config(m) => write!(f, "S3 configuration: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Local { source, .. } => Some(source),
            Error::Credentials(e) => Some(e),
            _ => None,
        }
    }
}

/// Metadata from HeadObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    pub size: u64,
    pub etag: String,
    pub content_type: Option<String>,
    pub last_modified: Option<String>,
}

/// The result of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub size: u64,
    pub etag: String,
    /// 0 for a single PutObject, else the number of multipart parts.
    pub parts: u32,
}

/// `s3://bucket/key` for messages.
pub fn target(bucket: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("s3://{bucket}/{k}"),
        None => format!("s3://{bucket}"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Head,
    Put,
    Post,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One logical request; signed afresh on every attempt.
struct Req<'a> {
    op: &'static str,
    method: Method,
    bucket: &'a str,
    key: Option<&'a str>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: &'a [u8],
    payload_hash: String,
}

impl<'a> Req<'a> {
    fn new(op: &'static str, method: Method, bucket: &'a str, key: Option<&'a str>) -> Self {
        Req {
            op,
            method,
            bucket,
            key,
            query: Vec::new(),
            headers: Vec::new(),
            body: &[],
            payload_hash: EMPTY_SHA256.to_string(),
        }
    }
    fn query(mut self, k: &str, v: &str) -> Self {
        self.query.push((k.to_string(), v.to_string()));
        self
    }
    fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_ascii_lowercase(), v.to_string()));
        self
    }
    fn body(mut self, body: &'a [u8], hash: String) -> Self {
        self.body = body;
        self.payload_hash = hash;
        self
    }
    fn target(&self) -> String {
        target(self.bucket, self.key)
    }
}

/// A parsed endpoint.
#[derive(Debug, Clone)]
struct Endpoint {
    https: bool,
    host: String,
    port: Option<u16>,
}

fn parse_endpoint(s: &str) -> Result<Endpoint, Error> {
    let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = s.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(Error::Config(format!(
            "endpoint {s:?} must start with http:// or https://"
        )));
    };
    let rest = rest.trim_end_matches('/');
    if rest.contains('/') || rest.contains('?') || rest.is_empty() {
        return Err(Error::Config(format!(
            "endpoint {s:?} must be scheme://host[:port] without a path"
        )));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => {
            let port = p
                .parse()
                .map_err(|_| Error::Config(format!("endpoint {s:?} has a bad port")))?;
            (h.to_string(), Some(port))
        }
        None => (rest.to_string(), None),
    };
    Ok(Endpoint { https, host, port })
}

/// The S3 client. Cheap to share across threads (`&Client` is enough).
pub struct Client {
    config: Config,
    endpoint: Endpoint,
    credentials: Arc<dyn ProvideCredentials>,
    /// Built once for an https endpoint.
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("credentials", &self.credentials.describe())
            .finish()
    }
}

/// A response whose body was read in full.
struct Resp {
    status: u16,
    headers: std::collections::HashMap<String, String>,
    body: Vec<u8>,
}

impl Client {
    /// A client with credentials from the default chain (environment, shared file, IMDSv2).
    pub fn from_default_chain(config: Config) -> Result<Client, Error> {
        let creds = super::credentials::default_chain().map_err(Error::Credentials)?;
        Client::new(config, creds)
    }

    pub fn new(config: Config, credentials: Arc<dyn ProvideCredentials>) -> Result<Client, Error> {
        let ep = match &config.endpoint {
            Some(e) => e.clone(),
            None => format!("https://s3.{}.amazonaws.com", config.region),
        };
        let endpoint = parse_endpoint(&ep)?;
        if config.part_size < 5 * MIB {
            return Err(Error::Config(format!(
                "part size {} is below S3's 5 MiB minimum",
                config.part_size
            )));
        }
        if config.max_attempts == 0 {
            return Err(Error::Config("max_attempts must be at least 1".into()));
        }
        let tls = if endpoint.https {
            Some(super::tls::client_config(config.ca_file.as_deref())?)
        } else {
            None
        };
        Ok(Client {
            config,
            endpoint,
            credentials,
            tls,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// (url, canonical path, host header) for a bucket and optional key.
    fn locate(&self, bucket: &str, key: Option<&str>, query: &str) -> (String, String, String) {
        let ep = &self.endpoint;
        let port = ep.port.map(|p| format!(":{p}")).unwrap_or_default();
        let key_path = key.map(|k| sigv4::uri_encode(k, true));
        let (host, path) = if self.config.path_style {
            let mut p = format!("/{}", sigv4::uri_encode(bucket, false));
            if let Some(k) = key_path {
                p.push('/');
                p.push_str(&k);
            }
            (ep.host.clone(), p)
        } else {
            (
                format!("{bucket}.{}", ep.host),
                format!("/{}", key_path.unwrap_or_default()),
            )
        };
        let host_header = format!("{host}{port}");
        let scheme = if ep.https { "https" } else { "http" };
        let mut url = format!("{scheme}://{host_header}{path}");
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        (url, path, host_header)
    }

    /// Signs one attempt: returns the URL, the request target (path and query), and the headers
    /// to send (with `Authorization`, without `Host`, which both transports derive from the URL).
    fn sign(&self, req: &Req<'_>) -> Result<SignedAttempt, Error> {
        let creds = self.credentials.credentials().map_err(Error::Credentials)?;
        let query = sigv4::canonical_query(&req.query);
        let (_url, path, host) = self.locate(req.bucket, req.key, &query);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let amz_date = sigv4::amz_date(now);
        let mut headers = req.headers.clone();
        headers.push(("host".into(), host));
        headers.push(("x-amz-date".into(), amz_date.clone()));
        headers.push(("x-amz-content-sha256".into(), req.payload_hash.clone()));
        if let Some(t) = creds.session_token() {
            headers.push(("x-amz-security-token".into(), t.to_string()));
        }
        let scope = sigv4::Scope {
            amz_date: &amz_date,
            region: &self.config.region,
            service: "s3",
        };
        let sreq = sigv4::Request {
            method: req.method.as_str(),
            path: &path,
            query: &req.query,
            headers: &headers,
            payload_hash: &req.payload_hash,
        };
        let signed = sigv4::sign(
            &sreq,
            &scope,
            &creds.access_key_id,
            creds.secret_access_key(),
        );
        headers.retain(|(k, _)| k != "host");
        headers.push(("authorization".into(), signed.authorization));
        let request_target = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        Ok(SignedAttempt {
            request_target,
            headers,
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or attempts run out.
    fn retrying<T>(&self, mut attempt: impl FnMut(u32) -> Result<T, Error>) -> Result<T, Error> {
        let mut n = 0;
        loop {
            n += 1;
            match attempt(n) {
                Err(e) if e.is_transient() && n < self.config.max_attempts => {
                    std::thread::sleep(self.backoff(n));
                }
                other => return other,
            }
        }
    }

    /// Backoff before attempt `attempt` (1-based count of failures so far): exponential with
    /// jitter so many uploaders do not retry in lockstep.
    fn backoff(&self, failures: u32) -> Duration {
        let base = self.config.retry_base.as_secs_f64()
            * 2f64.powi(failures.saturating_sub(1).min(20) as i32);
        let cap = base.min(self.config.retry_max.as_secs_f64());
        let mut r = [0u8; 8];
        let frac = match getrandom::getrandom(&mut r) {
            Ok(()) => (u64::from_le_bytes(r) % 1_000_000) as f64 / 1_000_000.0,
            Err(_) => 0.5,
        };
        Duration::from_secs_f64(cap * (0.5 + frac / 2.0))
    }

    fn http_error(req: &Req<'_>, status: u16, body: &[u8], attempts: u32) -> Error {
        let parsed = std::str::from_utf8(body).ok().and_then(xml::parse_error);
        let (code, message) = match parsed {
            Some(e) => (e.code, e.message),
            // HEAD errors have no body.
            None => (
                match status {
                    403 => "AccessDenied".to_string(),
                    404 => "NotFound".to_string(),
                    _ => String::new(),
                },
                String::new(),
            ),
        };
        Error::Http {
            op: req.op,
            target: req.target(),
            status,
            code,
            message,
            attempts,
        }
    }

    /// Sends with retries; the whole response body is read (fine for everything but GetObject).
    fn send(&self, req: &Req<'_>) -> Result<Resp, Error> {
        self.retrying(|attempt| self.send_once(req, attempt))
    }

    fn send_once(&self, req: &Req<'_>, attempt: u32) -> Result<Resp, Error> {
        let body = if req.body.is_empty() {
            Body::Empty
        } else {
            Body::Bytes(req.body)
        };
        let r = self.send_raw(req, body, attempt)?;
        Ok(Resp {
            status: r.status,
            headers: r.headers,
            body: r.body,
        })
    }

    /// Host to connect to and to name in `Host:` (without the port).
    fn raw_host(&self, bucket: &str) -> String {
        if self.config.path_style {
            self.endpoint.host.clone()
        } else {
            format!("{bucket}.{}", self.endpoint.host)
        }
    }

    fn raw_target<'h>(&'h self, host: &'h str) -> stream_put::Target<'h> {
        stream_put::Target {
            host,
            port: self
                .endpoint
                .port
                .unwrap_or(if self.tls.is_some() { 443 } else { 80 }),
            connect_timeout: self.config.connect_timeout,
            io_timeout: self.config.read_timeout,
            continue_wait: self.config.continue_wait,
            tls: self.tls.as_ref(),
        }
    }

    /// Request line and signed headers for one attempt, without the closing blank
    /// line (the transport adds length, `Expect` and `Connection`).
    fn raw_head(&self, req: &Req<'_>, host: &str) -> Result<String, Error> {
        let SignedAttempt {
            request_target,
            headers,
            ..
        } = self.sign(req)?;
        let mut head = format!(
            "{} {request_target} HTTP/1.1\r\nHost: {host}",
            req.method.as_str()
        );
        if let Some(p) = self.endpoint.port {
            head.push_str(&format!(":{p}"));
        }
        head.push_str("\r\nuser-agent: hydrant/");
        head.push_str(env!("CARGO_PKG_VERSION"));
        head.push_str("\r\n");
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        Ok(head)
    }

    /// One attempt with a small response; an error status becomes `Error::Http`.
    fn send_raw(
        &self,
        req: &Req<'_>,
        body: Body<'_>,
        attempt: u32,
    ) -> Result<stream_put::Response, Error> {
        let host = self.raw_host(req.bucket);
        let head = self.raw_head(req, &host)?;
        let t = self.raw_target(&host);
        match stream_put::send(&t, &head, body, req.method == Method::Head) {
            Ok(r) if (200..300).contains(&r.status) => Ok(r),
            Ok(r) => Err(Self::http_error(req, r.status, &r.body, attempt)),
            Err(stream_put::Failure::Source(e)) => Err(Error::Local {
                op: req.op,
                target: req.target(),
                context: "reading the source file",
                source: e,
            }),
            Err(stream_put::Failure::Transport(e)) => Err(Error::Transport {
                op: req.op,
                target: req.target(),
                detail: io_detail(&e),
                attempts: attempt,
            }),
            Err(stream_put::Failure::Tls(detail)) => Err(Error::Tls {
                op: req.op,
                target: req.target(),
                detail,
            }),
        }
    }

    fn protocol(req: &Req<'_>, detail: String) -> Error {
        Error::Protocol {
            op: req.op,
            target: req.target(),
            detail,
        }
    }

    fn payload_hash(&self, body: &[u8]) -> String {
        if self.config.sign_payload {
            sigv4::hex_sha256(body)
        } else {
            UNSIGNED_PAYLOAD.to_string()
        }
    }

    /// CreateBucket (useful for tests and S3-compatible stores).
    pub fn create_bucket(&self, bucket: &str) -> Result<(), Error> {
        let body = if self.config.region == "us-east-1" {
            String::new()
        } else {
            format!(
                "<CreateBucketConfiguration><LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.config.region
            )
        };
        let req = Req::new("CreateBucket", Method::Put, bucket, None)
            .body(body.as_bytes(), sigv4::hex_sha256(body.as_bytes()));
        self.send(&req).map(|_| ())
    }

    /// PutObject from memory.
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Uploaded, Error> {
        self.put_with_hash(bucket, key, body, content_type, self.payload_hash(body))
    }

    fn put_with_hash(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        content_type: Option<&str>,
        hash: String,
    ) -> Result<Uploaded, Error> {
        let mut req = Req::new("PutObject", Method::Put, bucket, Some(key)).body(body, hash);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = self.send(&req)?;
        let etag = resp.headers.get("etag").cloned().unwrap_or_default();
        Ok(Uploaded {
            size: body.len() as u64,
            etag,
            parts: 0,
        })
    }

    /// Uploads a stream of unknown length in bounded memory: one PutObject if it fits in one
    /// part, else a multipart upload (aborted if anything fails).
    pub fn upload(
        &self,
        bucket: &str,
        key: &str,
        reader: &mut dyn Read,
        content_type: Option<&str>,
    ) -> Result<Uploaded, Error> {
        let target = target(bucket, Some(key));
        let local = |source| Error::Local {
            op: "Upload",
            target: target.clone(),
            context: "reading the source",
            source,
        };
        let mut buf = vec![0u8; self.config.part_size];
        let n = fill(reader, &mut buf).map_err(local)?;
        if n < buf.len() {
            return self.put_object(bucket, key, &buf[..n], content_type);
        }
        let mut create =
            Req::new("CreateMultipartUpload", Method::Post, bucket, Some(key)).query("uploads", "");
        if let Some(ct) = content_type {
            create = create.header("content-type", ct);
        }
        let resp = self.send(&create)?;
        let upload_id = std::str::from_utf8(&resp.body)
            .map_err(|e| e.to_string())
            .and_then(xml::parse_upload_id)
            .map_err(|d| Self::protocol(&create, d))?;
        let result = self.upload_parts(bucket, key, &upload_id, reader, &mut buf, n);
        if result.is_err() {
            // Best effort: the original error is the one worth reporting.
            let abort = Req::new("AbortMultipartUpload", Method::Delete, bucket, Some(key))
                .query("uploadId", &upload_id);
            let _ = self.send(&abort);
        }
        result
    }

    fn upload_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        reader: &mut dyn Read,
        buf: &mut [u8],
        first: usize,
    ) -> Result<Uploaded, Error> {
        let mut parts: Vec<(u32, String)> = Vec::new();
        let mut n = first;
        let mut size = 0u64;
        loop {
            let number = parts.len() as u32 + 1;
            if number > 10_000 {
                return Err(Error::Protocol {
                    op: "UploadPart",
                    target: target(bucket, Some(key)),
                    detail: format!(
                        "more than 10000 parts of {} bytes; raise part_size",
                        buf.len()
                    ),
                });
            }
            let num = number.to_string();
            let part = &buf[..n];
            let req = Req::new("UploadPart", Method::Put, bucket, Some(key))
                .query("partNumber", &num)
                .query("uploadId", upload_id)
                .body(part, self.payload_hash(part));
            let resp = self.send(&req)?;
            let etag = resp.headers.get("etag").cloned().ok_or_else(|| {
                Self::protocol(&req, format!("part {number} answered without an ETag"))
            })?;
            parts.push((number, etag));
            size += n as u64;
            if n < buf.len() {
                break;
            }
            n = fill(reader, buf).map_err(|source| Error::Local {
                op: "UploadPart",
                target: target(bucket, Some(key)),
                context: "reading the source",
                source,
            })?;
            if n == 0 {
                break;
            }
        }
        let body = xml::complete_multipart_body(&parts);
        let req = Req::new("CompleteMultipartUpload", Method::Post, bucket, Some(key))
            .query("uploadId", upload_id)
            .header("content-type", "application/xml")
            .body(body.as_bytes(), sigv4::hex_sha256(body.as_bytes()));
        let resp = self.send(&req)?;
        let text = String::from_utf8_lossy(&resp.body);
        match xml::parse_complete(&text).map_err(|d| Self::protocol(&req, d))? {
            Ok(etag) => Ok(Uploaded {
                size,
                etag,
                parts: parts.len() as u32,
            }),
            Err(e) => Err(Error::Http {
                op: req.op,
                target: req.target(),
                status: resp.status,
                code: e.code,
                message: e.message,
                attempts: 1,
            }),
        }
    }

    /// Uploads a local file. A file larger than one part and at most
    /// `stream_put_max` goes up as one streamed PutObject (no part buffers, no server-side
    /// reassembly); otherwise this is [`Client::upload`].
    pub fn upload_file(
        &self,
        bucket: &str,
        key: &str,
        path: &std::path::Path,
        content_type: Option<&str>,
    ) -> Result<Uploaded, Error> {
        let local = |context, source| Error::Local {
            op: "Upload",
            target: target(bucket, Some(key)),
            context,
            source,
        };
        let mut f = std::fs::File::open(path).map_err(|e| local("opening the source file", e))?;
        let len = f
            .metadata()
            .map_err(|e| local("reading the source file's size", e))?
            .len();
        if self.streams(len) {
            return self.put_file_streamed(bucket, key, &mut f, len, content_type, None);
        }
        self.upload(bucket, key, &mut f, content_type)
    }

    /// [`Client::upload_file`] for a file whose SHA-256 the caller already knows (the cache
    /// uploader has it for the narinfo's FileHash): a streamed PUT signs it without reading the
    /// file twice, and the server rejects the body if it does not match.
    pub fn upload_file_hashed(
        &self,
        bucket: &str,
        key: &str,
        path: &std::path::Path,
        content_type: Option<&str>,
        sha256_hex: &str,
    ) -> Result<Uploaded, Error> {
        if sha256_hex.len() != 64 || !sha256_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Config(format!(
                "{sha256_hex:?} is not a hex SHA-256"
            )));
        }
        let local = |context, source| Error::Local {
            op: "Upload",
            target: target(bucket, Some(key)),
            context,
            source,
        };
        let mut f = std::fs::File::open(path).map_err(|e| local("opening the source file", e))?;
        let len = f
            .metadata()
            .map_err(|e| local("reading the source file's size", e))?
            .len();
        let hash = sha256_hex.to_ascii_lowercase();
        if self.streams(len) {
            return self.put_file_streamed(bucket, key, &mut f, len, content_type, Some(hash));
        }
        if len <= self.config.part_size as u64 {
            let mut body = Vec::with_capacity(len as usize);
            f.read_to_end(&mut body)
                .map_err(|e| local("reading the source file", e))?;
            return self.put_with_hash(bucket, key, &body, content_type, hash);
        }
        self.upload(bucket, key, &mut f, content_type)
    }

    /// Whether a file of `len` bytes goes up as one streamed PUT.
    fn streams(&self, len: u64) -> bool {
        len > self.config.part_size as u64 && len <= self.config.stream_put_max
    }

    /// PutObject with the body streamed from a seekable file; a retry starts from the top.
    fn put_file_streamed(
        &self,
        bucket: &str,
        key: &str,
        f: &mut std::fs::File,
        len: u64,
        content_type: Option<&str>,
        known_sha256: Option<String>,
    ) -> Result<Uploaded, Error> {
        use std::io::Seek;
        let local = |context, source| Error::Local {
            op: "PutObject",
            target: target(bucket, Some(key)),
            context,
            source,
        };
        let hash = if let Some(h) = known_sha256 {
            h
        } else if self.config.sign_payload {
            // One extra read of the file buys a body the server verifies end to end.
            let mut h = sha2::Sha256::new();
            io::copy(f, &mut HashWrite(&mut h)).map_err(|e| local("hashing the source file", e))?;
            sigv4::hex(&h.finalize())
        } else {
            UNSIGNED_PAYLOAD.to_string()
        };
        let mut req = Req::new("PutObject", Method::Put, bucket, Some(key)).body(&[], hash);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = self.retrying(|attempt| {
            f.seek(io::SeekFrom::Start(0))
                .map_err(|e| local("rewinding the source file", e))?;
            self.send_raw(&req, Body::File(f, len), attempt)
        })?;
        let etag = resp.headers.get("etag").cloned().unwrap_or_default();
        Ok(Uploaded {
            size: len,
            etag,
            parts: 0,
        })
    }

    /// HeadObject; `Ok(None)` when the object does not exist.
    pub fn head_object(&self, bucket: &str, key: &str) -> Result<Option<ObjectMeta>, Error> {
        let req = Req::new("HeadObject", Method::Head, bucket, Some(key));
        match self.send(&req) {
            Ok(resp) => {
                let size = resp
                    .headers
                    .get("content-length")
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| Self::protocol(&req, "no Content-Length".into()))?;
                Ok(Some(ObjectMeta {
                    size,
                    etag: resp.headers.get("etag").cloned().unwrap_or_default(),
                    content_type: resp.headers.get("content-type").cloned(),
                    last_modified: resp.headers.get("last-modified").cloned(),
                }))
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(
                e @ Error::Http {
                    status: 400 | 403, ..
                },
            ) => Err(self.explain_head(&req, e)),
            Err(e) => Err(e),
        }
    }

    /// A HEAD answer has no body, so a refused HEAD says only "403": the cause
    /// (SignatureDoesNotMatch, InvalidAccessKeyId, a real AccessDenied…) is in the body S3
    /// sends to a GET. Repeats the request once as a one-byte GET and takes the code and
    /// message from its answer when that is the same kind of refusal; otherwise `err` stands.
    fn explain_head(&self, head: &Req<'_>, err: Error) -> Error {
        let Error::Http {
            op,
            target,
            status,
            attempts,
            ..
        } = &err
        else {
            return err;
        };
        let probe =
            Req::new(head.op, Method::Get, head.bucket, head.key).header("range", "bytes=0-0");
        let host = self.raw_host(probe.bucket);
        let Ok(request) = self.raw_head(&probe, &host) else {
            return err;
        };
        let answer = match stream_put::send(&self.raw_target(&host), &request, Body::Empty, false) {
            Ok(r) if matches!(r.status, 400 | 403) => r,
            _ => return err,
        };
        match std::str::from_utf8(&answer.body)
            .ok()
            .and_then(xml::parse_error)
        {
            Some(e) if !e.code.is_empty() => Error::Http {
                op,
                target: target.clone(),
                status: *status,
                code: e.code,
                message: e.message,
                attempts: *attempts,
            },
            _ => err,
        }
    }

    /// GetObject streamed into `out` in ranged chunks; a failure mid-chunk resumes where it
    /// stopped. Returns the number of bytes written.
    pub fn get_object(&self, bucket: &str, key: &str, out: &mut dyn Write) -> Result<u64, Error> {
        let mut offset = 0u64;
        let mut total: Option<u64> = None;
        let mut etag: Option<String> = None;
        let mut failures = 0u32;
        loop {
            if total.is_some_and(|t| offset >= t) {
                return Ok(offset);
            }
            let end = offset + self.config.download_chunk - 1;
            let range = format!("bytes={offset}-{end}");
            let mut req =
                Req::new("GetObject", Method::Get, bucket, Some(key)).header("range", &range);
            if let Some(e) = &etag {
                req = req.header("if-match", e);
            }
            match self.get_chunk(&req, offset, out, &mut total, &mut etag, failures + 1) {
                Ok(ChunkEnd::Done) => return Ok(total.unwrap_or(offset)),
                Ok(ChunkEnd::Advanced(n)) => {
                    offset += n;
                    failures = 0;
                }
                Err((n, e)) => {
                    offset += n;
                    failures += 1;
                    if !e.is_transient() || failures >= self.config.max_attempts {
                        return Err(e);
                    }
                    std::thread::sleep(self.backoff(failures));
                }
            }
        }
    }

    /// One ranged GET. Returns how far it got, also on error (bytes already written).
    fn get_chunk(
        &self,
        req: &Req<'_>,
        offset: u64,
        out: &mut dyn Write,
        total: &mut Option<u64>,
        etag: &mut Option<String>,
        attempt: u32,
    ) -> Result<ChunkEnd, (u64, Error)> {
        let (status, headers, mut resp) = self.open_get(req, attempt).map_err(|e| (0, e))?;
        if status == 416 && offset == 0 {
            // Empty object: S3 rejects any range on it.
            *total = Some(0);
            return Ok(ChunkEnd::Done);
        }
        if !(200..300).contains(&status) {
            let mut body = Vec::new();
            let _ = Read::take(&mut resp, 64 * 1024).read_to_end(&mut body);
            return Err((0, Self::http_error(req, status, &body, attempt)));
        }
        if etag.is_none() {
            *etag = headers.get("etag").cloned();
        }
        let whole = status == 200;
        if whole && offset > 0 {
            return Err((
                0,
                Self::protocol(req, "server ignored Range on a resumed download".into()),
            ));
        }
        if total.is_none() {
            *total = if whole {
                headers
                    .get("content-length")
                    .and_then(|s| s.trim().parse().ok())
            } else {
                headers
                    .get("content-range")
                    .and_then(|s| s.rsplit_once('/'))
                    .and_then(|(_, t)| t.trim().parse().ok())
            };
        }
        // Big reads: the plain-http body reader hands these straight to the socket.
        let mut buf = vec![0u8; 4 * MIB];
        let mut written = 0u64;
        loop {
            let n = match resp.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let detail = format!("download interrupted at byte {}: {e}", offset + written);
                    return Err((
                        written,
                        Error::Transport {
                            op: req.op,
                            target: req.target(),
                            detail,
                            attempts: attempt,
                        },
                    ));
                }
            };
            out.write_all(&buf[..n]).map_err(|source| {
                (
                    written,
                    Error::Local {
                        op: req.op,
                        target: req.target(),
                        context: "writing the output",
                        source,
                    },
                )
            })?;
            written += n as u64;
        }
        if whole {
            if let Some(t) = *total {
                if written < t {
                    let detail = format!("download cut short at byte {written} of {t}");
                    return Err((
                        written,
                        Error::Transport {
                            op: req.op,
                            target: req.target(),
                            detail,
                            attempts: attempt,
                        },
                    ));
                }
            }
            return Ok(ChunkEnd::Done);
        }
        if total.is_none() {
            // Without the total we cannot tell a short object from a truncated download.
            return Err((
                written,
                Self::protocol(req, "206 response without a usable Content-Range".into()),
            ));
        }
        Ok(ChunkEnd::Advanced(written))
    }

    /// Sends one GET and returns the status, the headers and the body still to read.
    fn open_get(&self, req: &Req<'_>, attempt: u32) -> Result<OpenGet, Error> {
        let host = self.raw_host(req.bucket);
        let head = self.raw_head(req, &host)?;
        match stream_put::get(&self.raw_target(&host), &head) {
            Ok(s) => Ok((s.status, s.headers, Box::new(s.body))),
            Err(stream_put::Failure::Transport(e)) | Err(stream_put::Failure::Source(e)) => {
                Err(Error::Transport {
                    op: req.op,
                    target: req.target(),
                    detail: io_detail(&e),
                    attempts: attempt,
                })
            }
            Err(stream_put::Failure::Tls(detail)) => Err(Error::Tls {
                op: req.op,
                target: req.target(),
                detail,
            }),
        }
    }

    /// GetObject into memory.
    pub fn get_object_bytes(&self, bucket: &str, key: &str) -> Result<Vec<u8>, Error> {
        let mut v = Vec::new();
        self.get_object(bucket, key, &mut v)?;
        Ok(v)
    }

    /// DeleteObject (S3 answers success for a missing key as well).
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<(), Error> {
        self.send(&Req::new("DeleteObject", Method::Delete, bucket, Some(key)))
            .map(|_| ())
    }

    /// DeleteObjects in batches of 1000; returns the keys the server refused to delete.
    pub fn delete_objects(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> Result<Vec<DeleteFailure>, Error> {
        let mut failures = Vec::new();
        // A key XML 1.0 cannot carry would make the server refuse the whole batch: those go
        // one by one with DeleteObject.
        let (batchable, odd): (Vec<String>, Vec<String>) =
            keys.iter().cloned().partition(|k| xml::xml10_can_carry(k));
        for k in &odd {
            if let Err(e) = self.delete_object(bucket, k) {
                failures.push(DeleteFailure {
                    key: k.clone(),
                    code: e.status().map(|s| s.to_string()).unwrap_or_default(),
                    message: e.to_string(),
                });
            }
        }
        for batch in batchable.chunks(1000) {
            let body = xml::delete_objects_body(batch);
            let md5 =
                base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes()));
            let req = Req::new("DeleteObjects", Method::Post, bucket, None)
                .query("delete", "")
                .header("content-md5", &md5)
                .header("content-type", "application/xml")
                .body(body.as_bytes(), sigv4::hex_sha256(body.as_bytes()));
            let resp = self.send(&req)?;
            let text = String::from_utf8_lossy(&resp.body);
            let (_, failed) =
                xml::parse_delete_result(&text).map_err(|d| Self::protocol(&req, d))?;
            failures.extend(failed);
        }
        Ok(failures)
    }

    /// One page of ListObjectsV2.
    pub fn list_page(
        &self,
        bucket: &str,
        prefix: &str,
        token: Option<&str>,
        max_keys: Option<u32>,
    ) -> Result<ListPage, Error> {
        // No `encoding-type=url`: s3s-fs echoes it without encoding keys, which would make us
        // decode `%` in keys that were never encoded. quick-xml handles escaped keys fine.
        let mut req = Req::new("ListObjectsV2", Method::Get, bucket, None).query("list-type", "2");
        if !prefix.is_empty() {
            req = req.query("prefix", prefix);
        }
        if let Some(t) = token {
            req = req.query("continuation-token", t);
        }
        if let Some(m) = max_keys {
            req = req.query("max-keys", &m.to_string());
        }
        let resp = self.send(&req)?;
        let text =
            std::str::from_utf8(&resp.body).map_err(|e| Self::protocol(&req, e.to_string()))?;
        xml::parse_list(text).map_err(|d| Self::protocol(&req, d))
    }

    /// Visits every object under `prefix`, page by page, without holding the whole listing.
    pub fn for_each_object(
        &self,
        bucket: &str,
        prefix: &str,
        f: &mut dyn FnMut(ObjectInfo) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(bucket, prefix, token.as_deref(), None)?;
            for o in page.objects {
                f(o)?;
            }
            match page.next_continuation_token {
                Some(t) if Some(&t) != token.as_ref() => token = Some(t),
                Some(_) => {
                    return Err(Error::Protocol {
                        op: "ListObjectsV2",
                        target: target(bucket, Some(prefix)),
                        detail: "server repeated the same continuation token".into(),
                    })
                }
                None => return Ok(()),
            }
        }
    }

    /// Every object under `prefix`.
    pub fn list_all(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, Error> {
        let mut all = Vec::new();
        self.for_each_object(bucket, prefix, &mut |o| {
            all.push(o);
            Ok(())
        })?;
        Ok(all)
    }
}

/// A GET answer's status and headers, and its body still to read.
type OpenGet = (
    u16,
    std::collections::HashMap<String, String>,
    Box<dyn Read>,
);

/// One signed attempt: what the transport needs.
struct SignedAttempt {
    /// Path and query as sent on the request line.
    request_target: String,
    /// Headers to send, `Authorization` included and `Host` left to the transport.
    headers: Vec<(String, String)>,
}

enum ChunkEnd {
    Done,
    Advanced(u64),
}

/// Names the common network failures plainly.
fn io_detail(io: &io::Error) -> String {
    match io.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => format!("timed out: {io}"),
        io::ErrorKind::ConnectionReset => format!("connection reset: {io}"),
        _ => io.to_string(),
    }
}

struct HashWrite<'a>(&'a mut sha2::Sha256);
impl Write for HashWrite<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        sha2::Digest::update(self.0, b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads until `buf` is full or the reader ends; returns the bytes read.
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::credentials::{Credentials, StaticProvider};

    fn client(endpoint: &str, path_style: bool) -> Client {
        let creds = Arc::new(StaticProvider::new(
            Credentials::new("AK", "SK", None),
            "test",
        ));
        let cfg = Config {
            endpoint: Some(endpoint.into()),
            path_style,
            ..Config::default()
        };
        Client::new(cfg, creds).unwrap()
    }

    #[test]
    fn path_and_virtual_host_addressing() {
        let c = client("http://127.0.0.1:9000", true);
        let (url, path, host) = c.locate("bkt", Some("a b/c+d//e"), "x=1");
        assert_eq!(url, "http://127.0.0.1:9000/bkt/a%20b/c%2Bd//e?x=1");
        assert_eq!(path, "/bkt/a%20b/c%2Bd//e");
        assert_eq!(host, "127.0.0.1:9000");
        let c = client("https://s3.eu-west-1.amazonaws.com", false);
        let (url, path, host) = c.locate("bkt", Some("nar/x.nar.xz"), "");
        assert_eq!(url, "https://bkt.s3.eu-west-1.amazonaws.com/nar/x.nar.xz");
        assert_eq!(path, "/nar/x.nar.xz");
        assert_eq!(host, "bkt.s3.eu-west-1.amazonaws.com");
        let (_, path, _) = c.locate("bkt", None, "");
        assert_eq!(path, "/");
    }

    #[test]
    fn bad_endpoints_and_config() {
        let creds: Arc<dyn ProvideCredentials> =
            Arc::new(StaticProvider::new(Credentials::new("AK", "SK", None), "t"));
        for e in ["ftp://x", "http://", "http://h/path", "http://h:port"] {
            let cfg = Config {
                endpoint: Some(e.into()),
                ..Config::default()
            };
            assert!(
                matches!(Client::new(cfg, creds.clone()), Err(Error::Config(_))),
                "{e}"
            );
        }
        let cfg = Config {
            part_size: 1024,
            ..Config::default()
        };
        assert!(Client::new(cfg, creds).is_err());
    }

    #[test]
    fn transient_classification() {
        let http = |status, code: &str| Error::Http {
            op: "PutObject",
            target: "s3://b/k".into(),
            status,
            code: code.into(),
            message: String::new(),
            attempts: 1,
        };
        assert!(http(503, "SlowDown").is_transient());
        assert!(http(500, "").is_transient());
        assert!(http(429, "").is_transient());
        assert!(http(400, "RequestTimeout").is_transient());
        assert!(!http(403, "SignatureDoesNotMatch").is_transient());
        assert!(!http(404, "NoSuchKey").is_transient());
        assert!(!http(400, "InvalidArgument").is_transient());
        // Real transient answers stay retried.
        assert!(http(500, "InternalError").is_transient());
        assert!(http(503, "ServiceUnavailable").is_transient());
        assert!(http(502, "").is_transient());
        assert!(http(400, "RequestTimeout").is_transient());
        // A request that is wrong stays wrong, whatever the status the server chose.
        for code in [
            "XAmzContentSHA256Mismatch",
            "BadDigest",
            "InvalidDigest",
            "SignatureDoesNotMatch",
            "InvalidAccessKeyId",
            "AccessDenied",
            "NoSuchBucket",
            "MalformedXML",
            "NotImplemented",
        ] {
            for status in [400, 403, 404, 500, 501, 503] {
                assert!(!http(status, code).is_transient(), "{status} {code}");
            }
            assert!(permanent_code(code));
        }
        assert!(!permanent_code("InternalError"));
        assert!(!permanent_code("SlowDown"));
        assert!(!permanent_code(""));
        let reset = Error::Transport {
            op: "GetObject",
            target: "s3://b/k".into(),
            detail: "connection reset by peer".into(),
            attempts: 1,
        };
        assert!(reset.is_transient());
        let e = http(403, "AccessDenied");
        assert_eq!(e.to_string(), "PutObject s3://b/k: HTTP 403 AccessDenied");
    }

    #[test]
    fn client_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let c = client("http://127.0.0.1:1", true);
        for f in 1..10 {
            let d = c.backoff(f);
            let full = (0.2 * 2f64.powi(f as i32 - 1)).min(20.0);
            assert!(
                d.as_secs_f64() >= full / 2.0 - 1e-9 && d.as_secs_f64() <= full + 1e-9,
                "{f}: {d:?}"
            );
        }
    }
}
