//! POSIX sh quoting for the scripts hydrant hands out (`/build/N/reproduce`,
//! `/jobset/P/J/reproduce`). Their values come from evaluation and from jobset settings, so
//! every one goes through `quote`; none is ever written into a comment or a variable name.

/// `'…'`, each `'` written as `'\''`. Inside single quotes sh expands nothing (no `$`, no
/// backquote, no backslash) and a newline is just a character, so any string without a NUL
/// stays one word. Callers refuse values with a NUL first (`has_nul`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// sh cannot carry a NUL byte in a word (it ends the C string); such a value is refused.
pub fn has_nul(s: &str) -> bool {
    s.contains('\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("abc"), "'abc'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("a\n$(x)`y`\\"), "'a\n$(x)`y`\\'");
        assert!(has_nul("a\0b") && !has_nul("ab"));
    }
}
