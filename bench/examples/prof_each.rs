use std::time::Instant;
use tamis_bench::log_text;
use tamis_core::{Context, Policy, Scratch, Tally};
fn main() {
    let ctx = Context::default();
    for planted in [0u64, 5] {
        let text = log_text(8 << 20, planted);
        for set in [
            "\"phone\", \"credit_card\", \"us_ssn\", \"iban\", \"ip\", \"mac\"",
            "\"phone\", \"credit_card\", \"us_ssn\", \"iban\", \"ip\"",
            "\"email\", \"jwt\", \"aws_key\", \"github_token\", \"slack_token\", \"stripe_key\", \"google_api_key\", \"private_key\", \"bearer_token\", \"url_credentials\"",
            "\"email\", \"phone\", \"credit_card\", \"us_ssn\", \"iban\", \"ip\", \"mac\", \"jwt\", \"aws_key\", \"github_token\", \"slack_token\", \"stripe_key\", \"google_api_key\", \"private_key\", \"bearer_token\", \"url_credentials\"",
        ] {
            let toml = format!(
                "version = 1\nname = \"x\"\n[limits]\nmax_string_bytes = 67108864\nmax_record_bytes = 67108864\n[[rule]]\nid = \"a\"\ndetect = [{set}]\naction = \"replace\"\nreplacement = \"[{{type}}]\"\n"
            );
            let policy = Policy::from_toml(&toml).unwrap();
            let mut sx = Scratch::new(&policy);
            let mut tally = Tally::new(&policy, false);
            let best = (0..7)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(policy.mask_text_with(&text, &ctx, &mut sx, &mut tally));
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::MAX, f64::min);
            println!(
                "planted={planted} {:7.2} ms  {}",
                best * 1e3,
                &set[..40.min(set.len())]
            );
        }
    }
}
