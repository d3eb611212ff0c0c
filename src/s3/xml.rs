//! S3 response and request XML: ListObjectsV2, multipart upload, DeleteObjects and error
//! bodies. Parsed into a small element tree with quick-xml, so entity-escaped keys
//! (`&amp;`, `&#x0D;`) come out as the bytes the object was stored under.

use quick_xml::escape::escape;
use quick_xml::events::Event;
use quick_xml::Reader;

/// A parsed XML element: local name, concatenated unescaped text, children.
#[derive(Debug, Default, Clone)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

/// Parses a document and returns its root element.
pub fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push(Element {
                    name,
                    ..Element::default()
                });
            }
            Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if let Some(top) = stack.last_mut() {
                    top.children.push(Element {
                        name,
                        ..Element::default()
                    });
                }
            }
            Ok(Event::End(_)) => {
                let done = stack.pop().ok_or("unbalanced XML")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err("unbalanced XML".into()),
                }
            }
            Ok(Event::Text(t)) => {
                let s = t.unescape().map_err(|e| format!("bad XML text: {e}"))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Ok(Event::CData(c)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("bad XML at byte {}: {e}", reader.error_position())),
        }
    }
    let doc = stack.pop().ok_or("empty XML")?;
    if !stack.is_empty() {
        return Err("XML ended inside an element".into());
    }
    doc.children
        .into_iter()
        .next()
        .ok_or_else(|| "no root element".into())
}

/// An S3 error body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub request_id: String,
}

/// Parses `<Error><Code>..</Code><Message>..</Message></Error>`; None if it is not one.
pub fn parse_error(xml: &str) -> Option<ErrorBody> {
    let root = parse(xml).ok()?;
    if root.name != "Error" {
        return None;
    }
    Some(ErrorBody {
        code: root.text_of("Code").unwrap_or_default().to_string(),
        message: root.text_of("Message").unwrap_or_default().to_string(),
        request_id: root.text_of("RequestId").unwrap_or_default().to_string(),
    })
}

/// One listed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub etag: String,
    pub last_modified: String,
}

/// One page of ListObjectsV2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    pub objects: Vec<ObjectInfo>,
    pub common_prefixes: Vec<String>,
    /// Set when more pages follow.
    pub next_continuation_token: Option<String>,
}

/// Parses a ListBucketResult. Keys are URL-decoded when the server says it used
/// `EncodingType=url`.
pub fn parse_list(xml: &str) -> Result<ListPage, String> {
    let root = parse(xml)?;
    if root.name != "ListBucketResult" {
        return Err(format!("expected ListBucketResult, got <{}>", root.name));
    }
    let url_encoded = root
        .text_of("EncodingType")
        .is_some_and(|t| t.eq_ignore_ascii_case("url"));
    let key = |s: &str| -> Result<String, String> {
        if url_encoded {
            url_decode(s)
        } else {
            Ok(s.to_string())
        }
    };
    let mut page = ListPage::default();
    for c in root.children("Contents") {
        let k = c.text_of("Key").ok_or("Contents without Key")?;
        let size = c.text_of("Size").unwrap_or("0").trim();
        page.objects.push(ObjectInfo {
            key: key(k)?,
            size: size.parse().map_err(|_| format!("bad Size {size:?}"))?,
            etag: c.text_of("ETag").unwrap_or_default().to_string(),
            last_modified: c.text_of("LastModified").unwrap_or_default().to_string(),
        });
    }
    for p in root.children("CommonPrefixes") {
        if let Some(pre) = p.text_of("Prefix") {
            page.common_prefixes.push(key(pre)?);
        }
    }
    let truncated = root
        .text_of("IsTruncated")
        .is_some_and(|t| t.trim() == "true");
    if truncated {
        let token = root
            .text_of("NextContinuationToken")
            .filter(|t| !t.is_empty())
            .ok_or("IsTruncated without NextContinuationToken")?;
        page.next_continuation_token = Some(token.to_string());
    }
    Ok(page)
}

/// Decodes `%XX` escapes (and `+` as space, as S3's url encoding type emits).
pub fn url_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .ok_or_else(|| format!("truncated escape in {s:?}"))?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {s:?}"))?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("escape in {s:?} is not UTF-8"))
}

/// The UploadId from InitiateMultipartUploadResult.
pub fn parse_upload_id(xml: &str) -> Result<String, String> {
    let root = parse(xml)?;
    root.text_of("UploadId")
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("no UploadId in <{}>", root.name))
}

/// The body of CompleteMultipartUpload for (part number, ETag) pairs.
pub fn complete_multipart_body(parts: &[(u32, String)]) -> String {
    let mut s = String::from("<CompleteMultipartUpload>");
    for (n, etag) in parts {
        s.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{}</ETag></Part>",
            escape(etag.as_str())
        ));
    }
    s.push_str("</CompleteMultipartUpload>");
    s
}

/// CompleteMultipartUpload may answer 200 with an `<Error>` body; this returns either.
pub fn parse_complete(xml: &str) -> Result<Result<String, ErrorBody>, String> {
    let root = parse(xml)?;
    if root.name == "Error" {
        return Ok(Err(ErrorBody {
            code: root.text_of("Code").unwrap_or_default().to_string(),
            message: root.text_of("Message").unwrap_or_default().to_string(),
            request_id: root.text_of("RequestId").unwrap_or_default().to_string(),
        }));
    }
    Ok(Ok(root.text_of("ETag").unwrap_or_default().to_string()))
}

/// The quiet DeleteObjects body for up to 1000 keys.
pub fn delete_objects_body(keys: &[String]) -> String {
    let mut s = String::from("<Delete><Quiet>true</Quiet>");
    for k in keys {
        s.push_str("<Object><Key>");
        s.push_str(&escape_key(k));
        s.push_str("</Key></Object>");
    }
    s.push_str("</Delete>");
    s
}

/// Whether XML 1.0 can carry `k` at all: no control characters but tab, newline and carriage
/// return (`&#x1;` is not well-formed XML 1.0 either), no U+FFFE/U+FFFF.
pub fn xml10_can_carry(k: &str) -> bool {
    k.chars().all(|c| {
        let u = c as u32;
        (u >= 0x20 || matches!(u, 0x9 | 0xA | 0xD)) && u != 0xFFFE && u != 0xFFFF
    })
}

/// XML-escapes a key, including control characters that XML 1.0 text cannot hold literally.
fn escape_key(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    for c in escape(k).chars() {
        if (c as u32) < 0x20 {
            out.push_str(&format!("&#x{:X};", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A key DeleteObjects could not delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteFailure {
    pub key: String,
    pub code: String,
    pub message: String,
}

/// Parses DeleteResult: the keys reported deleted and the per-key failures.
pub fn parse_delete_result(xml: &str) -> Result<(Vec<String>, Vec<DeleteFailure>), String> {
    let root = parse(xml)?;
    if root.name != "DeleteResult" {
        return Err(format!("expected DeleteResult, got <{}>", root.name));
    }
    let deleted = root
        .children("Deleted")
        .filter_map(|d| d.text_of("Key"))
        .map(str::to_string)
        .collect();
    let failed = root
        .children("Error")
        .map(|e| DeleteFailure {
            key: e.text_of("Key").unwrap_or_default().to_string(),
            code: e.text_of("Code").unwrap_or_default().to_string(),
            message: e.text_of("Message").unwrap_or_default().to_string(),
        })
        .collect();
    Ok((deleted, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_with_escaped_keys_and_token() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>nar/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>a &amp; b &lt;c&gt; &quot;d&quot; &#x0D;e</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key><![CDATA[raw<key>]]></Key><Size>0</Size></Contents>
</ListBucketResult>"#;
        let p = parse_list(xml).unwrap();
        assert_eq!(p.objects.len(), 2);
        assert_eq!(p.objects[0].key, "a & b <c> \"d\" \re");
        assert_eq!(p.objects[0].size, 434234);
        assert_eq!(p.objects[0].etag, "\"fba9dede5f27731c9771645a39863328\"");
        assert_eq!(p.objects[1].key, "raw<key>");
        assert_eq!(
            p.next_continuation_token.as_deref(),
            Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        );
    }

    #[test]
    fn list_url_encoding_type_and_last_page() {
        let xml = "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>\
                   <Contents><Key>a%20b%2Bc+d%E1%88%B4</Key><Size>3</Size></Contents></ListBucketResult>";
        let p = parse_list(xml).unwrap();
        assert_eq!(p.objects[0].key, "a b+c dሴ");
        assert_eq!(p.next_continuation_token, None);
    }

    #[test]
    fn truncated_without_token_is_an_error() {
        assert!(
            parse_list("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
                .is_err()
        );
        assert!(parse_list("<Other/>").is_err());
        assert!(parse_list("<ListBucketResult><Contents>").is_err());
    }

    #[test]
    fn error_body() {
        let e = parse_error(
            "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>bad &amp; sig</Message>\
             <RequestId>R1</RequestId></Error>",
        )
        .unwrap();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert_eq!(e.message, "bad & sig");
        assert!(parse_error("<ListBucketResult/>").is_none());
        assert!(parse_error("not xml at all <").is_none());
    }

    #[test]
    fn multipart_bodies() {
        assert_eq!(
            parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><UploadId>u&amp;1</UploadId></InitiateMultipartUploadResult>").unwrap(),
            "u&1"
        );
        let body = complete_multipart_body(&[(1, "\"e1\"".into()), (2, "\"e2\"".into())]);
        assert_eq!(
            body,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>\
             <Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>"
        );
        assert_eq!(parse_complete("<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag></CompleteMultipartUploadResult>").unwrap(), Ok("\"x-2\"".into()));
        assert!(parse_complete("<Error><Code>InternalError</Code></Error>")
            .unwrap()
            .is_err());
    }

    #[test]
    fn delete_round_trip() {
        let keys = vec!["a&b".to_string(), "<x>\r".to_string()];
        let body = delete_objects_body(&keys);
        assert_eq!(
            body,
            "<Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object><Object><Key>&lt;x&gt;&#xD;</Key></Object></Delete>"
        );
        // Our own body parses back to the same keys.
        let root = parse(&body).unwrap();
        let back: Vec<&str> = root
            .children("Object")
            .filter_map(|o| o.text_of("Key"))
            .collect();
        assert_eq!(back, vec!["a&b", "<x>\r"]);
        let (d, f) = parse_delete_result(
            "<DeleteResult><Deleted><Key>a&amp;b</Key></Deleted><Error><Key>k</Key><Code>AccessDenied</Code>\
             <Message>no</Message></Error></DeleteResult>",
        )
        .unwrap();
        assert_eq!(d, vec!["a&b"]);
        assert_eq!(f[0].code, "AccessDenied");
    }
}
