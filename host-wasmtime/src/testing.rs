//! Test plugins (feature `testing`): hostile and well-behaved plugins written as component text: a core module that
//! implements the canonical ABI of `info` and `filter` by hand, wrapped in a component that
//! lifts them with the types of `wit/tamis-filter.wit`. `filter_body` is the body of the core
//! function `(param $cfg i32 $cfg_len i32 $batch i32 $batch_len i32) (result i32)`; helpers in
//! the module: `$records` (count the batch's lines), `$alloc`, `$ok_list` (write `ok(list)` at
//! the return area), `$verdicts` (N verdicts of one case).

/// A test plugin: module fields and the body of `filter`.
#[derive(Debug)]
pub struct Guest<'a> {
    /// Extra module fields (globals, tables, memories, start functions, imports).
    pub fields: &'a str,
    /// Initial pages of the memory.
    pub pages: u32,
    /// The body of `filter`.
    pub filter_body: &'a str,
    /// Extra component-level imports (WASI etc.), as component text.
    pub component_imports: &'a str,
    /// Import `host.log`; the module can then call `$log (level, ptr, len)`.
    pub log: bool,
    /// Export `detect` with this body of the core function
    /// `(param $text i32 $len i32) (result i32)` (the world `detector`); `$span_list` writes
    /// the result.
    pub detect_body: Option<&'a str>,
}

impl Default for Guest<'_> {
    fn default() -> Self {
        Guest {
            fields: "",
            pages: 1,
            filter_body: KEEP_ALL,
            component_imports: "",
            log: false,
            detect_body: None,
        }
    }
}

/// `ok([keep; records])`.
pub const KEEP_ALL: &str = "(call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (i32.const 0)) (call $records (local.get 2) (local.get 3)))";

/// `detect`: one span over the first 4 bytes of the text (all of it when shorter).
pub const DETECT_FIRST4: &str = "(call $span_list (i32.const 1) (i32.const 0) (select (i32.const 4) (local.get 1) (i32.gt_u (local.get 1) (i32.const 4))))";

/// The component's bytes.
///
/// # Panics
/// On a mistake in the test's own text (a test helper).
#[must_use]
#[expect(clippy::panic, reason = "a test helper")]
pub fn component(g: &Guest<'_>) -> Vec<u8> {
    let (log_import, log_core, log_with) = if g.log {
        (
            r#"(import "tamis:filter/host@0.1.0" (instance $host
    (type $lvl (enum "debug" "info" "warn" "error"))
    (export "level" (type $level (eq $lvl)))
    (export "log" (func (param "level" $level) (param "message" string)))))
  (alias export $host "log" (func $log))
  (core func $log_lowered (canon lower (func $log) (memory (core memory $mi "memory"))))
  (core instance $hi (export "log" (func $log_lowered)))"#,
            r#"(import "host" "log" (func $log (param i32 i32 i32)))"#,
            r#"(with "host" (instance $hi))"#,
        )
    } else {
        ("", "", "")
    };
    let (detect_core, detect_lift) = match g.detect_body {
        Some(body) => (
            format!(
                r#"(func (export "detect") (param i32 i32) (result i32)
      {body})"#
            ),
            r#"(type $span' (record (field "start" u32) (field "end" u32) (field "kind" string)))
  (export $span "span" (type $span'))
  (func (export "detect") (param "text" string) (result (list $span))
    (canon lift (core func $i "detect") (memory (core memory $mi "memory")) (realloc (core func $i "cabi_realloc"))))"#
                .to_owned(),
        ),
        None => (String::new(), String::new()),
    };
    let text = format!(
        r#"(component
  {imports}
  (core module $mem (memory (export "memory") {pages}))
  (core instance $mi (instantiate $mem))
  {log_import}
  (core module $m
    (import "env" "memory" (memory 1))
    {log_core}
    (global $bump (mut i32) (i32.const 4096))
    {fields}
    (data (i32.const 16) "hostile")
    (data (i32.const 32) "0.1.0")
    (func $alloc (param $size i32) (result i32) (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536)))
        (then (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $bump) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))))))
      (local.get $p))
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (call $alloc (local.get 3)))
    ;; How many records (lines) the batch holds.
    (func $records (param $p i32) (param $n i32) (result i32) (local $i i32) (local $c i32)
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 10))
          (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $c))
    ;; `n` verdicts of case `case` (0 keep, 1 drop), 12 bytes each.
    (func $verdicts (param $n i32) (param $case i32) (result i32) (local $p i32) (local $i i32)
      (local.set $p (call $alloc (i32.mul (local.get $n) (i32.const 12))))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 12))) (local.get $case))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $p))
    ;; One `replace(bytes)` verdict per record, all with the same bytes.
    (func $replace_all (param $n i32) (param $bytes i32) (param $len i32) (result i32) (local $p i32) (local $i i32) (local $e i32)
      (local.set $p (call $alloc (i32.mul (local.get $n) (i32.const 12))))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 12))))
        (i32.store8 (local.get $e) (i32.const 2))
        (i32.store (i32.add (local.get $e) (i32.const 4)) (local.get $bytes))
        (i32.store (i32.add (local.get $e) (i32.const 8)) (local.get $len))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $p))
    ;; `ok(list)` at the return area.
    (func $ok_list (param $list i32) (param $len i32) (result i32) (local $r i32)
      (local.set $r (call $alloc (i32.const 12)))
      (i32.store8 (local.get $r) (i32.const 0))
      (i32.store (i32.add (local.get $r) (i32.const 4)) (local.get $list))
      (i32.store (i32.add (local.get $r) (i32.const 8)) (local.get $len))
      (local.get $r))
;; `n` spans, each `start..end` of kind "x", as the result of `detect` (16 bytes each).
    (func $span_list (param $n i32) (param $start i32) (param $end i32) (result i32) (local $p i32) (local $i i32) (local $e i32) (local $r i32)
      (local.set $p (call $alloc (i32.mul (local.get $n) (i32.const 16))))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 16))))
        (i32.store (local.get $e) (local.get $start))
        (i32.store (i32.add (local.get $e) (i32.const 4)) (local.get $end))
        (i32.store (i32.add (local.get $e) (i32.const 8)) (i32.const 16))
        (i32.store (i32.add (local.get $e) (i32.const 12)) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.set $r (call $alloc (i32.const 8)))
      (i32.store (local.get $r) (local.get $p))
      (i32.store (i32.add (local.get $r) (i32.const 4)) (local.get $n))
      (local.get $r))
    {detect_core}
    (func (export "info") (result i32)
      (i32.store (i32.const 64) (i32.const 16))
      (i32.store (i32.const 68) (i32.const 7))
      (i32.store (i32.const 72) (i32.const 32))
      (i32.store (i32.const 76) (i32.const 5))
      (i32.const 64))
    (func (export "filter") (param i32 i32 i32 i32) (result i32)
      {body})
  )
  (core instance $i (instantiate $m (with "env" (instance $mi)) {log_with}))
  (type $info' (record (field "name" string) (field "version" string)))
  (export $info "plugin-info" (type $info'))
  (type $verdict' (variant (case "keep") (case "drop") (case "replace" (list u8))))
  (export $verdict "verdict" (type $verdict'))
  (type $perr' (record (field "message" string)))
  (export $perr "plugin-error" (type $perr'))
  (func (export "info") (result $info)
    (canon lift (core func $i "info") (memory (core memory $mi "memory")) (realloc (core func $i "cabi_realloc"))))
  (func (export "filter") (param "config" (list u8)) (param "batch" (list u8)) (result (result (list $verdict) (error $perr)))
    (canon lift (core func $i "filter") (memory (core memory $mi "memory")) (realloc (core func $i "cabi_realloc"))))
  {detect_lift}
)"#,
        imports = g.component_imports,
        log_import = log_import,
        log_core = log_core,
        log_with = log_with,
        pages = g.pages,
        fields = g.fields,
        body = g.filter_body,
        detect_core = detect_core,
        detect_lift = detect_lift,
    );
    match wat::parse_str(&text) {
        Ok(b) => b,
        Err(e) => panic!("bad test component: {e}\n{text}"),
    }
}
