//! The key a name is looked up by: lower case, Latin diacritics removed (`Müller` is `muller`,
//! `Łukasz` `lukasz`, `Ayşe` `ayse`), apostrophes dropped (`O'Brien` is `obrien`). The name
//! lists are compiled with it (`core/build.rs` includes this file) and text is matched with it,
//! so a list written without accents (INSEE, IBGE) finds names written with them.

/// Appends the folded form of `word` to `out`.
pub(crate) fn fold_name(word: &str, out: &mut alloc::string::String) {
    for c in word.chars() {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}' => {}
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'þ' | 'Þ' => out.push_str("th"),
            _ => {
                // `İ` lower-cases to `i` and a combining dot, which is dropped.
                for l in c.to_lowercase().filter(|&l| l != '\u{0307}') {
                    out.push(base(l));
                }
            }
        }
    }
}

/// The letter without its diacritic (lower case in, lower case out).
fn base(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' | 'ð' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'i' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        c => c,
    }
}
