// Placeholder until the validators land (being written now); replace this whole file.
pub const VALIDATORS: &[&str] = &["luhn"];
pub fn validate(name: &str, value: &[u8]) -> Option<bool> {
    match name {
        "luhn" => {
            let mut sum = 0u32;
            let mut n = 0;
            for (i, d) in value.iter().rev().filter(|c| c.is_ascii_digit()).enumerate() {
                let mut v = u32::from(d - b'0');
                if i % 2 == 1 {
                    v *= 2;
                    if v > 9 {
                        v -= 9;
                    }
                }
                sum += v;
                n += 1;
            }
            Some(n > 1 && sum % 10 == 0)
        }
        _ => None,
    }
}
