//! Whether a parsed pattern matches within a line: it can match no line break and is not
//! anchored to the start or end of the text (`\A`, `\z`, `^` and `$` without `(?m)`). Custom
//! `pattern`s that are give line-by-line text masking its whole-text result; the catalog's must
//! be (`core/build.rs` includes this file to refuse the others).

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Whether `hir` matches only within a line.
pub(crate) fn line_local(hir: &Hir) -> bool {
    let looks = hir.properties().look_set();
    !newline(hir) && !looks.contains(Look::Start) && !looks.contains(Look::End)
}

/// Whether some match of `h` can hold a line break.
fn newline(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => lit.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(r) => newline(&r.sub),
        HirKind::Capture(c) => newline(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(newline),
    }
}
