//! AWS Signature Version 4, pure: canonical request, string to sign, signing key and the
//! `Authorization` header. It signs exactly the headers it is given, so the same code serves
//! S3 (which adds `x-amz-content-sha256`) and AWS's generic test suite (which does not).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The payload hash S3 accepts when the body is not hashed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// SHA-256 of the empty string, the payload hash of bodiless requests.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lowercase hex of the SHA-256 of `data`.
pub fn hex_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lowercase hex encoding.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// AWS UriEncode: every byte except `A-Za-z0-9-._~` becomes `%XX` (uppercase). With
/// `keep_slash`, `/` stays literal, as S3 wants in object key paths.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    for &b in s.as_bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if unreserved || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            out.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
        }
    }
    out
}

/// The canonical query string from raw (unencoded) pairs: each name and value encoded, sorted
/// by encoded name then value; an empty value still yields `name=`. The same string is used as
/// the request's query, so what is sent is what is signed.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    enc.sort();
    let mut out = String::new();
    for (i, (k, v)) in enc.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// A request as the signer sees it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path exactly as sent: already UriEncoded once, never normalised.
    pub path: &'a str,
    /// Raw (unencoded) query parameters.
    pub query: &'a [(String, String)],
    /// Headers to sign (names in any case); must include `host` and `x-amz-date`.
    pub headers: &'a [(String, String)],
    /// Hex SHA-256 of the body, or [`UNSIGNED_PAYLOAD`].
    pub payload_hash: &'a str,
}

/// Where and when a signature applies.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// `YYYYMMDDTHHMMSSZ`, the same value as the `x-amz-date` header.
    pub amz_date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Scope<'_> {
    fn date(&self) -> &str {
        self.amz_date.get(..8).unwrap_or(self.amz_date)
    }
    /// `date/region/service/aws4_request`.
    pub fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date(),
            self.region,
            self.service
        )
    }
}

/// Everything the signer computed; the intermediate strings help debugging a mismatch.
#[derive(Clone)]
pub struct Signed {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signed_headers: String,
    pub signature: String,
    pub authorization: String,
}

/// Canonical headers (lowercase names, trimmed values with inner runs of spaces collapsed,
/// sorted, repeated names joined by commas) and the `;`-joined list of signed header names.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut hs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), collapse_spaces(v)))
        .collect();
    // Stable sort keeps the order of repeated headers, which AWS joins in sent order.
    hs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical = String::new();
    let mut names: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < hs.len() {
        let name = &hs[i].0;
        let mut values = vec![hs[i].1.as_str()];
        let mut j = i + 1;
        while j < hs.len() && hs[j].0 == *name {
            values.push(hs[j].1.as_str());
            j += 1;
        }
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(&values.join(","));
        canonical.push('\n');
        names.push(name);
        i = j;
    }
    (canonical, names.join(";"))
}

fn collapse_spaces(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut last_space = false;
    for c in v.trim().chars() {
        if c == ' ' {
            if !last_space {
                out.push(c);
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// The canonical request and the signed-headers list.
pub fn canonical_request(req: &Request<'_>) -> (String, String) {
    let (headers, signed) = canonical_headers(req.headers);
    let cr = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        req.path,
        canonical_query(req.query),
        headers,
        signed,
        req.payload_hash
    );
    (cr, signed)
}

/// The string to sign for a canonical request.
pub fn string_to_sign(scope: &Scope<'_>, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{}\n{}\n{}",
        scope.amz_date,
        scope.credential_scope(),
        hex_sha256(canonical_request.as_bytes())
    )
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The signing key: `AWS4`+secret → date → region → service → `aws4_request`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// Signs a request and builds the `Authorization` header value.
pub fn sign(req: &Request<'_>, scope: &Scope<'_>, access_key_id: &str, secret: &str) -> Signed {
    let (canonical_request, signed_headers) = canonical_request(req);
    let sts = string_to_sign(scope, &canonical_request);
    let key = signing_key(secret, scope.date(), scope.region, scope.service);
    let signature = hex(&hmac(&key, sts.as_bytes()));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
        access_key_id,
        scope.credential_scope(),
        signed_headers,
        signature
    );
    Signed {
        canonical_request,
        string_to_sign: sts,
        signed_headers,
        signature,
        authorization,
    }
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the Unix epoch (UTC).
pub fn amz_date(unix_secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix(unix_secs);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// (year, month, day, hour, minute, second) in UTC for Unix seconds.
pub fn civil_from_unix(unix_secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Unix seconds for a UTC civil time (inverse of [`civil_from_unix`]).
pub fn unix_from_civil(y: i64, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + s as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SUITE_DATE: &str = "20150830T123600Z";

    fn h(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| h(k, v)).collect()
    }

    /// AWS sigv4 test suite: service `service`, headers host;x-amz-date.
    fn suite(method: &str, raw_path: &str, query: &[(&str, &str)]) -> Signed {
        let headers = vec![
            h("Host", "example.amazonaws.com"),
            h("X-Amz-Date", SUITE_DATE),
        ];
        let path = uri_encode(raw_path, true);
        let query = q(query);
        let req = Request {
            method,
            path: &path,
            query: &query,
            headers: &headers,
            payload_hash: EMPTY_SHA256,
        };
        let scope = Scope {
            amz_date: SUITE_DATE,
            region: "us-east-1",
            service: "service",
        };
        sign(&req, &scope, "AKIDEXAMPLE", SUITE_SECRET)
    }

    #[test]
    fn suite_get_vanilla() {
        let s = suite("GET", "/", &[]);
        assert_eq!(
            s.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert_eq!(
            s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn suite_get_vanilla_query_order_key_case() {
        let s = suite("GET", "/", &[("Param2", "value2"), ("Param1", "value1")]);
        assert!(s
            .canonical_request
            .contains("\nParam1=value1&Param2=value2\n"));
        assert_eq!(
            s.signature,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn suite_get_utf8() {
        let s = suite("GET", "/ሴ", &[]);
        assert!(s.canonical_request.starts_with("GET\n/%E1%88%B4\n"));
        assert_eq!(
            s.signature,
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
        );
    }

    #[test]
    fn suite_get_space_unnormalized() {
        let s = suite("GET", "/example space/", &[]);
        assert!(s.canonical_request.starts_with("GET\n/example%20space/\n"));
        assert_eq!(
            s.signature,
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"
        );
    }

    #[test]
    fn suite_get_slashes_unnormalized() {
        let s = suite("GET", "//example//", &[]);
        assert!(s.canonical_request.starts_with("GET\n//example//\n"));
        assert_eq!(
            s.signature,
            "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"
        );
    }

    #[test]
    fn suite_post_vanilla() {
        let s = suite("POST", "/", &[]);
        assert_eq!(
            s.signature,
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    const S3_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const S3_DATE: &str = "20130524T000000Z";

    fn s3(
        method: &str,
        key: &str,
        query: &[(&str, &str)],
        extra: &[(&str, &str)],
        payload: &str,
    ) -> Signed {
        let mut headers = vec![
            h("Host", "examplebucket.s3.amazonaws.com"),
            h("x-amz-date", S3_DATE),
            h("x-amz-content-sha256", payload),
        ];
        headers.extend(extra.iter().map(|(k, v)| h(k, v)));
        let path = uri_encode(key, true);
        let query = q(query);
        let req = Request {
            method,
            path: &path,
            query: &query,
            headers: &headers,
            payload_hash: payload,
        };
        let scope = Scope {
            amz_date: S3_DATE,
            region: "us-east-1",
            service: "s3",
        };
        sign(&req, &scope, "AKIAIOSFODNN7EXAMPLE", S3_SECRET)
    }

    #[test]
    fn s3_get_object_range() {
        let s = s3(
            "GET",
            "/test.txt",
            &[],
            &[("Range", "bytes=0-9")],
            EMPTY_SHA256,
        );
        assert_eq!(
            s.signed_headers,
            "host;range;x-amz-content-sha256;x-amz-date"
        );
        assert_eq!(
            s.signature,
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn s3_put_object() {
        let payload = hex_sha256(b"Welcome to Amazon S3.");
        assert_eq!(
            payload,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        );
        let s = s3(
            "PUT",
            "/test$file.text",
            &[],
            &[
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            &payload,
        );
        assert!(s.canonical_request.starts_with("PUT\n/test%24file.text\n"));
        assert_eq!(
            s.signature,
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        );
    }

    #[test]
    fn s3_get_lifecycle() {
        let s = s3("GET", "/", &[("lifecycle", "")], &[], EMPTY_SHA256);
        assert!(s.canonical_request.contains("\nlifecycle=\n"));
        assert_eq!(
            s.signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        );
    }

    #[test]
    fn s3_list_objects() {
        let s = s3(
            "GET",
            "/",
            &[("prefix", "J"), ("max-keys", "2")],
            &[],
            EMPTY_SHA256,
        );
        assert!(s.canonical_request.contains("\nmax-keys=2&prefix=J\n"));
        assert_eq!(
            s.signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        );
    }

    #[test]
    fn signing_key_matches_aws_example() {
        // From AWS's "deriving the signing key" example.
        let k = signing_key(SUITE_SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex(&k),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn uri_encode_rules() {
        assert_eq!(uri_encode("a b+c=d~e%f/g", true), "a%20b%2Bc%3Dd~e%25f/g");
        assert_eq!(uri_encode("a/b", false), "a%2Fb");
        assert_eq!(uri_encode("A-Za-z0-9-._~", false), "A-Za-z0-9-._~");
        assert_eq!(uri_encode("é", false), "%C3%A9");
        assert_eq!(uri_encode("./../a//b", true), "./../a//b");
    }

    #[test]
    fn header_values_trimmed_and_collapsed() {
        let (c, s) = canonical_headers(&[h("X-B", "  a   b  "), h("x-a", "1"), h("x-a", "2")]);
        assert_eq!(c, "x-a:1,2\nx-b:a b\n");
        assert_eq!(s, "x-a;x-b");
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(unix_from_civil(2015, 8, 30, 12, 36, 0), 1_440_938_160);
        for t in [0u64, 951_782_400, 1_709_164_800, 4_102_444_799] {
            let (y, mo, d, hh, mi, s) = civil_from_unix(t);
            assert_eq!(unix_from_civil(y, mo, d, hh, mi, s), t as i64);
        }
    }
}
