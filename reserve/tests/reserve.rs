//! The reserve as this test program's global allocator, with failures injected at the system
//! allocator: what the system cannot serve comes from the reserve, aligned, zeroed when asked,
//! moved back out on reallocation, and the whole reserve is free once its blocks are back.
//!
//!   cargo test -p tamis-reserve --features faults

use std::alloc::System;

use tamis_reserve::{RESERVE_BYTES, Reserve, failures};

#[global_allocator]
static ALLOC: Reserve<System> = Reserve::new(System);

/// Injection is global and the test harness allocates too (on its own thread while a test
/// runs): one test runs every case in turn.
#[test]
fn the_reserve() {
    a_failed_allocation_is_served_from_the_reserve_and_counted();
    blocks_are_aligned_and_zeroed_even_where_a_block_was_before();
    a_block_grows_into_the_reserve_and_back_out_keeping_its_bytes();
    a_request_larger_than_the_reserve_still_fails_and_try_reserve_says_so();
    threads_share_the_reserve_without_overlap();
}

fn a_failed_allocation_is_served_from_the_reserve_and_counted() {
    let before = failures();
    ALLOC.fail_from(1);
    let v: Vec<u64> = (0..1000).collect();
    let s = String::from("still works");
    let z = vec![0u8; 4096];
    ALLOC.fail_nth(0);
    assert!(failures() > before);
    assert!(ALLOC.in_use() >= 8000 + 11 + 4096);
    assert_eq!(v.iter().sum::<u64>(), 499_500);
    assert_eq!(s, "still works");
    assert!(z.iter().all(|&b| b == 0));
    drop((v, s, z));
    assert_eq!(ALLOC.in_use(), 0, "the last block back frees the reserve");
}

#[repr(align(4096))]
struct Page([u8; 4096]);

fn blocks_are_aligned_and_zeroed_even_where_a_block_was_before() {
    ALLOC.fail_from(1);
    let dirty = vec![0xAAu8; 1000];
    drop(dirty);
    let zeroed = vec![0u8; 1000]; // alloc_zeroed, where `dirty` was
    let byte = Box::new(1u8);
    let page = Box::new(Page([7; 4096]));
    let wide = Box::new(0u128);
    ALLOC.fail_nth(0);
    assert!(zeroed.iter().all(|&b| b == 0));
    assert_eq!(std::ptr::from_ref(&*page).addr() % 4096, 0);
    assert_eq!(
        std::ptr::from_ref(&*wide).addr() % std::mem::align_of::<u128>(),
        0
    );
    assert!(page.0.iter().all(|&b| b == 7) && *byte == 1);
    drop((zeroed, byte, page, wide));
    assert_eq!(ALLOC.in_use(), 0);
}

fn a_block_grows_into_the_reserve_and_back_out_keeping_its_bytes() {
    let mut v: Vec<u32> = (0..100).collect();
    v.shrink_to_fit();
    ALLOC.fail_from(1);
    v.extend(100..1000); // realloc fails at the system: moved into the reserve
    ALLOC.fail_nth(0);
    assert!(ALLOC.in_use() > 0);
    v.extend(1000..100_000); // the system has memory again: moved back out
    assert_eq!(ALLOC.in_use(), 0);
    assert!(v.iter().copied().eq(0..100_000));
}

fn a_request_larger_than_the_reserve_still_fails_and_try_reserve_says_so() {
    let before = failures();
    ALLOC.fail_from(1);
    let mut v: Vec<u8> = Vec::new();
    let r = v.try_reserve(RESERVE_BYTES + 1);
    ALLOC.fail_nth(0);
    assert!(r.is_err());
    assert!(failures() > before, "counted even when not served");
    assert!(
        v.try_reserve(RESERVE_BYTES + 1).is_ok(),
        "the system serves it again"
    );
}

fn threads_share_the_reserve_without_overlap() {
    ALLOC.fail_from(1);
    let handles: Vec<_> = (0..4u8)
        .map(|t| {
            std::thread::spawn(move || {
                let blocks: Vec<Vec<u8>> = (0..200).map(|i| vec![t; 64 + i]).collect();
                blocks.iter().all(|b| b.iter().all(|&x| x == t))
            })
        })
        .collect();
    let ok = handles.into_iter().all(|h| h.join().unwrap_or(false));
    ALLOC.fail_nth(0);
    assert!(ok);
    assert_eq!(ALLOC.in_use(), 0);
}
