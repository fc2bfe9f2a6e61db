"""Value generators for core/catalog/secrets_b.toml.

CASES maps each detector name to (hit, near_miss). `hit(rng)` returns the secret alone or
(before, secret, after), where only `secret` must be masked; `near_miss(rng)` returns a text
that resembles the type but is not one of it by the published format, and that no detector
should mask. Values are built from each vendor's published format, not from the patterns.
"""

import base64
import json
import random
import string

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + DIGITS
LOWER_ALNUM = LOWER + DIGITS
UPPER_ALNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
HEX_UPPER = "0123456789ABCDEF"
B64URL = ALNUM + "_-"
BECH32_UPPER = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
# Password characters: no whitespace, quotes, backslash or delimiters of the host syntax.
PW_FIRST = string.ascii_letters + DIGITS
PW_REST = ALNUM + "!@#^_-+.?~"


def s(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def uuid(rng: random.Random) -> str:
    return "-".join(s(rng, HEX, n) for n in (8, 4, 4, 4, 12))


def password(rng: random.Random, lo: int = 6, hi: int = 24) -> str:
    return rng.choice(PW_FIRST) + s(rng, PW_REST, rng.randint(lo, hi) - 1)


def token_value(rng: random.Random, lo: int = 12, hi: int = 48) -> str:
    return rng.choice(ALNUM) + s(rng, ALNUM + "_-.~+/", rng.randint(lo, hi) - 2) + rng.choice(ALNUM)


def assign(rng: random.Random, key: str, value: str):
    """`value` stored under `key`, in one of the common syntaxes."""
    form = rng.randrange(6)
    if form == 0:
        return (key.upper() + "=", value, "")
    if form == 1:
        return ("export " + key.upper() + '="', value, '"')
    if form == 2:
        return (key + ": ", value, "")
    if form == 3:
        return ('{"' + key + '": "', value, '", "region": "eu"}')
    if form == 4:
        return (key + " = '", value, "'")
    return ("<add key=\"" + key + "\" value=\"", value, "\" />")


def keyed(keys, value_fn):
    def hit(rng):
        return assign(rng, rng.choice(keys), value_fn(rng))
    return hit


def short_keyed(keys, alphabet):
    """A vendor key with a value far too short for the format (and for generic entries)."""
    def near(rng):
        key = rng.choice(keys)
        return rng.choice([
            key.upper() + "=" + s(rng, alphabet, rng.randint(3, 6)),
            "the " + key + " setting was rotated yesterday",
            key + ": (not set)",
        ])
    return near


def prefixed(prefix, alphabet, n, before=("", "token ", "key: ", "value=")):
    def hit(rng):
        return (rng.choice(before), prefix + s(rng, alphabet, n), "")
    return hit


def short_prefixed(prefix, alphabet, n=8):
    def near(rng):
        return "see " + prefix + s(rng, alphabet, n) + " in the docs"
    return near


CASES = {}

# ---------------- payments and commerce ----------------
CASES["square_access_token"] = (
    prefixed("EAAA", B64URL, 60),
    lambda rng: "ref EAAA" + s(rng, B64URL, 12) + " truncated",
)
CASES["square_legacy_access_token"] = (
    prefixed("sq0atp-", B64URL, 22),
    short_prefixed("sq0atp-", B64URL, 10),
)
CASES["square_oauth_secret"] = (
    prefixed("sq0csp-", B64URL, 43),
    short_prefixed("sq0csp-", B64URL, 12),
)
CASES["braintree_access_token"] = (
    lambda rng: ("gateway(", "access_token$" + rng.choice(["production", "sandbox"]) + "$"
                 + s(rng, LOWER_ALNUM, 16) + "$" + s(rng, HEX, 32), ")"),
    lambda rng: "access_token$production$" + s(rng, LOWER_ALNUM, 16) + "$" + s(rng, HEX, 8),
)
CASES["razorpay_key_id"] = (
    lambda rng: ('key: "', "rzp_" + rng.choice(["live", "test"]) + "_" + s(rng, ALNUM, 14), '"'),
    lambda rng: "rzp_live_" + s(rng, ALNUM, 6) + " is too short",
)
CASES["razorpay_key_secret"] = (
    keyed(["razorpay_key_secret", "RAZORPAY_SECRET", "rzp_key_secret", "razorpayKeySecret"],
          lambda rng: s(rng, ALNUM, 24)),
    short_keyed(["razorpay_key_secret", "RAZORPAY_SECRET"], ALNUM),
)
CASES["flutterwave_secret_key"] = (
    lambda rng: ("FLW_SECRET_KEY=", "FLWSECK" + rng.choice(["", "_TEST"]) + "-" + s(rng, HEX, 32) + "-X", ""),
    lambda rng: "FLWSECK-" + s(rng, HEX, 10) + "-X",
)
CASES["flutterwave_public_key"] = (
    lambda rng: ("publicKey: '", "FLWPUBK" + rng.choice(["", "_TEST"]) + "-" + s(rng, HEX, 32) + "-X", "'"),
    lambda rng: "FLWPUBK_TEST-" + s(rng, HEX, 10),
)
CASES["flutterwave_encryption_key"] = (
    lambda rng: ("FLW_ENCRYPTION_KEY=", "FLWSECK_TEST" + s(rng, HEX, 12), ""),
    lambda rng: "FLWSECK_TEST" + s(rng, HEX, 5),
)
CASES["plaid_access_token"] = (
    lambda rng: ('{"access_token": "', "access-" + rng.choice(["sandbox", "development", "production"])
                 + "-" + uuid(rng), '"}'),
    lambda rng: "access-staging-" + uuid(rng)[:8],
)
CASES["plaid_secret"] = (
    keyed(["PLAID_SECRET", "plaid_secret_key", "plaidSecret"], lambda rng: s(rng, LOWER_ALNUM, 30)),
    short_keyed(["PLAID_SECRET", "plaid_secret_key"], LOWER_ALNUM),
)
CASES["mollie_api_key"] = (
    keyed(["MOLLIE_API_KEY", "mollie_key", "mollieApiKey"],
          lambda rng: rng.choice(["live_", "test_"]) + s(rng, ALNUM, 30)),
    lambda rng: "MOLLIE_API_KEY=test_" + s(rng, ALNUM, 2),
)
CASES["gocardless_access_token"] = (
    keyed(["GOCARDLESS_ACCESS_TOKEN", "gocardless_token", "GoCardlessToken"],
          lambda rng: rng.choice(["live_", "sandbox_"]) + s(rng, B64URL, 40)),
    lambda rng: "GOCARDLESS_ACCESS_TOKEN=live_" + s(rng, ALNUM, 2),
)
CASES["checkout_com_secret_key"] = (
    lambda rng: ("Authorization: ", "sk_" + rng.choice(["", "test_"]) + uuid(rng), ""),
    lambda rng: "sk_" + s(rng, HEX, 8) + " rotated",
)

# ---------------- communications ----------------
CASES["twilio_account_sid"] = (
    lambda rng: (rng.choice(["TWILIO_ACCOUNT_SID=", "twilio account sid: ", "AccountSid="]),
                 "AC" + s(rng, HEX, 32), ""),
    lambda rng: "twilio account sid: AC" + s(rng, HEX, 10),
)
CASES["twilio_api_key"] = (
    lambda rng: (rng.choice(["TWILIO_API_KEY=", "twilio key sid "]), "SK" + s(rng, HEX, 32), ""),
    lambda rng: "twilio key SK" + s(rng, HEX, 12),
)
CASES["twilio_api_key_secret"] = (
    keyed(["TWILIO_API_SECRET", "twilio_api_key_secret", "twilioSecret"], lambda rng: s(rng, ALNUM, 32)),
    short_keyed(["TWILIO_API_SECRET"], ALNUM),
)
CASES["twilio_auth_token"] = (
    keyed(["TWILIO_AUTH_TOKEN", "twilio_token", "twilioAuthToken"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["TWILIO_AUTH_TOKEN", "twilio_token"], HEX),
)
CASES["sendgrid_api_key"] = (
    lambda rng: (rng.choice(["", "SENDGRID_API_KEY=", "apiKey: '"]),
                 "SG." + s(rng, B64URL, 22) + "." + s(rng, B64URL, 43), ""),
    lambda rng: "SG." + s(rng, B64URL, 10) + " (truncated)",
)
CASES["mailgun_private_api_key"] = (
    lambda rng: (rng.choice(["MAILGUN_API_KEY=", "mailgun key: "]), "key-" + s(rng, HEX, 32), ""),
    lambda rng: "mailgun key-" + s(rng, HEX, 8),
)
CASES["mailgun_api_key"] = (
    keyed(["MAILGUN_API_KEY", "mailgun_signing_key", "mailgunKey"],
          lambda rng: s(rng, HEX, 32) + "-" + s(rng, HEX, 8) + "-" + s(rng, HEX, 8)),
    short_keyed(["MAILGUN_API_KEY"], HEX),
)
CASES["mailchimp_api_key"] = (
    lambda rng: (rng.choice(["", "MAILCHIMP_API_KEY=", "apikey "]),
                 s(rng, HEX, 32) + "-us" + str(rng.randint(1, 21)), ""),
    lambda rng: "server prefix -us" + str(rng.randint(1, 21)) + " for " + s(rng, HEX, 8),
)
CASES["postmark_server_token"] = (
    lambda rng: rng.choice([
        ("X-Postmark-Server-Token: ", uuid(rng), ""),
        ("POSTMARK_SERVER_TOKEN=", uuid(rng), ""),
        ('{"postmarkApiKey": "', uuid(rng), '"}'),
    ]),
    lambda rng: "X-Postmark-Server-Token: " + s(rng, HEX, 5),
)
CASES["brevo_api_key"] = (
    lambda rng: ("BREVO_API_KEY=", "xkeysib-" + s(rng, HEX, 64) + "-" + s(rng, ALNUM, 16), ""),
    short_prefixed("xkeysib-", HEX, 10),
)
CASES["brevo_smtp_key"] = (
    lambda rng: ("SMTP_PASSWORD=", "xsmtpsib-" + s(rng, HEX, 64) + "-" + s(rng, ALNUM, 16), ""),
    short_prefixed("xsmtpsib-", HEX, 10),
)


def telegram_token(rng):
    return str(rng.randint(10 ** 7, 10 ** 10 - 1)) + ":AA" + s(rng, B64URL, 33)


CASES["telegram_bot_token"] = (
    lambda rng: rng.choice([
        ("BOT_TOKEN=", telegram_token(rng), ""),
        ("https://api.telegram.org/bot", telegram_token(rng), "/sendMessage?chat_id=42"),
        ("", telegram_token(rng), ""),
    ]),
    lambda rng: "at " + str(rng.randint(10, 23)) + ":AA" + s(rng, DIGITS, 2) + " UTC",
)


def discord_bot_token(rng):
    ident = base64.b64encode(str(rng.randint(10 ** 16, 10 ** 19 - 1)).encode()).decode().rstrip("=")
    return ident + "." + s(rng, B64URL, 6) + "." + s(rng, B64URL, rng.choice([27, 38]))


CASES["discord_bot_token"] = (
    lambda rng: ("DISCORD_BOT_TOKEN=", discord_bot_token(rng), ""),
    lambda rng: "discord bot " + s(rng, UPPER, 1) + s(rng, ALNUM, 5) + "." + s(rng, ALNUM, 3),
)
CASES["discord_webhook_url"] = (
    lambda rng: ("https://" + rng.choice(["", "ptb.", "canary."]) + rng.choice(["discord.com", "discordapp.com"])
                 + "/api/webhooks/" + str(rng.randint(10 ** 17, 10 ** 18)) + "/", s(rng, B64URL, 68), ""),
    lambda rng: "https://discord.com/api/webhooks/" + str(rng.randint(10 ** 17, 10 ** 18)),
)
CASES["msteams_incoming_webhook"] = (
    lambda rng: ("https://" + rng.choice(["contoso", "acme01"]) + ".webhook.office.com/webhookb2/",
                 uuid(rng) + "@" + uuid(rng) + "/IncomingWebhook/" + s(rng, HEX, 32) + "/" + uuid(rng)
                 + rng.choice(["", "/V2" + s(rng, B64URL, 40)]), ""),
    lambda rng: "https://contoso.webhook.office.com/webhookb2/" + uuid(rng)[:8],
)
CASES["zoom_client_secret"] = (
    keyed(["ZOOM_CLIENT_SECRET", "zoom_secret", "zoomClientSecret"], lambda rng: s(rng, ALNUM, 32)),
    short_keyed(["ZOOM_CLIENT_SECRET"], ALNUM),
)
CASES["vonage_api_secret"] = (
    keyed(["VONAGE_API_SECRET", "NEXMO_API_SECRET", "vonageSecret"], lambda rng: s(rng, ALNUM, 16)),
    short_keyed(["VONAGE_API_SECRET", "NEXMO_API_SECRET"], ALNUM),
)
CASES["messagebird_api_key"] = (
    keyed(["MESSAGEBIRD_ACCESS_KEY", "message_bird_api_key", "messageBirdKey"], lambda rng: s(rng, ALNUM, 25)),
    short_keyed(["MESSAGEBIRD_ACCESS_KEY"], ALNUM),
)
CASES["pusher_app_secret"] = (
    keyed(["PUSHER_APP_SECRET", "pusher_secret", "pusherSecret"], lambda rng: s(rng, HEX, 20)),
    short_keyed(["PUSHER_APP_SECRET"], HEX),
)
CASES["mailjet_api_secret"] = (
    keyed(["MAILJET_API_SECRET", "MAILJET_API_KEY", "mailjetSecretKey"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["MAILJET_API_SECRET"], HEX),
)

# ---------------- SaaS applications ----------------
CASES["notion_integration_secret"] = (
    prefixed("secret_", ALNUM, 43, before=("", "NOTION_TOKEN=", "auth: ")),
    lambda rng: "secret_" + s(rng, LOWER, 6) + " is not set",
)
CASES["notion_api_token"] = (
    lambda rng: ("NOTION_API_KEY=", "ntn_" + s(rng, DIGITS, 11) + s(rng, ALNUM, 35), ""),
    short_prefixed("ntn_", ALNUM, 10),
)
CASES["airtable_personal_access_token"] = (
    lambda rng: ("AIRTABLE_TOKEN=", "pat" + s(rng, ALNUM, 14) + "." + s(rng, HEX, 64), ""),
    lambda rng: "pat" + s(rng, ALNUM, 14) + "." + s(rng, HEX, 6),
)
CASES["hubspot_private_app_token"] = (
    lambda rng: ("HUBSPOT_ACCESS_TOKEN=", "pat-" + rng.choice(["na1", "eu1", "na2", "ap1"]) + "-" + uuid(rng), ""),
    lambda rng: "pat-na1-" + s(rng, HEX, 8),
)
CASES["hubspot_api_key"] = (
    lambda rng: rng.choice([
        ("HUBSPOT_API_KEY=", uuid(rng), ""),
        ("https://api.hubapi.com/contacts/v1/lists?hapikey=", uuid(rng), "&count=10"),
    ]),
    lambda rng: "hapikey=" + s(rng, HEX, 6),
)


def intercom_token(rng):
    body = b"tok:" + uuid(rng).replace("-", "_").encode() + b":1:0"
    return base64.b64encode(body).decode()


CASES["intercom_access_token"] = (
    lambda rng: ("INTERCOM_ACCESS_TOKEN=", intercom_token(rng), ""),
    lambda rng: "dG9rOg== is only the prefix",
)
CASES["okta_api_token"] = (
    lambda rng: rng.choice([
        ("Authorization: SSWS ", "00" + s(rng, B64URL, 40), ""),
        ("OKTA_API_TOKEN=", "00" + s(rng, B64URL, 40), ""),
    ]),
    lambda rng: "OKTA_API_TOKEN=00" + s(rng, ALNUM, 4),
)
CASES["auth0_client_secret"] = (
    keyed(["AUTH0_CLIENT_SECRET", "auth0_secret", "auth0ClientSecret"], lambda rng: s(rng, B64URL, 64)),
    short_keyed(["AUTH0_CLIENT_SECRET"], ALNUM),
)
CASES["contentful_personal_access_token"] = (
    prefixed("CFPAT-", B64URL, 43),
    short_prefixed("CFPAT-", ALNUM, 10),
)
CASES["figma_personal_access_token"] = (
    prefixed("figd_", B64URL, 40, before=("", "X-Figma-Token: ", "FIGMA_TOKEN=")),
    lambda rng: "figd_" + s(rng, ALNUM, 8) + " (placeholder)",
)
CASES["dropbox_access_token"] = (
    lambda rng: ("DROPBOX_TOKEN=", rng.choice(["sl.", "sl.u."]) + s(rng, B64URL, rng.randint(135, 400)), ""),
    lambda rng: "sl." + s(rng, LOWER, 6) + ".example.com",
)
CASES["box_client_secret"] = (
    keyed(["BOX_CLIENT_SECRET", "box_developer_token", "boxClientSecret"], lambda rng: s(rng, ALNUM, 32)),
    short_keyed(["BOX_CLIENT_SECRET"], ALNUM),
)
CASES["algolia_api_key"] = (
    keyed(["ALGOLIA_ADMIN_KEY", "algolia_api_key", "algoliaWriteKey"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["ALGOLIA_ADMIN_KEY"], HEX),
)


def mapbox_token(rng, kind):
    payload = json.dumps({"u": s(rng, LOWER, rng.randint(4, 12)), "a": s(rng, LOWER_ALNUM, 25)},
                         separators=(",", ":"))
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return kind + "." + body + "." + s(rng, B64URL, 22)


CASES["mapbox_secret_token"] = (
    lambda rng: ("MAPBOX_DOWNLOADS_TOKEN=", mapbox_token(rng, "sk"), ""),
    lambda rng: "sk.eyJ" + s(rng, ALNUM, 6),
)
CASES["mapbox_temporary_token"] = (
    lambda rng: ("token ", mapbox_token(rng, "tk"), ""),
    lambda rng: "tk.eyJ" + s(rng, ALNUM, 6),
)
CASES["mapbox_public_token"] = (
    lambda rng: ("mapboxgl.accessToken = '", mapbox_token(rng, "pk"), "';"),
    lambda rng: "pk.eyJ" + s(rng, ALNUM, 6),
)
CASES["lob_api_key"] = (
    keyed(["LOB_API_KEY", "lob_secret_key", "lobKey"],
          lambda rng: rng.choice(["live_", "test_"]) + s(rng, HEX, 35)),
    lambda rng: "LOB_API_KEY=test_" + s(rng, HEX, 2),
)
CASES["lob_publishable_key"] = (
    lambda rng: ("publishableKey: '", rng.choice(["live_pub_", "test_pub_"]) + s(rng, HEX, 31), "'"),
    lambda rng: "test_pub_" + s(rng, HEX, 6),
)
CASES["shippo_api_token"] = (
    lambda rng: ("Authorization: ShippoToken ", "shippo_" + rng.choice(["live", "test"]) + "_" + s(rng, HEX, 40), ""),
    lambda rng: "shippo_live_" + s(rng, HEX, 8),
)
CASES["easypost_api_key"] = (
    prefixed("EZAK", ALNUM, 54),
    short_prefixed("EZAK", ALNUM, 10),
)
CASES["easypost_test_api_key"] = (
    prefixed("EZTK", ALNUM, 54),
    short_prefixed("EZTK", ALNUM, 10),
)
CASES["twitch_oauth_token"] = (
    lambda rng: rng.choice([
        ("TWITCH_OAUTH_TOKEN=oauth:", s(rng, LOWER_ALNUM, 30), ""),
        ("twitch_client_secret: ", s(rng, LOWER_ALNUM, 30), ""),
    ]),
    short_keyed(["TWITCH_OAUTH_TOKEN"], LOWER_ALNUM),
)
CASES["twitter_bearer_token"] = (
    lambda rng: ("TWITTER_BEARER_TOKEN=", "A" * 21 + s(rng, ALNUM, 12) + "%2B" + s(rng, ALNUM, 30) + "%3D"
                 + s(rng, ALNUM, 50), ""),
    lambda rng: "A" * 21 + " padding",
)
CASES["facebook_access_token"] = (
    lambda rng: ("fb token ",
                 "EAA" + rng.choice("BCGJMW") + s(rng, ALNUM, rng.randint(150, 250)), ""),
    lambda rng: "EAAB" + s(rng, ALNUM, 10),
)
CASES["linkedin_client_secret"] = (
    keyed(["LINKEDIN_CLIENT_SECRET", "linked_in_secret", "linkedinSecret"], lambda rng: s(rng, ALNUM, 16)),
    short_keyed(["LINKEDIN_CLIENT_SECRET"], ALNUM),
)
CASES["typeform_personal_access_token"] = (
    lambda rng: ("TYPEFORM_TOKEN=", "tfp_" + s(rng, B64URL, 44) + "_" + s(rng, B64URL, 14), ""),
    short_prefixed("tfp_", ALNUM, 10),
)
CASES["zendesk_api_token"] = (
    keyed(["ZENDESK_API_TOKEN", "zendesk_token", "zendeskApiKey"], lambda rng: s(rng, ALNUM, 40)),
    short_keyed(["ZENDESK_API_TOKEN"], ALNUM),
)
CASES["freshdesk_api_key"] = (
    keyed(["FRESHDESK_API_KEY", "freshdesk_token", "freshdeskKey"], lambda rng: s(rng, ALNUM, 20)),
    short_keyed(["FRESHDESK_API_KEY"], ALNUM),
)
CASES["mixpanel_api_secret"] = (
    keyed(["MIXPANEL_API_SECRET", "mixpanel_secret", "mixpanelServiceSecret"], lambda rng: s(rng, ALNUM, 32)),
    short_keyed(["MIXPANEL_API_SECRET"], ALNUM),
)
CASES["amplitude_secret_key"] = (
    keyed(["AMPLITUDE_SECRET_KEY", "amplitude_api_key", "amplitudeSecretKey"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["AMPLITUDE_SECRET_KEY"], HEX),
)


def launchdarkly(prefix):
    def hit(rng):
        key = rng.choice(["LAUNCHDARKLY_", "LD_"]) + {"api-": "ACCESS_TOKEN", "sdk-": "SDK_KEY",
                                                    "mob-": "MOBILE_KEY"}[prefix]
        return (key + "=", prefix + uuid(rng), "")

    def near(rng):
        return "launchdarkly " + prefix + s(rng, HEX, 8)
    return hit, near


CASES["launchdarkly_access_token"] = launchdarkly("api-")
CASES["launchdarkly_sdk_key"] = launchdarkly("sdk-")
CASES["launchdarkly_mobile_key"] = launchdarkly("mob-")
CASES["rollbar_access_token"] = (
    keyed(["ROLLBAR_ACCESS_TOKEN", "rollbar_token", "rollbarServerKey"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["ROLLBAR_ACCESS_TOKEN"], HEX),
)
CASES["bugsnag_api_key"] = (
    keyed(["BUGSNAG_API_KEY", "bugsnag_key", "bugsnagApiKey"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["BUGSNAG_API_KEY"], HEX),
)
CASES["loggly_customer_token"] = (
    lambda rng: rng.choice([
        ("LOGGLY_TOKEN=", uuid(rng), ""),
        ("https://logs-01.loggly.com/inputs/", uuid(rng), "/tag/http/"),
    ]),
    lambda rng: "https://logs-01.loggly.com/inputs/" + s(rng, HEX, 8) + "/tag/http/",
)
CASES["papertrail_api_token"] = (
    lambda rng: rng.choice([
        ("X-Papertrail-Token: ", s(rng, ALNUM, 20), ""),
        ("PAPERTRAIL_API_TOKEN=", s(rng, ALNUM, 20), ""),
    ]),
    short_keyed(["PAPERTRAIL_API_TOKEN"], ALNUM),
)
CASES["sumologic_access_key"] = (
    keyed(["SUMO_ACCESS_KEY", "sumologic_access_key", "sumoSecret"], lambda rng: s(rng, ALNUM, 64)),
    short_keyed(["SUMO_ACCESS_KEY"], ALNUM),
)
CASES["splunk_hec_token"] = (
    lambda rng: rng.choice([
        ("Authorization: Splunk ", uuid(rng), ""),
        ("SPLUNK_HEC_TOKEN=", uuid(rng), ""),
        ('{"splunk_token": "', uuid(rng), '"}'),
    ]),
    lambda rng: "Authorization: Splunk " + s(rng, HEX, 8),
)
CASES["pagerduty_api_key"] = (
    keyed(["PAGERDUTY_API_TOKEN", "pagerduty_token", "pagerDutyApiKey"],
          lambda rng: rng.choice(["", "u+"]) + s(rng, ALNUM + "_-+", 19) + rng.choice(ALNUM)),
    short_keyed(["PAGERDUTY_API_TOKEN"], ALNUM),
)
CASES["pagerduty_integration_key"] = (
    lambda rng: rng.choice([
        ('{"routing_key": "', s(rng, HEX, 32), '", "event_action": "trigger"}'),
        ("PAGERDUTY_INTEGRATION_KEY=", s(rng, HEX, 32), ""),
    ]),
    lambda rng: '{"routing_key": "' + s(rng, HEX, 6) + '"}',
)
CASES["opsgenie_api_key"] = (
    lambda rng: rng.choice([
        ("Authorization: GenieKey ", uuid(rng), ""),
        ("OPSGENIE_API_KEY=", uuid(rng), ""),
    ]),
    lambda rng: "Authorization: GenieKey " + s(rng, HEX, 8),
)
CASES["trello_api_token"] = (
    lambda rng: ("TRELLO_TOKEN=", "ATTA" + s(rng, HEX, 64) + s(rng, HEX_UPPER, 8), ""),
    lambda rng: "ATTA" + s(rng, "abcdef", 10),
)
CASES["trello_legacy_token"] = (
    keyed(["TRELLO_TOKEN", "trello_api_token", "trelloToken"], lambda rng: s(rng, HEX, 64)),
    short_keyed(["TRELLO_TOKEN"], HEX),
)
CASES["trello_api_key"] = (
    keyed(["TRELLO_API_KEY", "trello_key", "trelloKey"], lambda rng: s(rng, HEX, 32)),
    short_keyed(["TRELLO_API_KEY"], HEX),
)
CASES["clickup_personal_token"] = (
    lambda rng: ("CLICKUP_TOKEN=", "pk_" + str(rng.randint(1, 10 ** 9)) + "_" + s(rng, UPPER_ALNUM, 32), ""),
    lambda rng: "pk_" + str(rng.randint(1, 10 ** 6)) + "_" + s(rng, UPPER_ALNUM, 6),
)
CASES["smartsheet_access_token"] = (
    keyed(["SMARTSHEET_ACCESS_TOKEN", "smartsheet_token", "smartsheetApiKey"],
          lambda rng: s(rng, ALNUM, rng.choice([26, 37]))),
    short_keyed(["SMARTSHEET_ACCESS_TOKEN"], ALNUM),
)
CASES["adobe_client_secret"] = (
    lambda rng: ("ADOBE_CLIENT_SECRET=", "p8e-" + s(rng, ALNUM, 32), ""),
    short_prefixed("p8e-", ALNUM, 10),
)
CASES["salesforce_access_token"] = (
    lambda rng: ("Authorization: OAuth ", "00D" + s(rng, ALNUM, 12) + "!" + s(rng, ALNUM + "._", 95)
                 + rng.choice(ALNUM), ""),
    lambda rng: "org 00D" + s(rng, ALNUM, 12) + " has no session",
)

# ---------------- keys and secrets managers ----------------
CASES["age_secret_key"] = (
    lambda rng: ("identity ", "AGE-SECRET-KEY-1" + s(rng, BECH32_UPPER, 58), ""),
    lambda rng: "AGE-SECRET-KEY-1" + s(rng, BECH32_UPPER, 10),
)


def onepassword_sa_token(rng):
    doc = {"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256",
           "iterations": 650000, "salt": s(rng, B64URL, 22)}, "email": s(rng, LOWER, 20) + "@1passwordserviceaccounts.com",
           "srpX": s(rng, HEX, 64), "muk": {"alg": "A256GCM", "ext": True, "k": s(rng, B64URL, 43),
           "key_ops": ["encrypt", "decrypt"], "kty": "oct", "kid": "mp"}, "secretKey": "A3-" + s(rng, UPPER_ALNUM, 30),
           "throttleSecret": {"seed": s(rng, HEX, 64), "uuid": s(rng, UPPER_ALNUM, 26)}, "deviceUuid": s(rng, LOWER_ALNUM, 26)}
    return "ops_" + base64.b64encode(json.dumps(doc).encode()).decode()


CASES["onepassword_service_account_token"] = (
    lambda rng: ("OP_SERVICE_ACCOUNT_TOKEN=", onepassword_sa_token(rng)[:1000], ""),
    lambda rng: "ops_eyJ" + s(rng, ALNUM, 8),
)


def onepassword_secret_key(rng):
    if rng.random() < 0.5:
        middle = s(rng, UPPER_ALNUM, 6) + "-" + s(rng, UPPER_ALNUM, 5)
    else:
        middle = s(rng, UPPER_ALNUM, 11)
    return ("A3-" + s(rng, UPPER_ALNUM, 6) + "-" + middle + "-" + s(rng, UPPER_ALNUM, 5) + "-"
            + s(rng, UPPER_ALNUM, 5) + "-" + s(rng, UPPER_ALNUM, 5))


CASES["onepassword_secret_key"] = (
    lambda rng: ("Secret Key: ", onepassword_secret_key(rng), ""),
    lambda rng: "A3-" + s(rng, UPPER_ALNUM, 6) + "-" + s(rng, UPPER_ALNUM, 4),
)
CASES["bitwarden_access_token"] = (
    lambda rng: ("BWS_ACCESS_TOKEN=", "0." + uuid(rng) + "." + s(rng, ALNUM, 30) + ":"
                 + base64.b64encode(bytes(rng.randrange(256) for _ in range(16))).decode(), ""),
    lambda rng: "BWS_ACCESS_TOKEN=0." + s(rng, HEX, 4),
)
CASES["infisical_service_token"] = (
    lambda rng: ("INFISICAL_TOKEN=", "st." + rng.choice([uuid(rng), s(rng, HEX, 24)]) + "." + s(rng, HEX, 32)
                 + "." + s(rng, HEX, 32), ""),
    lambda rng: "st." + s(rng, LOWER, 5) + ".example",
)
CASES["tailscale_key"] = (
    lambda rng: ("TS_AUTHKEY=", "tskey-" + rng.choice(["auth", "api", "client", "scim", "webhook"]) + "-"
                 + s(rng, ALNUM, rng.randint(10, 18)) + "-" + s(rng, ALNUM, rng.randint(30, 40)), ""),
    lambda rng: "tskey-auth-" + s(rng, ALNUM, 6),
)
CASES["ngrok_authtoken"] = (
    lambda rng: rng.choice([
        ("ngrok config add-authtoken ", s(rng, ALNUM, 27) + "_" + s(rng, ALNUM, 21), ""),
        ("NGROK_AUTHTOKEN=", s(rng, ALNUM, 27) + "_" + s(rng, ALNUM, 21), ""),
    ]),
    lambda rng: "ngrok config add-authtoken $NGROK_AUTHTOKEN",
)
CASES["firebase_cloud_messaging_server_key"] = (
    lambda rng: ("Authorization: key=", "AAAA" + s(rng, B64URL, 7) + ":APA91b" + s(rng, B64URL, 134), ""),
    lambda rng: "AAAA" + s(rng, B64URL, 7) + ":APA91b" + s(rng, ALNUM, 6),
)
CASES["kubernetes_bootstrap_token"] = (
    lambda rng: rng.choice([
        ("kubeadm join 10.0.0.1:6443 --token ", s(rng, LOWER_ALNUM, 6) + "." + s(rng, LOWER_ALNUM, 16),
         " --discovery-token-unsafe-skip-ca-verification"),
        ("  token: ", s(rng, LOWER_ALNUM, 6) + "." + s(rng, LOWER_ALNUM, 16), ""),
    ]),
    lambda rng: "kubeadm join --token " + s(rng, LOWER_ALNUM, 6) + "." + s(rng, LOWER_ALNUM, 8),
)

# ---------------- generic credential forms ----------------
PASSWORD_KEYS = ["password", "PASSWORD", "db_password", "DB_PASS", "passwd", "pwd", "Pwd",
                 "spring.datasource.password", "passphrase", "userPassword", "SMTP_PASS"]


def password_assignment_hit(rng):
    key, value = rng.choice(PASSWORD_KEYS), password(rng)
    form = rng.randrange(5)
    if form == 0:
        return (key + "=", value, "")
    if form == 1:
        return (key + ": ", value, "")
    if form == 2:
        return ("https://example.com/login?user=bob&" + key + "=", value, "&next=%2F")
    if form == 3:
        return ("Server=db1;Database=app;User Id=sa;Password=", value, ";Encrypt=true")
    return ("conn user=app " + key + " = ", value, " host=db")


CASES["password_assignment"] = (
    password_assignment_hit,
    lambda rng: rng.choice(["password=", "the password policy requires 8 characters",
                            "password: ********", "password=${DB_PASSWORD}", "password_length=12",
                            "passwordless login enabled", "password: [REDACTED]"]),
)


def password_quoted_hit(rng):
    key = rng.choice(PASSWORD_KEYS)
    value = rng.choice(PW_FIRST) + s(rng, PW_REST + " '", rng.randint(4, 30)) + rng.choice(PW_FIRST)
    form = rng.randrange(5)
    if form == 0:
        return ('{"user": "bob", "' + key + '": "', value, '"}')
    if form == 1:
        return (key + '="', value, '"')
    if form == 2:
        return ("'" + key + "' => \"", value, '",')
    if form == 3:
        return ('{\\"' + key + '\\": \\"', value, '\\"}')
    return (key + ': "', value, '"')


CASES["password_quoted"] = (
    password_quoted_hit,
    lambda rng: rng.choice(['{"password": ""}', '{"password": "********"}', 'password="${SECRET}"',
                            '"password_hint": "x"', 'the "password" field is required']),
)


def password_single_quoted_hit(rng):
    key = rng.choice(PASSWORD_KEYS)
    value = rng.choice(PW_FIRST) + s(rng, PW_REST + ' "', rng.randint(4, 30)) + rng.choice(PW_FIRST)
    form = rng.randrange(3)
    if form == 0:
        return (key + "='", value, "'")
    if form == 1:
        return ("ALTER ROLE app WITH PASSWORD '", value, "';")
    return ("{'" + key + "': '", value, "'}")


CASES["password_single_quoted"] = (
    password_single_quoted_hit,
    lambda rng: rng.choice(["password=''", "password='********'", "WITH PASSWORD NULL"]),
)
CASES["pass_assignment"] = (
    lambda rng: rng.choice([("pass=", password(rng), ""), ("user: bob pass: ", password(rng), "")]),
    lambda rng: rng.choice(["pass: 12 fail: 0", "tests pass=", "bypass=enabled"]),
)
CASES["xml_password_element"] = (
    lambda rng: rng.choice([
        ("<server><id>repo</id><password>", password(rng), "</password></server>"),
        ("<keystorePassword>", password(rng), "</keystorePassword>"),
    ]),
    lambda rng: rng.choice(["<password>${env.REPO_PASSWORD}</password>", "<password></password>",
                            "<passwordPolicy>strict</passwordPolicy>"]),
)
CASES["odbc_braced_password"] = (
    lambda rng: ("Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=sa;" + rng.choice(["Pwd", "PWD", "Password"])
                 + "={", password(rng) + ";" + password(rng, 2, 6), "};"),
    lambda rng: "Driver={ODBC Driver 18 for SQL Server};Server=db;Trusted_Connection=yes;",
)
CASES["cli_password_flag"] = (
    lambda rng: rng.choice([
        ("docker login -u bob --password ", password(rng), " registry.example.com"),
        ("keytool -list -keystore ks.jks -storepass ", password(rng), ""),
        ("app --pass ", password(rng), " --verbose"),
        ("--db-password ", password(rng), ""),
        ("wp config create --dbuser=wp --dbpass ", password(rng), " --dbhost=db"),
    ]),
    lambda rng: rng.choice(["docker login --password-stdin", "app --password --verbose",
                            "app --password-file /run/secrets/pw", "db-password is required"]),
)
CASES["openssl_pass_argument"] = (
    lambda rng: ("openssl pkcs12 -export -in c.pem -" + rng.choice(["passout", "passin", "pass"]) + " pass:",
                 password(rng), " -out c.p12"),
    lambda rng: "openssl pkcs12 -export -passout env:P12_PASSWORD -out c.p12",
)
CASES["mysql_cli_password"] = (
    lambda rng: ("mysql -h db.internal -u root -p", password(rng), " appdb"),
    lambda rng: rng.choice(["mysql -h db.internal -u root -p appdb", "mysql -u root -P 3306 appdb"]),
)
CASES["redis_cli_password"] = (
    lambda rng: ("redis-cli -h cache -p 6379 -a ", password(rng), " ping"),
    lambda rng: "redis-cli -h cache -p 6379 ping",
)
CASES["sshpass_password"] = (
    lambda rng: rng.choice([("sshpass -p ", password(rng), " ssh deploy@host"),
                            ("sshpass -p '", password(rng), "' scp a.txt host:")]),
    lambda rng: "sshpass -e ssh deploy@host",
)
CASES["netrc_password"] = (
    lambda rng: ("machine api." + s(rng, LOWER, 6) + ".com login bob password ", password(rng), ""),
    lambda rng: "machine api.example.com login bob",
)


def basic_hit(rng):
    raw = (s(rng, LOWER, rng.randint(3, 10)) + ":" + password(rng, 1, 24)).encode()
    value = base64.b64encode(raw).decode()
    return rng.choice([("Authorization: Basic ", value, ""), ('-H "Authorization: Basic ', value, '"'),
                       ("{'authorization': 'Basic ", value, "'}")])


CASES["http_basic_credentials"] = (
    basic_hit,
    lambda rng: rng.choice(["Authorization: Basic abc", "Authorization: Basic", "Authorization: Basic ****",
                            "Authorization: Basic abcde"]),
)
CASES["curl_user_credentials"] = (
    lambda rng: rng.choice([
        ("curl -s -u ", "bob:" + password(rng), " https://api.example.com/v1/items"),
        ("curl --user ", s(rng, LOWER, 5) + ":" + password(rng), " https://api.example.com"),
        ("curl https://api.example.com -u '", s(rng, LOWER, 6) + ":", "'"),
    ]),
    lambda rng: rng.choice(["curl -u bob https://api.example.com", "curl --user-agent test https://x.example"]),
)
CASES["client_secret_assignment"] = (
    keyed(["client_secret", "CLIENT_SECRET", "appSecret", "webhook_secret", "consumer_secret"],
          lambda rng: token_value(rng)),
    lambda rng: rng.choice(["client_secret=", "client_secret: ****", "client_secret_expires_at=0"]),
)
CASES["secret_assignment"] = (
    keyed(["secret", "SECRET_KEY", "jwtSecret"], lambda rng: token_value(rng)),
    lambda rng: rng.choice(["secret=", "secretName: tls-cert", "is_secret: true"]),
)
CASES["api_key_assignment"] = (
    lambda rng: rng.choice([
        ("api_key=", token_value(rng), ""),
        ("X-Api-Key: ", token_value(rng), ""),
        ('{"apiKey": "', token_value(rng), '"}'),
        ("https://maps.example.com/q?apikey=", token_value(rng), "&q=paris"),
    ]),
    lambda rng: rng.choice(["api_key_id=12345", "api_key=", "api_key: <YOUR_KEY>"]),
)
CASES["access_token_assignment"] = (
    lambda rng: rng.choice([
        ("access_token=", token_value(rng), "&token_type=bearer"),
        ('{"accessToken": "', token_value(rng), '"}'),
        ("ACCESS_TOKEN=", token_value(rng), ""),
    ]),
    lambda rng: rng.choice(["access_token=", "access_token_expires_in=3600", "access_token: null"]),
)
CASES["refresh_token_assignment"] = (
    lambda rng: rng.choice([
        ("refresh_token=", token_value(rng), "&grant_type=refresh_token"),
        ('{"refreshToken": "', token_value(rng), '"}'),
    ]),
    lambda rng: rng.choice(["refresh_token=", "refresh_token_ttl=86400"]),
)
CASES["auth_token_assignment"] = (
    lambda rng: rng.choice([
        ("X-Auth-Token: ", token_value(rng), ""),
        ("SESSION_TOKEN=", token_value(rng), ""),
        ("bot_token: ", token_value(rng), ""),
    ]),
    lambda rng: rng.choice(["auth_token=", "auth_token_type=opaque", "session_token: none"]),
)
CASES["token_assignment"] = (
    keyed(["token", "DEPLOY_TOKEN", "webhookToken"], lambda rng: token_value(rng)),
    lambda rng: rng.choice(["token=", "token_type=bearer", "max_tokens: 4096", "tokens=128"]),
)
CASES["jdbc_oracle_thin_credentials"] = (
    lambda rng: ("jdbc:oracle:thin:scott/", password(rng).replace("@", "#"), "@db.example.com:1521/ORCL"),
    lambda rng: "jdbc:oracle:thin:@//db.example.com:1521/ORCL",
)
CASES["sqlplus_credentials"] = (
    lambda rng: ("sqlplus -s scott/", password(rng).replace("@", "#"), "@orcl"),
    lambda rng: "sqlplus / as sysdba",
)
CASES["sql_identified_by_password"] = (
    lambda rng: rng.choice([
        ("CREATE USER 'app'@'%' IDENTIFIED BY '", password(rng), "';"),
        ("ALTER USER app IDENTIFIED WITH mysql_native_password BY '", password(rng), "';"),
        ("CREATE USER scott IDENTIFIED BY ", password(rng), ";"),
    ]),
    lambda rng: "CREATE USER app IDENTIFIED EXTERNALLY;",
)
CASES["redis_requirepass"] = (
    lambda rng: rng.choice([("requirepass ", password(rng), ""), ("CONFIG SET masterauth ", password(rng), "")]),
    lambda rng: rng.choice(["requirepass ''", "# requirepass is unset", "requirepass \"\""]),
)
CASES["wifi_psk"] = (
    lambda rng: ('network={ ssid="home" psk="', password(rng, 8, 40) + " " + password(rng, 1, 8), '" }'),
    lambda rng: 'psk="short"',
)
CASES["wifi_psk_hex"] = (
    lambda rng: ("wpa_psk=", s(rng, HEX, 64), ""),
    lambda rng: "wpa_psk=" + s(rng, HEX, 10),
)
