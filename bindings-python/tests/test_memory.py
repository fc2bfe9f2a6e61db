"""Running out of memory inside apply, for real: a child Python process whose address space is
capped (RLIMIT_AS) applies a record whose parse tree cannot fit. The module's Rust allocations
go through tamis's reserve allocator and its parse tree grows with try_reserve, so the record is
quarantined (``out_of_memory``), the records around it are masked, and the process lives on.
Without them Rust would abort the Python process."""

import json
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import resource, sys, tamis

    policy = tamis.Policy.from_toml(
        'version = 1\\nname = "roomy"\\n[limits]\\nmax_record_bytes = 268435456\\n'
        '[[rule]]\\nid = "e"\\ndetect = ["email"]\\naction = "replace"\\n'
    )
    big = "[" + "0," * 20_000_000 + "0]"  # 40 MB; its tree needs some 640 MB
    text = '{"a":"x@example.com"}\\n' + big + '\\n{"b":"y@example.com"}\\n'
    with open("/proc/self/status") as f:
        vm_kib = next(int(l.split()[1]) for l in f if l.startswith("VmSize:"))
    limit = (vm_kib + 200 * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
    out = policy.apply_json_lines(text)
    doc = policy.apply_json(big)
    after = policy.apply({"c": "z@example.com"})
    sys.stdout.write(out + doc + "\\n" + repr(after) + "\\n")
    """
)


def test_a_record_that_does_not_fit_in_memory_is_quarantined_and_the_process_lives():
    run = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0] == '{"a":"[REDACTED]"}'
    assert json.loads(lines[1]) == {
        "tamis_quarantined": {"line": 2, "reason": "out_of_memory"}
    }
    assert lines[2] == '{"b":"[REDACTED]"}'
    assert json.loads(lines[3]) == {"tamis_quarantined": {"reason": "out_of_memory"}}
    assert lines[4] == "{'c': '[REDACTED]'}"
