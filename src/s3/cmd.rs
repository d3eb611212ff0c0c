//! `hydrant s3 ...`: operator commands for poking at a bucket from a build box, with
//! credentials from the usual chain (environment, shared file, instance metadata).

use super::client::{self, Client, Config};
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

/// Flags shared by every `hydrant s3` command.
#[derive(clap::Args, Debug)]
pub struct S3Args {
    /// S3 endpoint, e.g. http://127.0.0.1:9000 (default: AWS for the region)
    #[arg(long, global = true)]
    pub endpoint: Option<String>,
    /// Region to sign for (default: $AWS_REGION, $AWS_DEFAULT_REGION, or us-east-1)
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Address buckets as ENDPOINT/BUCKET instead of BUCKET.ENDPOINT
    #[arg(long, global = true)]
    pub path_style: bool,
    /// Also trust the CA certificates in this PEM file for an https endpoint (as do
    /// SSL_CERT_FILE, SSL_CERT_DIR and AWS_CA_BUNDLE)
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: S3Command,
}

#[derive(clap::Subcommand, Debug)]
pub enum S3Command {
    /// Upload FILE (or - for standard input) to s3://BUCKET/KEY
    Put { url: String, file: PathBuf },
    /// Download s3://BUCKET/KEY to standard output or a file
    Get {
        url: String,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// List objects under s3://BUCKET/PREFIX: size, a tab, the key
    Ls { url: String },
    /// Delete one object
    Rm { url: String },
    /// Delete every object under a prefix; shows what it would delete unless --yes
    RmPrefix {
        url: String,
        #[arg(long)]
        yes: bool,
    },
}

/// What a `hydrant s3` command can fail with.
#[derive(Debug)]
pub enum Error {
    BadUrl(String),
    S3(client::Error),
    Local { path: PathBuf, source: io::Error },
    Output(io::Error),
    PartialDelete { failed: usize, first: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadUrl(u) => write!(f, "{u:?} is not an s3://BUCKET/KEY address"),
            Error::S3(e) => write!(f, "{e}"),
            Error::Local { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Output(e) => write!(f, "writing output: {e}"),
            Error::PartialDelete { failed, first } => {
                write!(f, "{failed} objects were not deleted, first: {first}")
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<client::Error> for Error {
    fn from(e: client::Error) -> Self {
        Error::S3(e)
    }
}

/// Splits `s3://bucket/key` into bucket and key (the key may be empty).
pub fn parse_s3_url(url: &str) -> Result<(String, String), Error> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| Error::BadUrl(url.to_string()))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(Error::BadUrl(url.to_string()));
    }
    Ok((bucket.to_string(), key.to_string()))
}

fn object_url(url: &str) -> Result<(String, String), Error> {
    let (b, k) = parse_s3_url(url)?;
    if k.is_empty() {
        return Err(Error::BadUrl(url.to_string()));
    }
    Ok((b, k))
}

fn make_client(args: &S3Args) -> Result<Client, Error> {
    let region = args
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
        .or_else(|| {
            std::env::var("AWS_DEFAULT_REGION")
                .ok()
                .filter(|r| !r.is_empty())
        })
        .unwrap_or_else(|| "us-east-1".to_string());
    let config = Config {
        endpoint: args.endpoint.clone(),
        region,
        path_style: args.path_style,
        ca_file: args.ca_file.clone(),
        ..Config::default()
    };
    Ok(Client::from_default_chain(config)?)
}

/// Runs one `hydrant s3` command.
pub fn run(args: S3Args) -> Result<(), Error> {
    let c = make_client(&args)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match &args.command {
        S3Command::Put { url, file } => {
            let (bucket, key) = object_url(url)?;
            let up = if file.as_os_str() == "-" {
                c.upload(&bucket, &key, &mut io::stdin().lock(), None)?
            } else {
                // Check here so a missing file is reported by its path, not as an S3 failure.
                std::fs::metadata(file).map_err(|source| Error::Local {
                    path: file.clone(),
                    source,
                })?;
                c.upload_file(&bucket, &key, file, None)?
            };
            writeln!(out, "uploaded {} bytes to s3://{bucket}/{key}", up.size)
                .map_err(Error::Output)?;
        }
        S3Command::Get { url, output } => {
            let (bucket, key) = object_url(url)?;
            match output {
                Some(path) => {
                    let f = std::fs::File::create(path).map_err(|source| Error::Local {
                        path: path.clone(),
                        source,
                    })?;
                    let mut w = io::BufWriter::new(f);
                    let r = c
                        .get_object(&bucket, &key, &mut w)
                        .map_err(Error::from)
                        .and_then(|_| {
                            w.flush().map_err(|source| Error::Local {
                                path: path.clone(),
                                source,
                            })
                        });
                    if r.is_err() {
                        // Leave no truncated file that looks like a good download.
                        let _ = std::fs::remove_file(path);
                    }
                    r?;
                }
                None => {
                    c.get_object(&bucket, &key, &mut out)?;
                }
            }
        }
        S3Command::Ls { url } => {
            let (bucket, prefix) = parse_s3_url(url)?;
            let mut write_err = None;
            c.for_each_object(&bucket, &prefix, &mut |o| {
                if write_err.is_none() {
                    if let Err(e) = writeln!(out, "{}\t{}", o.size, o.key) {
                        write_err = Some(e);
                    }
                }
                Ok(())
            })?;
            if let Some(e) = write_err {
                return Err(Error::Output(e));
            }
        }
        S3Command::Rm { url } => {
            let (bucket, key) = object_url(url)?;
            c.delete_object(&bucket, &key)?;
        }
        S3Command::RmPrefix { url, yes } => {
            let (bucket, prefix) = parse_s3_url(url)?;
            let keys: Vec<String> = c
                .list_all(&bucket, &prefix)?
                .into_iter()
                .map(|o| o.key)
                .collect();
            if !yes {
                for k in &keys {
                    writeln!(out, "would delete s3://{bucket}/{k}").map_err(Error::Output)?;
                }
                writeln!(
                    out,
                    "{} objects under s3://{bucket}/{prefix}; pass --yes to delete them",
                    keys.len()
                )
                .map_err(Error::Output)?;
            } else {
                let failed = c.delete_objects(&bucket, &keys)?;
                if let Some(first) = failed.first() {
                    return Err(Error::PartialDelete {
                        failed: failed.len(),
                        first: format!(
                            "s3://{bucket}/{}: {} {}",
                            first.key, first.code, first.message
                        ),
                    });
                }
                writeln!(
                    out,
                    "deleted {} objects under s3://{bucket}/{prefix}",
                    keys.len()
                )
                .map_err(Error::Output)?;
            }
        }
    }
    out.flush().map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls() {
        assert_eq!(
            parse_s3_url("s3://b/k/x y").unwrap(),
            ("b".into(), "k/x y".into())
        );
        assert_eq!(parse_s3_url("s3://b").unwrap(), ("b".into(), "".into()));
        assert_eq!(parse_s3_url("s3://b/").unwrap(), ("b".into(), "".into()));
        assert!(parse_s3_url("http://b/k").is_err());
        assert!(parse_s3_url("s3:///k").is_err());
        assert!(object_url("s3://b/").is_err());
    }
}
