//! The route table's machinery: `Route`, `Handler` and `find`. The table itself is assembled in
//! `web/mod.rs` from each endpoint family's `ROUTES`; handler modules are leaves that import this.
//! Patterns are `/`-separated; `:name` segments match anything and arrive, decoded, in order;
//! `:name.ext` matches a segment ending in `.ext` and passes what comes before it; a last `*`
//! matches the rest of the path.
//! CSRF, body limits and auth resolution happen before a handler runs; handlers check roles.

use super::{Ctx, HttpError, Response};

pub type Handler = fn(&Ctx, &[String]) -> Result<Response, HttpError>;

pub struct Route {
    pub method: &'static str,
    pub pattern: &'static str,
    pub handler: Handler,
}

/// A route table entry (every handler module builds its table with it).
pub const fn r(method: &'static str, pattern: &'static str, handler: Handler) -> Route {
    Route {
        method,
        pattern,
        handler,
    }
}

pub enum Match<'a> {
    Found(&'a Route, Vec<String>),
    /// The path exists, the method does not: 405 with these methods.
    WrongMethod(Vec<&'static str>),
    NotFound,
}

/// A last segment `*` matches the rest of the path (zero or more segments), which arrives as
/// one argument joined by `/`.
fn match_pattern(pattern: &str, segs: &[String]) -> Option<Vec<String>> {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    if pat.last() == Some(&"*") {
        let fixed = pat.len() - 1;
        if segs.len() < fixed {
            return None;
        }
        let mut args = match_pattern(&pat[..fixed].join("/"), &segs[..fixed])?;
        args.push(segs[fixed..].join("/"));
        return Some(args);
    }
    if pat.len() != segs.len() {
        return None;
    }
    let mut args = Vec::new();
    for (p, s) in pat.iter().zip(segs) {
        // `:hash.narinfo` matches a segment with that suffix and a non-empty stem.
        if let Some(suffix) = p
            .strip_prefix(':')
            .and_then(|n| n.find('.').map(|i| &n[i..]))
        {
            match s.strip_suffix(suffix) {
                Some(stem) if !stem.is_empty() => args.push(stem.to_string()),
                _ => return None,
            }
        } else if p.starts_with(':') {
            args.push(s.clone());
        } else if p != s {
            return None;
        }
    }
    Some(args)
}

pub fn find(method: &str, path: &str) -> Match<'static> {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(super::url_decode_path)
        .collect();
    let method = if method == "HEAD" { "GET" } else { method };
    let mut allowed = Vec::new();
    for table in super::ROUTES {
        for route in table.iter() {
            if let Some(args) = match_pattern(route.pattern, &segs) {
                if route.method == method {
                    return Match::Found(route, args);
                }
                allowed.push(route.method);
            }
        }
    }
    if allowed.is_empty() {
        Match::NotFound
    } else {
        Match::WrongMethod(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing() {
        match find("GET", "/jobset/p/j%20x/clone") {
            Match::Found(r, args) => {
                assert_eq!(r.pattern, "/jobset/:p/:j/clone");
                assert_eq!(args, vec!["p", "j x"]);
            }
            _ => panic!("no match"),
        }
        assert!(matches!(find("PATCH", "/project/x"), Match::WrongMethod(_)));
        assert!(matches!(find("GET", "/nope/x"), Match::NotFound));
        assert!(matches!(find("GET", "/"), Match::Found(..)));
        let segs = |p: &str| -> Vec<String> {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        assert_eq!(
            match_pattern("/b/:n/d/*", &segs("/b/1/d")),
            Some(vec!["1".into(), "".into()])
        );
        assert_eq!(
            match_pattern("/b/:n/d/*", &segs("/b/1/d/2/x/y.txt")),
            Some(vec!["1".into(), "2/x/y.txt".into()])
        );
        assert_eq!(match_pattern("/b/:n/d/*", &segs("/b/1")), None);
        assert_eq!(match_pattern("/b/:n/d/*", &segs("/b/1/e/2")), None);
    }
}
