//! The built-in detectors' names (also read by `core/build.rs`, which refuses a catalog entry
//! named like one).

/// Every built-in detector, by name.
pub const BUILTIN: &[&str] = &[
    "email",
    "phone",
    "credit_card",
    "us_ssn",
    "iban",
    "ip",
    "mac",
    "jwt",
    "aws_key",
    "github_token",
    "slack_token",
    "stripe_key",
    "google_api_key",
    "private_key",
    "bearer_token",
    "url_credentials",
    "high_entropy",
    "person_name",
];
