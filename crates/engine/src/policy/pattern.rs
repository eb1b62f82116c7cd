//! Case-insensitive IAM wildcard matching (`*` and `?`) for action names.

/// Whether `pattern` (IAM wildcard syntax: `*` matches any run of characters, including
/// none, and `?` matches exactly one character) matches `text`, ignoring case.
///
/// IAM action names are case-insensitive (`IAM:*` equals `iam:*`); this is the comparison
/// every action question of the policy model uses. Runs in `O(len(pattern) * len(text))`
/// in the worst case and never recurses, so hostile patterns cannot blow up.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();

    // Classic greedy matcher with single-star backtracking.
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None; // (pattern index after `*`, text index)
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                p += 1;
                star = Some((p, t));
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Whether an action pattern matches every possible action: it consists only of `*`
/// (`"*"`, `"**"`), or is `*:*` (every action name has the form `service:action`).
pub fn is_universal_action_pattern(pattern: &str) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    if all_stars(pattern) {
        return true;
    }
    match pattern.split_once(':') {
        Some((service, action)) => all_stars(service) && all_stars(action),
        None => false,
    }
}

/// The lower-cased service prefix if `pattern` is a literal service wildcard `<service>:*`:
/// a service name without wildcards, a colon, and exactly one `*`. `s3:Get*`, `*:*`, `*`
/// and `s3:**` are not literal service wildcards.
pub fn literal_service_wildcard(pattern: &str) -> Option<String> {
    let (service, action) = pattern.split_once(':')?;
    let plain_service = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    (plain_service && action == "*").then(|| service.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "iam:CreateUser", true),
            ("*", "", true),
            ("", "", true),
            ("", "s3:GetObject", false),
            ("iam:*", "iam:CreateUser", true),
            ("IAM:*", "iam:createuser", true),
            ("iam:*", "IAM:CREATEUSER", true),
            ("iam:*", "iamx:CreateUser", false),
            ("s3:Get*", "s3:GetObject", true),
            ("s3:Get*", "s3:PutObject", false),
            ("s3:Get*", "s3:Get", true),
            ("s3:?etObject", "s3:GetObject", true),
            ("s3:?etObject", "s3:etObject", false),
            ("sts:AssumeRole", "sts:AssumeRole", true),
            ("sts:AssumeRole", "sts:AssumeRoleWithSAML", false),
            ("sts:AssumeRole*", "sts:AssumeRoleWithSAML", true),
            ("*Role*", "sts:AssumeRoleWithWebIdentity", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            (
                "a*a*a*a*a*b",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
            ),
            ("*:*", "s3:GetObject", true),
            ("*:*", "nocolon", false),
        ];
        for &(pattern, text, expected) in cases {
            assert_eq!(
                wildcard_match(pattern, text),
                expected,
                "pattern {pattern:?} against {text:?}"
            );
        }
    }

    #[test]
    fn universal_patterns() {
        for p in ["*", "**", "*:*", "**:*"] {
            assert!(is_universal_action_pattern(p), "{p}");
        }
        for p in ["", "iam:*", ":*", "*:", "*:Get*", "s3:*"] {
            assert!(!is_universal_action_pattern(p), "{p}");
        }
    }

    #[test]
    fn literal_service_wildcards() {
        assert_eq!(literal_service_wildcard("s3:*").as_deref(), Some("s3"));
        assert_eq!(literal_service_wildcard("IAM:*").as_deref(), Some("iam"));
        assert_eq!(
            literal_service_wildcard("execute-api:*").as_deref(),
            Some("execute-api")
        );
        for p in ["*", "*:*", "s3:Get*", "s3:**", "s?:*", ":*", "s3", "s3:"] {
            assert_eq!(literal_service_wildcard(p), None, "{p}");
        }
    }
}
