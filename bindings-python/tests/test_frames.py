"""Summaries and column-wise masking of pandas, polars, pyarrow and numpy data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import tamis

POLICY = """
version = 1
name = "frames"

[[rule]]
id = "drop-ssn"
paths = ["ssn"]
action = "redact"

[[rule]]
id = "pii"
detect = ["email"]
action = "replace"
replacement = "[EMAIL]"

[[summarize]]
id = "amounts"
paths = ["amount"]
min_items = 3
k_anonymity = 2
"""

EMAILS = [f"user{i % 7}@example.com" for i in range(100)]


@pytest.fixture(scope="module")
def policy() -> tamis.Policy:
    return tamis.Policy.from_toml(POLICY)


def summary(s: dict) -> dict:
    assert set(s) == {"tamis_summary"}
    return s["tamis_summary"]


def test_numeric_summary_matches_numpy(policy: tamis.Policy) -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(100, 15, 10_000)
    s = summary(policy.summarize(pd.Series(x, name="amount")))
    assert s["count"] == 10_000 and s["nulls"] == 0
    assert math.isclose(s["mean"], float(x.mean()), rel_tol=1e-9)
    assert math.isclose(s["std"], float(x.std(ddof=1)), rel_tol=1e-9)
    # min and max are k-anonymous (k = 2): each stands within the 2 extreme values, and none
    # of the values is shown as such (distinct reals leave room for a shorter number).
    srt = np.sort(x)
    assert srt[0] <= s["min"] <= srt[1] and s["min"] not in (srt[0], srt[1])
    assert srt[-2] <= s["max"] <= srt[-1] and s["max"] not in (srt[-2], srt[-1])
    # With k = 1 they are the values themselves.
    exact = tamis.Policy.from_toml(POLICY.replace("k_anonymity = 2", "k_anonymity = 1"))
    e = summary(exact.summarize(pd.Series(x, name="amount")))
    assert e["min"] == float(x.min()) and e["max"] == float(x.max())


def test_integral_float_cards_are_found_and_extremes_k_anonymous(policy: tamis.Policy) -> None:
    # pandas reads a card column with one empty cell as float64 (issue 30, item 7).
    cards = [4111111111111111.0, 5500000000000004.0, math.nan, 4012888888881881.0] * 3
    pol = tamis.Policy.from_toml(POLICY.replace('detect = ["email"]', 'detect = ["email", "credit_card"]'))
    df = pd.DataFrame({"card": cards, "amount": [1.5] * len(cards)})
    masked = pol.apply(df)
    assert all(v is None or (isinstance(v, float) and math.isnan(v)) or "4111111111111111" not in str(v)
               for v in masked["card"].tolist())
    assert masked["card"].tolist().count("[EMAIL]") == 9  # the pii rule's replacement
    s = summary(pol.summarize(df)["card"])
    assert s.get("masked") is True and "min" not in s and "top_k" not in s
    # A column no rule covers: its extremes are never single values.
    ids = pd.Series([7301245598812001 + 7919 * i * i for i in range(12)], name="id", dtype="float64")
    t = summary(tamis.Policy.from_toml('version = 1\nname = "n"\n').summarize(ids))
    assert t["min"] not in ids.tolist() and t["max"] not in ids.tolist()


def test_same_summary_from_every_library(policy: tamis.Policy) -> None:
    values = [1.5, None, 3.0, 4.25, None, 10.0] * 5
    want = policy.summarize([v for v in values])
    by_lib = {
        "pandas": policy.summarize(pd.Series(values, dtype="Float64")),
        "pandas-object": policy.summarize(pd.Series(values, dtype=object)),
        "polars": policy.summarize(pl.Series(values)),
        "arrow": policy.summarize(pa.array(values)),
        "numpy": policy.summarize(np.array([math.nan if v is None else v for v in values])),
    }
    for lib, got in by_lib.items():
        assert got == want, lib
    assert summary(want)["nulls"] == 10


def test_string_columns_every_route(policy: tamis.Policy) -> None:
    df = pd.DataFrame({"email": EMAILS, "amount": np.arange(100, dtype="int64")})
    a = policy.summarize(df)
    b = policy.summarize(pl.DataFrame({"email": EMAILS, "amount": list(range(100))}))
    c = policy.summarize(pa.table({"email": EMAILS, "amount": list(range(100))}))
    d = policy.summarize(df.astype({"email": "string[pyarrow]"}))
    assert a == b == c == d
    email = summary(a["email"])
    # Detected PII: the column is covered, so no values, quantiles or top values come out.
    assert email["count"] == 100 and "top" not in email
    assert "example.com" not in repr(a)


def test_table_summary_leaves_out_small_columns(policy: tamis.Policy) -> None:
    out = policy.summarize(pd.DataFrame({"amount": [1, 2], "other": [1, 2]}))
    assert "amount" not in out and "other" in out


def test_states_merge_like_one_pass(policy: tamis.Policy) -> None:
    df = pd.DataFrame({"amount": np.arange(1000) % 17, "name": ["a", "b"] * 500})
    parts = [tamis.summarize_states(policy, df.iloc[i : i + 250]) for i in range(0, 1000, 250)]
    merged = tamis.finish_summaries(policy, parts)
    whole = policy.summarize(df)
    assert merged.keys() == whole.keys()
    for col in whole:
        a, b = summary(merged[col]), summary(whole[col])
        assert a.keys() == b.keys()
        for k in a:
            # Mean and std too: exact sums, rounded once, whatever the partitions.
            assert a[k] == b[k], k


def test_apply_dataframe_column_wise(policy: tamis.Policy) -> None:
    df = pd.DataFrame(
        {"email": ["a@example.com", "ok"], "ssn": ["1", "2"], "n": [1.5, 2.5], "i": [1, 2]},
        index=pd.Index(["r1", "r2"]),
    )
    before = df.copy()
    out = policy.apply(df)
    assert isinstance(out, pd.DataFrame)
    pd.testing.assert_frame_equal(df, before)
    assert list(out.columns) == ["email", "n", "i"]
    assert out["email"].tolist() == ["[EMAIL]", "ok"]
    assert out["n"].tolist() == [1.5, 2.5] and out["n"].dtype == np.float64
    assert list(out.index) == ["r1", "r2"]


def test_apply_dataframe_masks_pii_in_column_names_and_index(policy: tamis.Policy) -> None:
    df = pd.DataFrame({"jane@example.com": [1]}, index=pd.Index(["bob@example.com"]))
    out = policy.apply(df)
    assert "jane@example.com" not in out.columns and "bob@example.com" not in out.index


def test_apply_polars(policy: tamis.Policy) -> None:
    df = pl.DataFrame({"email": ["a@example.com", None], "ssn": ["1", "2"], "n": [1, 2]})
    out = policy.apply(df)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == ["email", "n"]
    assert out["email"].to_list() == ["[EMAIL]", None]
    assert out["n"].to_list() == [1, 2]


def test_apply_series(policy: tamis.Policy) -> None:
    out = policy.apply(pd.Series(["x@example.com", "y"], name="note"))
    assert out.tolist() == ["[EMAIL]", "y"]


def test_record_stages_go_row_by_row() -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "r"\n[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\n'
        'timestamp = "ts"\n'
    )
    df = pd.DataFrame({"ts": ["2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"], "v": [1, 2]})
    out = p.apply(df, now="2024-01-05T12:00:00Z")
    assert out["v"].tolist() == [2]


def test_column_summaries_name_columns_as_apply_does() -> None:
    # A column named by an email: apply renames it, and so does every summary (issue 30, item 3).
    pol = tamis.Policy.from_toml(POLICY)
    df = pd.DataFrame({"jane@example.com": [1.0, 2.0, 3.0], "amount": [1.0, 2.0, 3.0]})
    masked = pol.apply(df)
    assert list(masked.columns) == ["[EMAIL]", "amount"] or "jane@example.com" not in masked.columns
    for out in (pol.summarize(df), pol.summarize(pl.from_pandas(df)),
                tamis.finish_summaries(pol, [tamis.summarize_states(pol, df)])):
        assert "jane@example.com" not in out and set(out) <= set(masked.columns), out


# --- every table type comes back as itself (issue 23) -------------------------------------

TYPED = """
version = 1
name = "typed"

[[rule]]
id = "drop-ssn"
paths = ["ssn"]
action = "redact"

[[rule]]
id = "secret-number"
paths = ["pin"]
action = "replace"
replacement = "[PIN]"

[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"
replacement = "[PII]"
"""

CARD = 4111111111111111


@pytest.fixture(scope="module")
def typed() -> tamis.Policy:
    return tamis.Policy.from_toml(TYPED)


def arrow_table() -> pa.Table:
    return pa.table(
        {
            "email": ["a@example.com", "ok", None],
            "ssn": ["1", "2", "3"],
            "n": [1.5, 2.5, None],
            "i": [1, 2, 3],
            "pin": [1234, 5678, None],
            "card": [CARD, 5, 6],
            "ts": pa.array([1, 2, 3], type=pa.timestamp("s")),
            "jane@example.com": [1, 2, 3],
            "nest": [{"e": "x@example.com", "k": 1}, None, {"e": "y", "k": 2}],
        }
    )


def test_arrow_table_and_batch_come_back_masked(typed: tamis.Policy) -> None:
    table = arrow_table()
    for data in (table, table.to_batches()[0]):
        out = typed.apply(data)
        assert type(out) is type(data)
        schema = {f.name: f.type for f in out.schema}
        assert "ssn" not in schema and "jane@example.com" not in schema
        assert schema["email"] == pa.string() and schema["n"] == pa.float64() and schema["i"] == pa.int64()
        assert schema["ts"] == pa.timestamp("s") and schema["[email:1]"] == pa.int64()
        # An action that writes text into a number column makes it a string column.
        assert schema["pin"] == pa.string() and schema["card"] == pa.string()
        assert schema["nest"] == table.schema.field("nest").type
        assert out.column("email").to_pylist() == ["[PII]", "ok", None]
        assert out.column("pin").to_pylist() == ["[PIN]", "[PIN]", None]  # a null stays null
        assert out.column("card").to_pylist() == ["[PII]", "5", "6"]
        assert out.column("nest").to_pylist()[0] == {"e": "[PII]", "k": 1}
        assert out.column("ts").to_pylist() == table.column("ts").to_pylist()
        assert out.column("[email:1]").to_pylist() == [1, 2, 3]
    assert "example.com" not in str(typed.apply(table).to_pylist()).replace("[email", "")


def test_arrow_columns_masked_from_buffers_equal_value_by_value(typed: tamis.Policy) -> None:
    """String columns are masked from their Arrow buffers and integer columns checked from
    theirs; the result is what masking value by value gives: nulls, slices, chunked and large
    strings, string views, too-large cells, and integer columns with and without a card."""
    long = "x" * 2_000_000 + " a@example.com"
    texts = ["a@example.com", None, "ok", "", "café b@example.org", long, None, "4111 1111 1111 1111"]
    columns = {
        "s": pa.array(texts),
        "large": pa.array(texts, type=pa.large_string()),
        "view": pa.array(texts, type=pa.string_view()),
        "sliced": pa.array(["z", *texts])[1:],
        "chunked": pa.chunked_array([texts[:3], texts[3:]]),
        "ints": pa.array([1, None, 3, 4, 5, 6, 7, 8]),
        "cards": pa.array([CARD, None, 3, 4, 5, 6, 7, 8]),
    }
    from tamis._frames import _as_text

    for name, col in columns.items():
        got = typed.apply(pa.table({name: col}))
        values = got.column(name).to_pylist()
        by_value = typed._mask_column([name], col.to_pylist())
        if name == "ints":
            assert values == col.to_pylist() and got.column(name).type == pa.int64()
        elif name == "cards":  # a card found: the column becomes text, as value by value
            assert values == [_as_text(v) for v in by_value] and got.column(name).type == pa.string()
        else:
            assert values == by_value, name
            assert got.column(name).type == col.type, name
        assert "example" not in str(values)
        assert "[tamis:too_large]" in values or name in ("ints", "cards")


def test_arrow_arrays(typed: tamis.Policy) -> None:
    arr = pa.array(["a@example.com", "b"])
    assert typed.apply(arr).to_pylist() == ["[PII]", "b"]
    chunked = pa.chunked_array([["a@example.com"], ["b"]])
    assert typed.apply(chunked).to_pylist() == ["[PII]", "b"]


def test_arrow_record_stages_keep_the_schema() -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "r"\n[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\n'
        'timestamp = "ts"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "redact"\n'
    )
    t = pa.table({"ts": ["2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"], "v": [1, 2], "e": ["a@example.com", "b"]})
    out = p.apply(t, now="2024-01-05T12:00:00Z")
    assert isinstance(out, pa.Table)
    assert out.column("v").to_pylist() == [2] and out.schema.field("v").type == pa.int64()


def test_polars_lazyframe_is_masked_lazily(typed: tamis.Policy) -> None:
    lf = pl.from_arrow(arrow_table().drop(["nest"])).lazy()
    out = typed.apply(lf)
    assert isinstance(out, pl.LazyFrame)
    df = out.collect()
    assert "ssn" not in df.columns and df["email"].to_list() == ["[PII]", "ok", None]
    assert df["i"].dtype == pl.Int64 and df["n"].dtype == pl.Float64 and df["pin"].dtype == pl.String
    assert typed.summarize(lf)  # summaries collect it


def test_pandas_dtypes_kept_where_the_action_allows(typed: tamis.Policy) -> None:
    df = pd.DataFrame(
        {
            "email": pd.array(["a@example.com", None], dtype="string"),
            "note": ["x@example.com", "y"],
            "count": pd.array([1, None], dtype="Int64"),
            "card": pd.array([CARD, None], dtype="Int64"),
            "pin": [1, 2],
            "ts": pd.to_datetime(["2024-01-01", None]),
            "obj": pd.Series([{"e": "z@example.com"}, 1], dtype=object),
        }
    )
    out = typed.apply(df)
    assert out["email"].dtype == df["email"].dtype and out["email"].tolist()[0] == "[PII]"
    assert out["note"].dtype == df["note"].dtype
    assert out["count"].dtype == df["count"].dtype and out["ts"].dtype == df["ts"].dtype
    assert out["obj"].dtype == object and out["obj"][0] == {"e": "[PII]"}
    assert out["pin"].tolist() == ["[PIN]", "[PIN]"] and out["card"].tolist()[0] == "[PII]"
    assert pd.isna(out["card"].tolist()[1])  # a null stays null, never "<NAType>"


def test_numpy_batch_is_a_column_batch(typed: tamis.Policy) -> None:
    batch = {
        "email": np.array(["a@example.com", "b"]),
        "n": np.arange(2.0),
        "card": np.array([CARD, 1]),
        "emb": np.ones((2, 3)),
        "ssn": np.array(["1", "2"]),
        "d": np.array(["2024-01-01", "NaT"], dtype="datetime64[s]"),
    }
    out = typed.apply(batch)
    assert isinstance(out, dict) and set(out) == {"email", "n", "card", "emb", "d"}
    assert all(isinstance(v, np.ndarray) and len(v) == 2 for v in out.values())
    assert out["email"].tolist() == ["[PII]", "b"] and out["n"].dtype == np.float64
    assert out["card"].tolist() == ["[PII]", "1"]
    assert out["emb"].shape == (2, 3) and out["d"].dtype == batch["d"].dtype
    assert set(typed.summarize(batch)) <= {"email", "n", "card", "emb", "d", "ssn"}


def test_a_record_with_one_array_is_still_a_record(typed: tamis.Policy) -> None:
    out = typed.apply({"emb": np.ones(3), "email": "a@example.com"})
    assert out["email"] == "[PII]"


def test_naive_timestamps_need_an_assumed_zone() -> None:
    """pandas writes times without a zone; retention reads them only with `assume_timezone`,
    and says in the report why a record without one was dropped."""
    base = 'version = 1\nname = "r"\n[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\ntimestamp = "ts"\n'
    df = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01", "2024-01-05"]), "v": [1, 2]})
    now = "2024-01-05T12:00:00Z"
    strict = tamis.Policy.from_toml(base)
    assert len(strict.apply(df, now=now)) == 0  # fail closed, as before
    _, report = strict.apply_with_report({"ts": "2024-01-05T00:00:00", "v": 2}, now=now)
    assert report["retention_without_time_zone"] == {"old": 1}
    assumed = tamis.Policy.from_toml(base + 'assume_timezone = "UTC"\n')
    assert assumed.apply(df, now=now)["v"].tolist() == [2]
    _, report = assumed.apply_with_report({"ts": "2024-01-05T00:00:00", "v": 2}, now=now)
    assert "retention_without_time_zone" not in report


# --- review findings: each a way a value could have left unmasked ---------------------------

KEYS = """
version = 1
name = "keys"

[[rule]]
id = "secrets"
keys = ["password", "token"]
action = "replace"
replacement = "***"

[[rule]]
id = "pii"
detect = ["email"]
action = "replace"
replacement = "[PII]"
"""


@pytest.fixture(scope="module")
def keyed() -> tamis.Policy:
    return tamis.Policy.from_toml(KEYS)


def test_nested_fields_renamed_never_keep_their_raw_name(keyed: tamis.Policy) -> None:
    t = keyed.apply(pa.table({"c": [{"jane@x.com": "v"}]}))
    assert "jane@x.com" not in str(t.schema) and t.to_pylist() == [{"c": {"[email:1]": "v"}}]
    assert keyed.apply(pl.DataFrame({"c": [{"jane@x.com": "v"}]})).to_dicts() == [{"c": {"[email:1]": "v"}}]


def test_key_rules_apply_inside_arrow_maps(keyed: tamis.Policy) -> None:
    m = pa.table({"m": pa.array([[("password", "hunter2")]], type=pa.map_(pa.string(), pa.string()))})
    assert "hunter2" not in str(keyed.apply(m).to_pylist())


def test_structured_numpy_fields_are_keys(keyed: tamis.Policy) -> None:
    rows = np.array([("hunter2", 1)], dtype=[("password", "U20"), ("b", "i4")])
    out = keyed.apply({"c": rows, "d": np.array([1])})
    assert out["c"].tolist() == [{"password": "***", "b": 1}]


def test_a_lazyframe_never_carries_its_raw_source(keyed: tamis.Policy) -> None:
    import pickle

    lf = pl.DataFrame({"jane@x.com": [1], "password": ["hunter2"]}).lazy()
    masked = keyed.apply(lf)
    assert isinstance(masked, pl.LazyFrame)
    assert b"hunter2" not in pickle.dumps(masked) and "jane@x.com" not in str(masked.collect_schema())


def test_renamed_columns_are_numbered_not_merged(keyed: tamis.Policy) -> None:
    df = pd.DataFrame({"a@b.com": [1], "c@d.com": [2]})
    assert list(keyed.apply(df).columns) == ["[email:1]", "[email:2]"]
    t = keyed.apply(pa.table({"a@b.com": [1], "c@d.com": [2]}))
    assert t.column_names == ["[email:1]", "[email:2]"]


def test_numpy_times_in_record_stages_are_times() -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "r"\n[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "30d"\n'
        'timestamp = "ts"\nassume_timezone = "UTC"\n'
    )
    batch = {"ts": np.array(["2001-01-01", "2024-01-09"], "datetime64[ns]"), "v": np.array([1, 2])}
    out = p.apply(batch, now="2024-01-10T00:00:00Z")
    assert out["v"].tolist() == [2] and out["ts"].dtype == batch["ts"].dtype


def test_pandas_index_is_masked_by_position(keyed: tamis.Policy) -> None:
    s = keyed.apply(pd.Series([1], index=["jane@x.com"], name="n"))
    assert s.index.tolist() == ["[PII]"]
    df = keyed.apply(pd.DataFrame({"n": [1, 2]}, index=["jane@x.com", "b"]))
    assert df["n"].tolist() == [1, 2] and df.index.tolist() == ["[PII]", "b"]


def test_missing_values_stay_missing_in_text_columns(keyed: tamis.Policy) -> None:
    out = keyed.apply(pd.DataFrame({"note": pd.array(["a@b.com", None], dtype="string")}))
    assert out["note"].tolist()[0] == "[PII]" and pd.isna(out["note"].tolist()[1])


def test_empty_results_keep_their_shape() -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "r"\n[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\ntimestamp = "ts"\n'
    )
    t = p.apply(pa.table({"ts": ["2001-01-01T00:00:00Z"], "v": [1]}), now="2024-01-10T00:00:00Z")
    assert t.num_rows == 0 and t.column_names == ["ts", "v"] and t.schema.field("v").type == pa.int64()
    assert isinstance(tamis.Policy.from_toml(KEYS).apply(pa.chunked_array([["a@b.com"]])), pa.ChunkedArray)
