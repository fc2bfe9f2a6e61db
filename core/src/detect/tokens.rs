//! Secrets with known shapes: jwt, aws_key, github_token, slack_token, stripe_key,
//! google_api_key, private_key, bearer_token, url_credentials. Each runs behind a `memchr` or
//! `memmem` prefilter.

use alloc::vec::Vec;
use memchr::memmem;

use super::{at, before, eq_ignore_case, is_word, occurrences, run};

// ---- tokens with known prefixes ----

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

pub(super) fn find_jwts(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut last_end = 0;
    for i in occurrences(b, b"eyJ") {
        if i < last_end || is_b64url(before(b, i)) {
            continue;
        }
        let h = run(b, i, 4096, is_b64url);
        if h < 10 || at(b, i + h) != b'.' {
            continue;
        }
        let p0 = i + h + 1;
        if b.get(p0..p0 + 3) != Some(b"eyJ") {
            continue;
        }
        let p = run(b, p0, 1 << 16, is_b64url);
        if p < 10 || at(b, p0 + p) != b'.' {
            continue;
        }
        let s0 = p0 + p + 1;
        let s = run(b, s0, 4096, is_b64url);
        let end = s0 + s;
        if !is_b64url(at(b, end)) {
            out.push((i, end));
            last_end = end;
        }
    }
}

/// A token `prefix` + `min..=max` characters of `class` at `i`, bounded on both sides.
fn prefixed(
    b: &[u8],
    i: usize,
    prefix_len: usize,
    min: usize,
    max: usize,
    class: impl Fn(u8) -> bool,
) -> Option<usize> {
    if is_word(before(b, i)) {
        return None;
    }
    let n = run(b, i + prefix_len, max + 1, &class);
    let end = i + prefix_len + n;
    (n >= min && n <= max && !class(at(b, end))).then_some(end)
}

const AWS_PREFIXES: [&[u8; 4]; 12] = [
    b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"AGPA", b"AIDA", b"AIPA", b"ANPA", b"ANVA", b"APKA",
    b"AROA", b"ASCA",
];

pub(super) fn find_aws(b: &[u8], out: &mut Vec<(usize, usize)>) {
    // Access key ids: a known prefix and 16 upper-case letters or digits.
    let upper_digit = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    for i in memchr::memchr_iter(b'A', b) {
        if b.get(i..i + 4)
            .is_some_and(|p| AWS_PREFIXES.iter().any(|a| &a[..] == p))
            && let Some(end) = prefixed(b, i, 4, 16, 16, upper_digit)
        {
            out.push((i, end));
        }
    }
    // Secret access keys: 40 base64 characters assigned to a key named like
    // `aws_secret_access_key` / `SecretAccessKey` (case and separators ignored).
    for k in occurrences(b, b"ecret").chain(occurrences(b, b"ECRET")) {
        let Some(s) = k.checked_sub(1) else { continue };
        if !at(b, s).eq_ignore_ascii_case(&b's') {
            continue;
        }
        // After `secret`: optional separator, `access`, optional separator, `key`.
        let mut j = k + 5;
        if matches!(at(b, j), b'_' | b'-' | b' ') {
            j += 1;
        }
        if !eq_ignore_case(b, j, b"access") {
            continue;
        }
        j += 6;
        if matches!(at(b, j), b'_' | b'-' | b' ') {
            j += 1;
        }
        if !eq_ignore_case(b, j, b"key") {
            continue;
        }
        j += 3;
        j += run(b, j, 8, |c| matches!(c, b' ' | b'"' | b'\'' | b'\t'));
        if !matches!(at(b, j), b'=' | b':') {
            continue;
        }
        j += 1;
        j += run(b, j, 8, |c| matches!(c, b' ' | b'"' | b'\'' | b'\t'));
        let n = run(b, j, 41, |c| {
            c.is_ascii_alphanumeric() || c == b'/' || c == b'+'
        });
        if n == 40 {
            out.push((j, j + 40));
        }
    }
}

pub(super) fn find_github(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for i in occurrences(b, b"gh") {
        let prefix = b.get(i..i + 4);
        // Since 2026 `ghs_` (app installation) tokens may carry `.` and `_` in their body.
        let body = |c: u8| {
            c.is_ascii_alphanumeric() || prefix == Some(b"ghs_") && matches!(c, b'.' | b'_')
        };
        if matches!(
            prefix,
            Some(b"ghp_" | b"gho_" | b"ghu_" | b"ghs_" | b"ghr_")
        ) && let Some(end) = prefixed(b, i, 4, 36, 255, body)
        {
            // A sentence's full stop after the token is not part of it.
            let end = if at(b, end - 1) == b'.' { end - 1 } else { end };
            out.push((i, end));
        }
    }
    for i in occurrences(b, b"github_pat_") {
        if let Some(end) = prefixed(b, i, 11, 60, 255, is_word) {
            out.push((i, end));
        }
    }
}

pub(super) fn find_slack(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for i in occurrences(b, b"xox") {
        // `xoxo-` is the legacy (pre-2016) user token.
        if matches!(at(b, i + 3), b'a' | b'b' | b'p' | b'r' | b's' | b'e' | b'o')
            && at(b, i + 4) == b'-'
            && let Some(end) =
                prefixed(b, i, 5, 10, 255, |c| c.is_ascii_alphanumeric() || c == b'-')
        {
            out.push((i, end));
        }
    }
    for i in occurrences(b, b"xapp-") {
        if let Some(end) = prefixed(b, i, 5, 10, 255, |c| c.is_ascii_alphanumeric() || c == b'-') {
            out.push((i, end));
        }
    }
    // Incoming webhooks (`services/`), Workflow Builder webhooks (`workflows/`) and workflow
    // triggers (`triggers/`): the path after the kind is the secret.
    for i in occurrences(b, b"hooks.slack.com/") {
        let k = i + b"hooks.slack.com/".len();
        let Some(kind) = [&b"services/"[..], b"workflows/", b"triggers/"]
            .into_iter()
            .find(|kind| b.get(k..).is_some_and(|r| r.starts_with(kind)))
        else {
            continue;
        };
        let s = k + kind.len();
        let n = run(b, s, 255, |c| {
            c.is_ascii_alphanumeric() || c == b'/' || c == b'_'
        });
        if n >= 20 {
            out.push((s, s + n));
        }
    }
}

pub(super) fn find_stripe(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for mode in [&b"_live_"[..], &b"_test_"[..]] {
        for k in occurrences(b, mode) {
            let Some(i) = k.checked_sub(2) else { continue };
            if matches!(b.get(i..k), Some(b"sk" | b"pk" | b"rk"))
                && let Some(end) =
                    prefixed(b, i, 2 + mode.len(), 10, 255, |c| c.is_ascii_alphanumeric())
            {
                out.push((i, end));
            }
        }
    }
    for i in occurrences(b, b"whsec_") {
        if let Some(end) = prefixed(b, i, 6, 20, 255, |c| c.is_ascii_alphanumeric()) {
            out.push((i, end));
        }
    }
}

pub(super) fn find_google(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for i in occurrences(b, b"AIza") {
        if let Some(end) = prefixed(b, i, 4, 35, 35, is_b64url) {
            out.push((i, end));
        }
    }
}

pub(super) fn find_private_keys(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    for i in occurrences(b, b"-----BEGIN ") {
        if i < from {
            continue;
        }
        let label_start = i + 11;
        let label_len = run(b, label_start, 64, |c| c.is_ascii_uppercase() || c == b' ');
        let label = b.get(label_start..label_start + label_len).unwrap_or(&[]);
        from = label_start;
        if b.get(label_start + label_len..label_start + label_len + 5) != Some(b"-----")
            || !(label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK"))
        {
            continue;
        }
        // To the matching END line; without one, to the end of the text (a cut key is still a key).
        let body = label_start + label_len + 5;
        let end = memmem::find(b.get(body..).unwrap_or(&[]), b"-----END ")
            .map(|rel| {
                let e = body + rel + 9;
                let tail = run(b, e, 80, |c| c != b'\n' && c != b'\r');
                match memmem::find(b.get(e..e + tail).unwrap_or(&[]), b"-----") {
                    Some(k) => e + k + 5,
                    None => e + tail,
                }
            })
            .unwrap_or(b.len());
        out.push((i, end));
        from = end.max(from);
    }
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
}

pub(super) fn find_bearer(b: &[u8], out: &mut Vec<(usize, usize)>) {
    // Where the last token found ends: a `bearer` inside a token is part of it (a run of
    // `bearer=bearer=...` is one token, not one per occurrence: linear).
    for needle in [&b"earer"[..], &b"EARER"[..]] {
        find_bearer_with(b, needle, out);
    }
}

fn find_bearer_with(b: &[u8], needle: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut last_end = 0;
    for k in occurrences(b, needle) {
        let Some(i) = k.checked_sub(1) else { continue };
        if i < last_end {
            continue;
        }
        if !at(b, i).eq_ignore_ascii_case(&b'b') || is_word(before(b, i)) {
            continue;
        }
        // `Bearer <token>`, `bearer=<token>`, `bearer: <token>`.
        let mut j = k + 5;
        let spaces = run(b, j, 8, |c| c == b' ' || c == b'\t');
        j += spaces;
        if matches!(at(b, j), b'=' | b':') {
            j += 1;
            j += run(b, j, 8, |c| c == b' ' || c == b'"' || c == b'\'');
        } else if spaces == 0 {
            continue;
        }
        let n = run(b, j, 8192, is_token_char);
        // Trailing `.` ends a sentence, not the token.
        let mut e = j + n;
        while e > j && at(b, e - 1) == b'.' {
            e -= 1;
        }
        if e - j >= 8
            && b.get(j..e)
                .is_some_and(|t| t.iter().any(u8::is_ascii_digit) || t.len() >= 16)
        {
            out.push((j, e));
            last_end = e;
        }
    }
}

pub(super) fn find_url_credentials(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for k in occurrences(b, b"//") {
        // `scheme://` or a scheme-relative `//` (not `///` or a word's `a//b`).
        let scheme_relative = before(b, k) != b':';
        if scheme_relative {
            if is_word(before(b, k)) || matches!(before(b, k), b'/' | b'.' | b'-' | b'+') {
                continue;
            }
        } else {
            let mut s = k - 1;
            while s > 0
                && (before(b, s).is_ascii_alphanumeric()
                    || matches!(before(b, s), b'+' | b'.' | b'-'))
            {
                s -= 1;
            }
            if s + 1 == k {
                continue;
            }
        }
        let u = k + 2;
        let userinfo = run(b, u, 512, |c| {
            !matches!(
                c,
                b'/' | b'?'
                    | b'#'
                    | b'@'
                    | b' '
                    | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b'>'
            )
        });
        if at(b, u + userinfo) != b'@' {
            continue;
        }
        let info = b.get(u..u + userinfo).unwrap_or(&[]);
        // `user:password`, or `:password` with an empty user (`redis://:pw@host`).
        if let Some(colon) = info.iter().position(|&c| c == b':')
            && colon + 1 < info.len()
        {
            out.push((u, u + userinfo));
        }
    }
}
