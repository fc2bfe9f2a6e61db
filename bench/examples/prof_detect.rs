use tamis_bench::{POLICY_ALL_DETECTORS, log_text};
use tamis_core::{Context, Policy, Scratch, Tally};
fn main() {
    let planted = std::env::args().nth(1).as_deref() == Some("planted");
    let text = log_text(2 << 20, if planted { 5 } else { 0 });
    let policy = Policy::from_toml(POLICY_ALL_DETECTORS).unwrap();
    let ctx = Context::default();
    let mut sx = Scratch::new(&policy);
    let mut tally = Tally::new(&policy, false);
    for _ in 0..3 {
        std::hint::black_box(policy.mask_text_with(&text, &ctx, &mut sx, &mut tally));
    }
}
