//! Hostile plugins: each must fail closed with the right outcome and leave the host healthy.

#![expect(clippy::panic, reason = "tests")]

mod common;

use common::{MAX_RECORD, RECORDS, healthy, plugin, register};
use tamis_host::testing::{Guest, component};
use tamis_host::{Decision, Failure, Host, Limits, OnError, Plugin};

fn failure(p: &Plugin) -> Failure {
    match p.filter(&RECORDS, MAX_RECORD).decisions {
        Err(f) => f,
        Ok(d) => panic!("expected a failure, got {} decisions", d.len()),
    }
}

#[test]
fn a_well_behaved_plugin_keeps_records() {
    let p = plugin(&Guest::default());
    assert_eq!(p.name(), "hostile");
    assert_eq!(p.version(), "0.1.0");
    assert!(!p.has_detect());
    let b = p.filter(&RECORDS, MAX_RECORD);
    assert_eq!(b.decisions, Ok(vec![Decision::Keep; 3]));
    assert!(b.fuel_used > 0);
}

#[test]
fn infinite_loop_in_filter_runs_out_of_fuel_or_time() {
    let p = plugin(&Guest {
        filter_body: "(loop $l (br $l)) (unreachable)",
        ..Guest::default()
    });
    assert!(matches!(failure(&p), Failure::Fuel | Failure::Timeout));
    // With fuel to spare, the deadline stops it.
    let p = register(
        &Guest {
            filter_body: "(loop $l (br $l)) (unreachable)",
            ..Guest::default()
        },
        Limits {
            fuel: u64::MAX / 2,
            timeout_ms: 20,
            ..Limits::default()
        },
    )
    .unwrap();
    let t = std::time::Instant::now();
    assert_eq!(failure(&p), Failure::Timeout);
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    healthy();
}

#[test]
fn a_huge_straight_line_body_compiles_off_the_hot_path_and_fuel_still_bounds_it() {
    // 60,000 instructions without a loop: fuel is charged per instruction, not per loop.
    let step = "(global.set $n (i32.add (global.get $n) (i32.const 1)))\n";
    let body = format!("{} {}", step.repeat(15_000), tamis_host::testing::KEEP_ALL);
    let g = Guest {
        fields: "(global $n (mut i32) (i32.const 0))",
        filter_body: &body,
        ..Guest::default()
    };
    let t = std::time::Instant::now();
    let p = register(
        &g,
        Limits {
            fuel: 20_000,
            ..Limits::default()
        },
    )
    .unwrap();
    let compile = t.elapsed();
    assert_eq!(failure(&p), Failure::Fuel);
    // With the fuel it needs, the same body runs to the end.
    let p = register(&g, Limits::default()).unwrap();
    assert_eq!(
        p.filter(&RECORDS, MAX_RECORD).decisions,
        Ok(vec![Decision::Keep; 3])
    );
    assert!(compile < std::time::Duration::from_secs(60), "{compile:?}");
    healthy();
}

#[test]
fn infinite_loop_in_the_start_function_fails_registration() {
    let e = register(
        &Guest {
            fields: "(func $spin (loop $l (br $l))) (start $spin)",
            ..Guest::default()
        },
        Limits::default(),
    )
    .unwrap_err();
    assert!(
        e.contains("info()") && (e.contains("fuel") || e.contains("deadline")),
        "{e}"
    );
    healthy();
}

#[test]
fn memory_bomb_hits_the_cap() {
    let p = plugin(&Guest {
        filter_body: "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) (unreachable)",
        ..Guest::default()
    });
    assert_eq!(failure(&p), Failure::Memory);
    healthy();
}

#[test]
fn huge_declared_memory_fails_registration() {
    // 2,000 pages = 125 MiB, over the 64 MiB cap.
    let e = register(
        &Guest {
            pages: 2000,
            ..Guest::default()
        },
        Limits::default(),
    )
    .unwrap_err();
    assert!(e.contains("memory"), "{e}");
    healthy();
}

#[test]
fn table_bomb_hits_the_cap() {
    let p = plugin(&Guest {
        fields: "(table $t 1 funcref)",
        filter_body: "(drop (table.grow $t (ref.null func) (i32.const 10000000))) (unreachable)",
        ..Guest::default()
    });
    assert_eq!(failure(&p), Failure::Memory);
    healthy();
}

#[test]
fn deep_recursion_overflows_the_guest_stack() {
    let p = plugin(&Guest {
        fields: "(func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))",
        filter_body: "(call $down (i32.const 0))",
        ..Guest::default()
    });
    assert_eq!(failure(&p), Failure::StackOverflow);
    healthy();
}

#[test]
fn a_trap_after_partial_output_discards_the_batch() {
    let p = plugin(&Guest {
        filter_body: "(drop (call $verdicts (i32.const 3) (i32.const 0))) (unreachable)",
        ..Guest::default()
    });
    assert!(matches!(failure(&p), Failure::Trap(_)));
    healthy();
}

#[test]
fn wrong_verdict_counts_are_invalid() {
    for n in ["0", "2", "4"] {
        let body = format!(
            "(call $ok_list (call $verdicts (i32.const {n}) (i32.const 0)) (i32.const {n}))"
        );
        let p = plugin(&Guest {
            filter_body: &body,
            ..Guest::default()
        });
        assert!(
            matches!(failure(&p), Failure::InvalidOutput(m) if m.contains("verdicts for 3 records"))
        );
    }
    healthy();
}

fn replacing(bytes: &str) -> String {
    // The replacement text sits at offset 256 (written by a data segment in `fields`).
    let n = bytes.len();
    format!(
        "(call $ok_list (call $replace_all (call $records (local.get 2) (local.get 3)) (i32.const 256) (i32.const {n})) (call $records (local.get 2) (local.get 3)))"
    )
}

#[test]
fn replacements_must_be_utf8_json_within_limits() {
    let cases: [(&str, &str); 3] = [
        ("\\ff\\fe", "not UTF-8"),
        ("{not json", "not one JSON value"),
        ("{} {}", "not one JSON value"),
    ];
    for (data, why) in cases {
        let fields = format!("(data (i32.const 256) \"{data}\")");
        let len = if data.starts_with('\\') {
            2
        } else {
            data.len()
        };
        let body = replacing(&"x".repeat(len));
        let p = plugin(&Guest {
            fields: &fields,
            filter_body: &body,
            ..Guest::default()
        });
        assert!(
            matches!(failure(&p), Failure::InvalidOutput(m) if m.contains(why)),
            "{why}"
        );
    }
    // Over the output cap: 3 replacements of 30 bytes against a cap of 64.
    let list = format!("[{}1]", "1,".repeat(14));
    let fields = format!("(data (i32.const 256) \"{list}\")");
    let body = replacing(&"x".repeat(31));
    let p = register(
        &Guest {
            fields: &fields,
            filter_body: &body,
            ..Guest::default()
        },
        Limits {
            max_output_bytes: 64,
            ..Limits::default()
        },
    )
    .unwrap();
    assert!(matches!(failure(&p), Failure::InvalidOutput(m) if m.contains("too large")));
    // Within the cap, the same plugin is fine.
    let p = register(
        &Guest {
            fields: &fields,
            filter_body: &body,
            ..Guest::default()
        },
        Limits::default(),
    )
    .unwrap();
    let d = p.filter(&RECORDS, MAX_RECORD).decisions.unwrap();
    assert_eq!(d.len(), 3);
    assert!(matches!(&d[0], Decision::Replace(t) if t.starts_with("[1,1,")));
    healthy();
}

#[test]
fn no_state_survives_from_one_batch_to_the_next() {
    // The plugin keeps records on its first call and drops them on any later call of the same
    // instance; every batch must see a first call.
    let p = plugin(&Guest {
        fields: "(global $calls (mut i32) (i32.const 0))",
        filter_body: "(global.set $calls (i32.add (global.get $calls) (i32.const 1))) (call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (i32.sub (global.get $calls) (i32.const 1))) (call $records (local.get 2) (local.get 3)))",
        ..Guest::default()
    });
    for _ in 0..5 {
        assert_eq!(
            p.filter(&RECORDS, MAX_RECORD).decisions,
            Ok(vec![Decision::Keep; 3])
        );
    }
}

#[test]
fn no_memory_survives_from_one_batch_to_the_next() {
    // Instances reuse pooled memory. Each call reads a word in the first page and one 5.7 MiB
    // in (past the 4 MiB a pooled memory zeroes in place; the rest is unmapped), then writes 1
    // to both: a call that saw either written would drop its records.
    let p = plugin(&Guest {
        fields: "(global $seen (mut i32) (i32.const 0))",
        filter_body: "(if (i32.lt_u (memory.size) (i32.const 100)) (then (drop (memory.grow (i32.sub (i32.const 100) (memory.size)))))) (global.set $seen (i32.or (i32.load (i32.const 1024)) (i32.load (i32.const 6000000)))) (i32.store (i32.const 1024) (i32.const 1)) (i32.store (i32.const 6000000) (i32.const 1)) (call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (global.get $seen)) (call $records (local.get 2) (local.get 3)))",
        ..Guest::default()
    });
    for _ in 0..5 {
        assert_eq!(
            p.filter(&RECORDS, MAX_RECORD).decisions,
            Ok(vec![Decision::Keep; 3])
        );
    }
}

#[test]
fn on_a_plugin_thread_guest_calls_run_in_place_with_the_same_outcomes() {
    let outcomes = tamis_host::on_plugin_thread(|| {
        let spin = register(
            &Guest {
                filter_body: "(loop $l (br $l)) (unreachable)",
                ..Guest::default()
            },
            Limits {
                fuel: u64::MAX / 2,
                timeout_ms: 20,
                ..Limits::default()
            },
        )
        .unwrap();
        let deep = plugin(&Guest {
            fields: "(func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))",
            filter_body: "(call $down (i32.const 0))",
            ..Guest::default()
        });
        let bomb = plugin(&Guest {
            filter_body: "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) (unreachable)",
            ..Guest::default()
        });
        let keep = plugin(&Guest::default());
        [&spin, &deep, &bomb, &keep].map(|p| p.filter(&RECORDS, MAX_RECORD).decisions)
    })
    .unwrap();
    assert_eq!(
        outcomes,
        [
            Err(Failure::Timeout),
            Err(Failure::StackOverflow),
            Err(Failure::Memory),
            Ok(vec![Decision::Keep; 3]),
        ]
    );
    healthy();
}

#[test]
fn imports_beyond_tamis_are_refused_at_registration() {
    let wasi = r#"(import "wasi:cli/environment@0.2.0" (instance (export "get-environment" (func (result (list (tuple string string)))))))"#;
    let e = register(
        &Guest {
            component_imports: wasi,
            ..Guest::default()
        },
        Limits::default(),
    )
    .unwrap_err();
    assert!(
        e.contains("wasi:cli/environment@0.2.0") && e.contains("no capability"),
        "{e}"
    );
    let unknown = r#"(import "acme:net/socket" (func))"#;
    let e = register(
        &Guest {
            component_imports: unknown,
            ..Guest::default()
        },
        Limits::default(),
    )
    .unwrap_err();
    assert!(e.contains("acme:net/socket"), "{e}");
    healthy();
}

#[test]
fn not_a_component_or_too_large_is_refused() {
    let host = Host::global().unwrap();
    let core = ::wat::parse_str("(module)").unwrap();
    let e = host
        .register("t", &core, Vec::new(), Limits::default(), OnError::Drop)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("exports nothing") && e.contains("tamis-guest"),
        "{e}"
    );
    let e = host
        .register(
            "t",
            b"not wasm",
            Vec::new(),
            Limits::default(),
            OnError::Drop,
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a valid WebAssembly component"), "{e}");
    let bytes = component(&Guest::default());
    let limit = Limits {
        max_module_bytes: bytes.len(),
        ..Limits::default()
    };
    assert!(
        host.register("t", &bytes, Vec::new(), limit.clone(), OnError::Drop)
            .is_ok()
    );
    let over = Limits {
        max_module_bytes: bytes.len() - 1,
        ..limit
    };
    let e = host
        .register("t", &bytes, Vec::new(), over, OnError::Drop)
        .unwrap_err()
        .to_string();
    assert!(e.contains("over the limit"), "{e}");
}

#[test]
fn a_log_flood_is_capped_and_sanitized() {
    let fields = r#"(data (i32.const 512) "line\0abreak\1b[31m")"#;
    let body = "(local $i i32) (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (i32.const 1000))) (call $log (i32.const 1) (i32.const 512) (i32.const 15)) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))) (call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (i32.const 0)) (call $records (local.get 2) (local.get 3)))";
    let p = plugin(&Guest {
        fields,
        filter_body: body,
        log: true,
        ..Guest::default()
    });
    let b = p.filter(&RECORDS, MAX_RECORD);
    assert_eq!(b.decisions, Ok(vec![Decision::Keep; 3]));
    assert_eq!(b.logs.len(), Limits::default().max_log_lines);
    assert_eq!(b.logs_dropped, 1000 - 100);
    assert_eq!(b.logs[0], "info: linebreak[31m");
    assert!(b.logs.iter().all(|l| !l.chars().any(char::is_control)));
}

/// `n` log lines, then keep-all.
fn logging(n: u32) -> String {
    format!(
        "(local $i i32) (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (i32.const {n}))) (call $log (i32.const 0) (i32.const 16) (i32.const 7)) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))) {KEEP}"
    )
}

const KEEP: &str = "(call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (i32.const 0)) (call $records (local.get 2) (local.get 3)))";

#[test]
fn every_limit_at_the_limit_and_one_past_it() {
    // Log lines: 5 kept at a cap of 5; the 6th is dropped and counted.
    for (n, dropped) in [(5, 0), (6, 1)] {
        let body = logging(n);
        let p = register(
            &Guest {
                filter_body: &body,
                log: true,
                ..Guest::default()
            },
            Limits {
                max_log_lines: 5,
                ..Limits::default()
            },
        )
        .unwrap();
        let b = p.filter(&RECORDS, MAX_RECORD);
        assert_eq!((b.logs.len(), b.logs_dropped), (5.min(n as usize), dropped));
    }

    // Fuel: wasmtime checks fuel at loop heads and calls, so a call needs a little less than
    // it reports using. Find the least fuel that works: it works, one unit less does not.
    let generous = plugin(&Guest::default());
    let used = generous.filter(&RECORDS, MAX_RECORD).fuel_used;
    let works = |fuel: u64| {
        register(
            &Guest::default(),
            Limits {
                fuel,
                ..Limits::default()
            },
        )
        .is_ok_and(|p| p.filter(&RECORDS, MAX_RECORD).decisions.is_ok())
    };
    assert!(works(used));
    let (mut lo, mut hi) = (0, used);
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if works(mid) { hi = mid } else { lo = mid }
    }
    assert!(works(hi) && !works(hi - 1), "least fuel {hi}");
    let p = register(
        &Guest::default(),
        Limits {
            fuel: hi - 1,
            ..Limits::default()
        },
    );
    // At hi - 1 either registration's info() or filter runs out: both fail closed.
    if let Ok(p) = p {
        assert_eq!(p.filter(&RECORDS, MAX_RECORD).decisions, Err(Failure::Fuel));
    }

    // Memory: 1 page + 3 grown = 262,144 bytes.
    for (cap, ok) in [(4 * 65536, true), (4 * 65536 - 1, false)] {
        let body = format!("(drop (memory.grow (i32.const 3))) {KEEP}");
        let p = register(
            &Guest {
                filter_body: &body,
                ..Guest::default()
            },
            Limits {
                memory_bytes: cap,
                ..Limits::default()
            },
        )
        .unwrap();
        let d = p.filter(&RECORDS, MAX_RECORD).decisions;
        assert_eq!(d.is_ok(), ok, "memory cap {cap}");
        if !ok {
            assert_eq!(d.unwrap_err(), Failure::Memory);
        }
    }

    // Table elements: 1 + 9 grown = 10.
    for (cap, ok) in [(10, true), (9, false)] {
        let body = format!("(drop (table.grow $t (ref.null func) (i32.const 9))) {KEEP}");
        let p = register(
            &Guest {
                fields: "(table $t 1 funcref)",
                filter_body: &body,
                ..Guest::default()
            },
            Limits {
                table_elements: cap,
                ..Limits::default()
            },
        )
        .unwrap();
        let d = p.filter(&RECORDS, MAX_RECORD).decisions;
        assert_eq!(d.is_ok(), ok, "table cap {cap}");
    }

    // Output bytes: three replacements of 9 bytes fit in 27, not in 26.
    let fields = r#"(data (i32.const 256) "[1,2,3,4]")"#;
    let body = replacing("[1,2,3,4]");
    for (cap, ok) in [(27, true), (26, false)] {
        let p = register(
            &Guest {
                fields,
                filter_body: &body,
                ..Guest::default()
            },
            Limits {
                max_output_bytes: cap,
                ..Limits::default()
            },
        )
        .unwrap();
        let d = p.filter(&RECORDS, MAX_RECORD).decisions;
        assert_eq!(d.is_ok(), ok, "output cap {cap}");
    }

    // A replacement's size is bounded by 8 x max_record_bytes too: 9 bytes fit in 8 x 2, not 8 x 1.
    let p = plugin(&Guest {
        fields,
        filter_body: &body,
        ..Guest::default()
    });
    assert!(p.filter(&RECORDS, 2).decisions.is_ok());
    assert!(matches!(
        p.filter(&RECORDS, 1).decisions,
        Err(Failure::InvalidOutput(_))
    ));
}

#[test]
fn a_plugin_error_fails_the_batch_and_its_message_goes_only_to_the_log() {
    let body = "(local $r i32) (local.set $r (call $alloc (i32.const 12))) (i32.store8 (local.get $r) (i32.const 1)) (i32.store (i32.add (local.get $r) (i32.const 4)) (i32.const 16)) (i32.store (i32.add (local.get $r) (i32.const 8)) (i32.const 7)) (local.get $r)";
    let p = plugin(&Guest {
        filter_body: body,
        ..Guest::default()
    });
    let b = p.filter(&RECORDS, MAX_RECORD);
    assert_eq!(b.decisions, Err(Failure::PluginError));
    assert_eq!(b.logs, vec!["error: hostile".to_owned()]);
    assert!(!Failure::PluginError.to_string().contains("hostile"));
}
