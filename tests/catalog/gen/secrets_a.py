"""Value generators for core/catalog/secrets_a.toml (vendor API keys and tokens, part A).

Every entry of secrets_a.toml has a pair (hit, near_miss) in CASES:

- hit(rng) returns the secret (a str: the whole string must be masked) or a tuple
  (before, secret, after) where only `secret` must be masked.
- near_miss(rng) returns a str that resembles the type but is not one by the
  published format (too short, wrong prefix, ...); no detector may mask it.

Values are built from each vendor's published shape (prefix, alphabet, length),
independently of the catalog's regexes. Standard library only.
"""

import base64
import json
import re
import random
import string

ALNUM = string.ascii_letters + string.digits
LETTERS = string.ascii_letters
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"


def r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def rn(rng: random.Random, alphabet: str, lo: int, hi: int) -> str:
    return r(rng, alphabet, rng.randint(lo, hi))


def uuid4(rng: random.Random) -> str:
    h = r(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode()


def b64_json(obj) -> str:
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


def prefixed(prefix: str, alphabet: str, lo: int, hi: int | None = None):
    """hit: prefix + lo..hi characters of alphabet."""
    hi = lo if hi is None else hi
    return lambda rng: prefix + rn(rng, alphabet, lo, hi)


def short(prefix: str, alphabet: str, n: int):
    """near miss: the prefix followed by too few characters."""
    return lambda rng: prefix + r(rng, alphabet, n)


def assigned(names, value_fn):
    """hit: NAME=<value>, NAME: "<value>" or "name": "<value>"; only the value is secret."""

    def hit(rng):
        name = rng.choice(names)
        value = value_fn(rng)
        style = rng.randrange(3)
        if style == 0:
            return (f"{name}=", value, "")
        if style == 1:
            return (f'{name}: "', value, '"')
        return (f'"{name.lower()}": "', value, '"')

    return hit


def assigned_short(names, alphabet, n):
    """near miss: the key word with a value far too short for the format."""
    return lambda rng: f"{rng.choice(names)}={r(rng, alphabet, n)}"


# --- AI / ML providers ------------------------------------------------------

def openai_project(rng):
    prefix = rng.choice(["sk-proj-", "sk-svcacct-", "sk-None-"])
    n = rng.choice([58, 74])
    return prefix + r(rng, B64URL, n) + "T3BlbkFJ" + r(rng, B64URL, n)


def openai_admin(rng):
    n = rng.choice([58, 74])
    return "sk-admin-" + r(rng, B64URL, n) + "T3BlbkFJ" + r(rng, B64URL, n)


def anthropic_api(rng):
    return "sk-ant-api03-" + r(rng, B64URL, 86) + "-" + r(rng, B64URL, 6) + "AA"


def anthropic_admin(rng):
    return "sk-ant-admin01-" + r(rng, B64URL, 86) + "-" + r(rng, B64URL, 6) + "AA"


def pinecone(rng):
    return "pcsk_" + rn(rng, ALNUM, 5, 6) + "_" + r(rng, ALNUM, 63)


# --- cloud --------------------------------------------------------------------

def azure_storage_hit(rng):
    acct = r(rng, string.ascii_lowercase, 10)
    return (
        f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey=",
        b64(rng, 64),
        ";EndpointSuffix=core.windows.net",
    )


def azure_storage_miss(rng):
    return "AccountName=demo;AccountKey=" + b64(rng, 24)


def sas_sig(rng, nbytes=32):
    raw = b64(rng, nbytes)
    return raw.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def azure_sas_hit(rng):
    acct = r(rng, string.ascii_lowercase, 8)
    before = (
        f"https://{acct}.blob.core.windows.net/data/file.csv?sv=2022-11-02&ss=b&srt=co"
        "&sp=r&se=2026-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig="
    )
    return (before, sas_sig(rng), "")


def azure_sas_miss(rng):
    return "?sv=2022-11-02&sp=r&spr=https&sig=" + sas_sig(rng, 12)


AZ_SECRET = ALNUM + "_~.-"
AZ_HEAD = ALNUM + "_~."


def azure_ad_hit(rng):
    value = r(rng, AZ_HEAD, 3) + rng.choice(string.digits) + "Q~" + r(rng, AZ_SECRET, 34)
    return ("client_secret=", value, "")


def azure_ad_miss(rng):
    # too short after Q~ (a key name such as client_secret= would invite generic detectors)
    return r(rng, AZ_HEAD, 3) + rng.choice(string.digits) + "Q~" + r(rng, ALNUM, 12)


def gcp_sa_hit(rng):
    project = "demo-" + r(rng, LOWER_ALNUM, 6)
    before = f'{{"type": "service_account", "project_id": "{project}", "private_key_id": "'
    after = f'", "client_email": "svc@{project}.iam.gserviceaccount.com"}}'
    return (before, r(rng, HEX, 40), after)


def gcp_sa_miss(rng):
    return '"private_key_id": "' + r(rng, HEX, 12) + '"'


def google_refresh_hit(rng):
    return ('"refresh_token": "', "1//0" + rng.choice("3456gh") + r(rng, B64URL, 98), '"')


def google_refresh_miss(rng):
    # far too short; under "refresh" rather than "refresh_token", which generic detectors own
    return '"refresh": "1//0' + r(rng, ALNUM, 10) + '"'


def cloudflare_token(prefix):
    return lambda rng: prefix + r(rng, ALNUM, 40) + r(rng, ALNUM, 6)


def origin_ca(rng):
    return "v1.0-" + r(rng, HEX, 24) + "-" + r(rng, HEX, 146)


def fly_hit(rng):
    return ("FlyV1 ", "fm2_" + b64(rng, rng.randint(200, 400)), "")


def supabase_secret(rng):
    return "sb_secret_" + r(rng, B64URL, 22) + "_" + r(rng, ALNUM, 8)


def databricks(rng):
    return "dapi" + r(rng, HEX, 32) + rng.choice(["", "-2", "-3"])


# --- developer tools ----------------------------------------------------------

def glpat_hit(rng):
    kind = rng.randrange(3)
    if kind == 0:
        return "glpat-" + r(rng, B64URL[:-2], 1) + r(rng, B64URL, 19)
    payload = r(rng, B64URL, rng.randint(27, 60))
    if kind == 1:
        return "glpat-" + payload + "." + r(rng, LOWER_ALNUM, 2) + r(rng, LOWER_ALNUM, 7)
    return "glpat-" + payload + ".01." + r(rng, LOWER_ALNUM, 2) + r(rng, LOWER_ALNUM, 7)


def glrt_hit(rng):
    if rng.random() < 0.5:
        return "glrt-" + r(rng, B64URL, 20)
    return "glrt-t" + rng.choice("123") + "_" + r(rng, B64URL, rng.randint(27, 60)) + "." + r(rng, LOWER_ALNUM, 9)


def glcbt_hit(rng):
    return "glcbt-" + rn(rng, HEX, 1, 5) + "_" + r(rng, B64URL, 20)


def pypi_hit(rng):
    head = rng.choice(["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"])
    return head + rn(rng, B64URL, 100, 200)


def jfrog_reference(rng):
    raw = f"reftkn:01:{rng.randint(1700000000, 2100000000)}:" + r(rng, ALNUM, 27)
    return base64.b64encode(raw.encode()).decode()


def terraform_hit(rng):
    return r(rng, ALNUM, 14) + ".atlasv1." + rn(rng, B64URL, 60, 70)


def doppler_service(rng):
    env = rng.choice(["", "dev.", "prd.", "ci_build."])
    return "dp.st." + env + rn(rng, ALNUM, 40, 44)


def sentry_org(rng):
    payload = b64_json({
        "iat": rng.randint(1690000000, 1800000000),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": r(rng, string.ascii_lowercase, 8),
    })
    return "sntrys_" + payload + "_" + r(rng, B64, 43)


def sentry_org_miss(rng):
    return "sntrys_" + r(rng, ALNUM, 12)


def atlassian_hit(rng):
    return "ATATT3" + "xFfGF0" + r(rng, B64URL, 171) + "=" + r(rng, "0123456789ABCDEF", 8)


def grafana_cloud(rng):
    payload = b64_json({
        "o": str(rng.randint(100000, 999999)),
        "n": "stack-" + str(rng.randint(100000, 999999)) + "-hl-write",
        "k": r(rng, ALNUM, 24),
        "m": {"r": rng.choice(["us", "eu", "prod-us-east-0"])},
    })
    return "glc_" + payload


def elastic_value(rng):
    raw = r(rng, B64URL, 20) + ":" + r(rng, B64URL, 22)
    return base64.b64encode(raw.encode()).decode()


def sourcegraph_hit(rng):
    kind = rng.randrange(3)
    if kind == 0:
        return "sgp_" + r(rng, HEX, 40)
    if kind == 1:
        return "sgp_" + r(rng, HEX, 16) + "_" + r(rng, HEX, 40)
    return "sgp_local_" + r(rng, HEX, 40)


def honeycomb_value(rng):
    return r(rng, ALNUM, 22) if rng.random() < 0.5 else r(rng, HEX, 32)


CASES = {
    # AI / ML
    "openai_api_key": (openai_project, lambda rng: rng.choice(["sk-proj-", "sk-svcacct-"]) + r(rng, ALNUM, 10) + "T3BlbkFJ" + r(rng, ALNUM, 10)),
    "openai_admin_key": (openai_admin, lambda rng: "sk-admin-" + r(rng, ALNUM, 10) + "T3BlbkFJ" + r(rng, ALNUM, 10)),
    "openai_legacy_api_key": (
        lambda rng: "sk-" + r(rng, ALNUM, 20) + "T3BlbkFJ" + r(rng, ALNUM, 20),
        lambda rng: "sk-" + r(rng, ALNUM, 8) + "T3BlbkFJ" + r(rng, ALNUM, 8),
    ),
    "anthropic_api_key": (anthropic_api, short("sk-ant-api03-", ALNUM, 24)),
    "anthropic_admin_key": (anthropic_admin, short("sk-ant-admin01-", ALNUM, 24)),
    "huggingface_token": (prefixed("hf_", LETTERS, 34), short("hf_", LETTERS, 20)),
    "huggingface_org_token": (prefixed("api_org_", LETTERS, 34), short("api_org_", LETTERS, 16)),
    "cohere_api_key": (
        assigned(["COHERE_API_KEY", "CO_API_KEY", "cohere_api_key"], lambda rng: r(rng, ALNUM, 40)),
        assigned_short(["COHERE_API_KEY", "CO_API_KEY"], ALNUM, 5),
    ),
    "replicate_api_token": (prefixed("r8_", ALNUM, 37), short("r8_", ALNUM, 16)),
    "groq_api_key": (prefixed("gsk_", ALNUM, 52), short("gsk_", ALNUM, 24)),
    "perplexity_api_key": (prefixed("pplx-", ALNUM, 48), short("pplx-", ALNUM, 24)),
    "xai_api_key": (prefixed("xai-", ALNUM, 80), short("xai-", ALNUM, 30)),
    "mistral_api_key": (
        assigned(["MISTRAL_API_KEY", "mistral_api_key", "MISTRAL_KEY"], lambda rng: r(rng, ALNUM, 32)),
        assigned_short(["MISTRAL_API_KEY"], ALNUM, 5),
    ),
    "langsmith_api_key": (
        lambda rng: "lsv2_" + rng.choice(["pt", "sk"]) + "_" + r(rng, HEX, 32) + "_" + r(rng, HEX, 10),
        lambda rng: "lsv2_" + rng.choice(["pt", "sk"]) + "_" + r(rng, HEX, 12),
    ),
    "langfuse_secret_key": (lambda rng: "sk-lf-" + uuid4(rng), lambda rng: "sk-lf-" + r(rng, HEX, 8)),
    "pinecone_api_key": (pinecone, lambda rng: "pcsk_" + r(rng, ALNUM, 5) + "_" + r(rng, ALNUM, 16)),
    "wandb_api_key": (
        assigned(["WANDB_API_KEY", "wandb_api_key", "WANDB_KEY"], lambda rng: r(rng, HEX, 40)),
        assigned_short(["WANDB_API_KEY"], HEX, 5),
    ),
    "openrouter_api_key": (prefixed("sk-or-v1-", HEX, 64), short("sk-or-v1-", HEX, 20)),
    # cloud
    "azure_storage_account_key": (azure_storage_hit, azure_storage_miss),
    "azure_sas_signature": (azure_sas_hit, azure_sas_miss),
    "azure_ad_client_secret": (azure_ad_hit, azure_ad_miss),
    "gcp_service_account_key_id": (gcp_sa_hit, gcp_sa_miss),
    "gcp_oauth_client_secret": (prefixed("GOCSPX-", B64URL, 28), short("GOCSPX-", ALNUM, 12)),
    "google_oauth_access_token": (
        lambda rng: "ya29." + rn(rng, B64URL, 120, 240),
        short("ya29.", ALNUM, 10),
    ),
    "google_oauth_refresh_token": (google_refresh_hit, google_refresh_miss),
    "digitalocean_personal_access_token": (prefixed("dop_v1_", HEX, 64), short("dop_v1_", HEX, 20)),
    "digitalocean_oauth_token": (prefixed("doo_v1_", HEX, 64), short("doo_v1_", HEX, 20)),
    "digitalocean_refresh_token": (prefixed("dor_v1_", HEX, 64), short("dor_v1_", HEX, 20)),
    "heroku_api_key": (prefixed("HRKU-AA", B64URL, 58), short("HRKU-AA", ALNUM, 16)),
    "heroku_legacy_api_key": (
        assigned(["HEROKU_API_KEY", "heroku_api_key", "HEROKU_KEY"], uuid4),
        lambda rng: "heroku_key: " + r(rng, HEX, 8) + "-" + r(rng, HEX, 4),
    ),
    "alibaba_access_key_id": (prefixed("LTAI", ALNUM, 12, 20), short("LTAI", ALNUM, 6)),
    "ibm_cloud_api_key": (
        assigned(["IBM_CLOUD_API_KEY", "IBMCLOUD_API_KEY", "ibm_api_key"], lambda rng: r(rng, B64URL[:-2], 1) + r(rng, B64URL, 42) + r(rng, ALNUM, 1)),
        assigned_short(["IBM_CLOUD_API_KEY"], ALNUM, 5),
    ),
    "linode_api_token": (
        assigned(["LINODE_TOKEN", "LINODE_API_TOKEN", "linode_api_key"], lambda rng: r(rng, HEX, 64)),
        assigned_short(["LINODE_TOKEN"], HEX, 5),
    ),
    "vultr_api_key": (
        assigned(["VULTR_API_KEY", "vultr_api_key", "VULTR_KEY"], lambda rng: r(rng, UPPER_ALNUM, 36)),
        assigned_short(["VULTR_API_KEY"], UPPER_ALNUM, 5),
    ),
    "cloudflare_api_token": (
        lambda rng: cloudflare_token(rng.choice(["cfut_", "cfat_"]))(rng),
        lambda rng: rng.choice(["cfut_", "cfat_"]) + r(rng, ALNUM, 20),
    ),
    "cloudflare_global_api_key": (cloudflare_token("cfk_"), short("cfk_", ALNUM, 20)),
    "cloudflare_origin_ca_key": (origin_ca, lambda rng: "v1.0-" + r(rng, HEX, 24) + "-" + r(rng, HEX, 20)),
    "fastly_api_token": (
        assigned(["FASTLY_API_TOKEN", "FASTLY_API_KEY", "fastly_token"], lambda rng: r(rng, ALNUM, 1) + r(rng, B64URL, 30) + r(rng, ALNUM, 1)),
        assigned_short(["FASTLY_API_TOKEN"], ALNUM, 5),
    ),
    "netlify_personal_access_token": (prefixed("nfp_", ALNUM, 36), short("nfp_", ALNUM, 16)),
    "netlify_access_token": (
        lambda rng: rng.choice(["nfc_", "nfo_", "nfu_", "nfb_"]) + r(rng, ALNUM, 36),
        lambda rng: rng.choice(["nfc_", "nfo_", "nfu_", "nfb_"]) + r(rng, ALNUM, 16),
    ),
    "vercel_access_token": (
        lambda rng: rng.choice(["vcp_", "vci_", "vca_"]) + rn(rng, ALNUM, 40, 60),
        lambda rng: rng.choice(["vcp_", "vci_", "vca_"]) + r(rng, ALNUM, 12),
    ),
    "vercel_refresh_token": (prefixed("vcr_", ALNUM, 40, 60), short("vcr_", ALNUM, 12)),
    "vercel_api_key": (prefixed("vck_", ALNUM, 40, 60), short("vck_", ALNUM, 12)),
    "flyio_macaroon_token": (fly_hit, lambda rng: "FlyV1 fm2_" + r(rng, ALNUM, 24)),
    "supabase_access_token": (prefixed("sbp_", HEX, 40), short("sbp_", HEX, 16)),
    "supabase_secret_key": (supabase_secret, short("sb_secret_", ALNUM, 12)),
    "planetscale_service_token": (prefixed("pscale_tkn_", B64URL, 43), short("pscale_tkn_", ALNUM, 12)),
    "planetscale_password": (prefixed("pscale_pw_", B64URL, 43), short("pscale_pw_", ALNUM, 12)),
    "planetscale_oauth_token": (prefixed("pscale_oauth_", B64URL, 43), short("pscale_oauth_", ALNUM, 12)),
    "databricks_token": (databricks, short("dapi", HEX, 16)),
    # developer tools: GitLab
    "gitlab_personal_access_token": (glpat_hit, short("glpat-", ALNUM, 12)),
    "gitlab_deploy_token": (prefixed("gldt-", B64URL, 20), short("gldt-", ALNUM, 12)),
    "gitlab_runner_authentication_token": (glrt_hit, short("glrt-", ALNUM, 12)),
    "gitlab_runner_registration_token": (prefixed("GR1348941", B64URL, 20), short("GR1348941", ALNUM, 10)),
    "gitlab_pipeline_trigger_token": (prefixed("glptt-", HEX, 40), short("glptt-", HEX, 20)),
    "gitlab_feed_token": (prefixed("glft-", B64URL, 20), short("glft-", ALNUM, 12)),
    "gitlab_scim_token": (prefixed("glsoat-", B64URL, 20), short("glsoat-", ALNUM, 12)),
    "gitlab_ci_job_token": (glcbt_hit, lambda rng: "glcbt-" + r(rng, HEX, 2) + "_" + r(rng, ALNUM, 10)),
    "gitlab_oauth_app_secret": (prefixed("gloas-", B64URL, 64), short("gloas-", ALNUM, 20)),
    "gitlab_incoming_mail_token": (prefixed("glimt-", B64URL, 25), short("glimt-", ALNUM, 12)),
    "gitlab_agent_token": (prefixed("glagent-", B64URL, 50), short("glagent-", ALNUM, 20)),
    "gitlab_feature_flag_client_token": (prefixed("glffct-", B64URL, 20), short("glffct-", ALNUM, 12)),
    # package registries
    "npm_access_token": (prefixed("npm_", ALNUM, 36), short("npm_", ALNUM, 16)),
    "pypi_api_token": (pypi_hit, short("pypi-AgEIcHlwaS5vcmc", ALNUM, 12)),
    "rubygems_api_key": (prefixed("rubygems_", HEX, 48), short("rubygems_", HEX, 20)),
    "nuget_api_key": (prefixed("oy2", LOWER_ALNUM, 43), short("oy2", LOWER_ALNUM, 20)),
    "dockerhub_personal_access_token": (prefixed("dckr_pat_", B64URL, 27), short("dckr_pat_", ALNUM, 12)),
    "dockerhub_organization_access_token": (prefixed("dckr_oat_", B64URL, 27, 32), short("dckr_oat_", ALNUM, 12)),
    "jfrog_api_key": (prefixed("AKCp", ALNUM, 69), short("AKCp", ALNUM, 24)),
    "jfrog_reference_token": (jfrog_reference, short("cmVmdGtu", ALNUM, 20)),
    # secrets managers and infrastructure as code
    "vault_service_token": (prefixed("hvs.", B64URL, 91, 120), short("hvs.", ALNUM, 24)),
    "vault_batch_token": (prefixed("hvb.", B64URL, 138, 200), short("hvb.", ALNUM, 24)),
    "vault_recovery_token": (prefixed("hvr.", B64URL, 91, 120), short("hvr.", ALNUM, 24)),
    "terraform_cloud_api_token": (terraform_hit, lambda rng: r(rng, ALNUM, 14) + ".atlasv1." + r(rng, ALNUM, 20)),
    "doppler_cli_token": (prefixed("dp.ct.", ALNUM, 40, 44), short("dp.ct.", ALNUM, 20)),
    "doppler_personal_token": (prefixed("dp.pt.", ALNUM, 40, 44), short("dp.pt.", ALNUM, 20)),
    "doppler_service_token": (doppler_service, short("dp.st.", ALNUM, 20)),
    "doppler_service_account_token": (prefixed("dp.sa.", ALNUM, 40, 44), short("dp.sa.", ALNUM, 20)),
    "doppler_service_account_identity_token": (prefixed("dp.said.", ALNUM, 40, 44), short("dp.said.", ALNUM, 20)),
    "doppler_scim_token": (prefixed("dp.scim.", ALNUM, 40, 44), short("dp.scim.", ALNUM, 20)),
    "doppler_audit_token": (prefixed("dp.audit.", ALNUM, 40, 44), short("dp.audit.", ALNUM, 20)),
    "pulumi_access_token": (prefixed("pul-", HEX, 40), short("pul-", HEX, 20)),
    # CI/CD, observability, collaboration
    "circleci_personal_api_token": (
        lambda rng: "CCIPAT_" + r(rng, ALNUM, 22) + "_" + r(rng, HEX, 40),
        lambda rng: "CCIPAT_" + r(rng, ALNUM, 22) + "_" + r(rng, HEX, 10),
    ),
    "buildkite_api_token": (prefixed("bkua_", HEX, 40), short("bkua_", HEX, 20)),
    "sentry_org_auth_token": (sentry_org, sentry_org_miss),
    "sentry_user_auth_token": (prefixed("sntryu_", HEX, 64), short("sntryu_", HEX, 24)),
    "postman_api_key": (
        lambda rng: "PMAK-" + r(rng, HEX, 24) + "-" + r(rng, HEX, 34),
        lambda rng: "PMAK-" + r(rng, HEX, 24) + "-" + r(rng, HEX, 10),
    ),
    "atlassian_api_token": (atlassian_hit, lambda rng: "ATATT3xFfGF0" + r(rng, ALNUM, 40)),
    "bitbucket_app_password": (prefixed("ATBB", ALNUM, 32), short("ATBB", ALNUM, 16)),
    "grafana_service_account_token": (
        lambda rng: "glsa_" + r(rng, ALNUM, 32) + "_" + r(rng, HEX, 8),
        lambda rng: "glsa_" + r(rng, ALNUM, 12) + "_" + r(rng, HEX, 8),
    ),
    "grafana_cloud_access_token": (grafana_cloud, lambda rng: "glc_eyJ" + r(rng, ALNUM, 12)),
    "newrelic_user_api_key": (prefixed("NRAK-", UPPER_ALNUM, 27), short("NRAK-", UPPER_ALNUM, 12)),
    "newrelic_browser_api_key": (prefixed("NRJS-", HEX, 19), short("NRJS-", HEX, 10)),
    "newrelic_insert_key": (prefixed("NRII-", B64URL, 32), short("NRII-", ALNUM, 12)),
    "newrelic_license_key": (lambda rng: r(rng, HEX, 36) + "NRAL", lambda rng: r(rng, HEX, 12) + "NRAL"),
    "datadog_api_key": (
        assigned(["DD_API_KEY", "DATADOG_API_KEY", "datadog_api_key"], lambda rng: r(rng, HEX, 32)),
        assigned_short(["DD_API_KEY", "DATADOG_API_KEY"], HEX, 5),
    ),
    "datadog_app_key": (
        assigned(["DD_APP_KEY", "DD_APPLICATION_KEY", "DATADOG_APP_KEY"], lambda rng: r(rng, HEX, 40)),
        assigned_short(["DD_APP_KEY", "DATADOG_APP_KEY"], HEX, 5),
    ),
    "dynatrace_api_token": (
        lambda rng: "dt0c01." + r(rng, UPPER_ALNUM, 24) + "." + r(rng, UPPER_ALNUM, 64),
        lambda rng: "dt0c01." + r(rng, UPPER_ALNUM, 24) + "." + r(rng, UPPER_ALNUM, 12),
    ),
    "honeycomb_api_key": (
        assigned(["HONEYCOMB_API_KEY", "honeycomb_write_key", "X-Honeycomb-Team"], honeycomb_value),
        assigned_short(["HONEYCOMB_API_KEY"], ALNUM, 5),
    ),
    "elastic_api_key": (
        assigned(["ELASTIC_API_KEY", "elastic_api_key", "ELASTICSEARCH_API_KEY"], elastic_value),
        assigned_short(["ELASTIC_API_KEY"], ALNUM, 5),
    ),
    "prefect_api_key": (prefixed("pnu_", ALNUM, 36), short("pnu_", ALNUM, 16)),
    "sourcegraph_access_token": (sourcegraph_hit, short("sgp_", HEX, 20)),
    "linear_api_key": (prefixed("lin_api_", ALNUM, 40), short("lin_api_", ALNUM, 16)),
    # Shopify
    "shopify_admin_access_token": (prefixed("shpat_", HEX, 32), short("shpat_", HEX, 16)),
    "shopify_shared_secret": (prefixed("shpss_", HEX, 32), short("shpss_", HEX, 16)),
    "shopify_custom_app_access_token": (prefixed("shpca_", HEX, 32), short("shpca_", HEX, 16)),
    "shopify_private_app_access_token": (prefixed("shppa_", HEX, 32), short("shppa_", HEX, 16)),
}


# A near miss must not look like a different real type by accident: random bodies are re-drawn
# when they happen to hold another token's literal or a long digit run (national identifiers).
_OTHER_SHAPES = re.compile(r"[0-9]{6}|LTAI|AKCp|ATBB|NRAL|dapi|T3BlbkFJ|oy2")


def _not_other(near_miss):
    def draw(rng):
        value = near_miss(rng)
        for _ in range(1000):
            text = value if isinstance(value, str) else "".join(value)
            if not _OTHER_SHAPES.search(text.replace("GR1348941", "").replace("T3BlbkFJ", "", 1)):
                break
            value = near_miss(rng)
        return value

    return draw


CASES = {name: (hit, _not_other(near_miss)) for name, (hit, near_miss) in CASES.items()}
