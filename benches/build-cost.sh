#!/usr/bin/env bash
# Build cost of a compiled policy: for 1 (baseline), 1,000, 10,000 and
# 100,000 exact origins, and 100,000 exact + 100,000 subdomain wildcards,
# generate a small binary crate whose policy comes from
# `cors_policy!(file = ...)`, build it once (dependencies included), then
# time a rebuild after touching the policy file (the macro expansion and
# everything rustc does with its output) in release and in a debug build
# (where the proc-macro itself runs unoptimised), record the release
# binary's size, and time `cors_policy::load_file` (every rule, lowering and
# the table build, as a service loading its policy at start-up) in release.
# Prints a Markdown table; the "added" columns subtract the baseline.
#
# Run from the repository root: benches/build-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK="$ROOT/target/build-cost"
export CARGO_TARGET_DIR="$WORK/target"
mkdir -p "$WORK"

make_crate() {
    local n=$1 w=$2 dir="$WORK/policy-$1-$2"
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "policy-$n-$w"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
cors-runtime = { path = "$ROOT/cors-runtime" }
cors-macros = { path = "$ROOT/cors-macros" }
cors-policy = { path = "$ROOT/cors-policy" }

[profile.release]
debug = false
TOML
    {
        echo 'origins = ['
        for ((i = 0; i < n; i++)); do echo "  \"https://app$i.example$((i % 97)).com\","; done
        for ((i = 0; i < w; i++)); do echo "  \"https://*.t$i.example$((i % 97)).net\","; done
        echo ']'
    } > "$dir/policy.toml"
    cat > "$dir/src/main.rs" <<'RS'
static POLICY: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policy.toml");
fn main() {
    let origin = std::env::args().nth(1).unwrap_or_default();
    println!("{}", POLICY.allows_origin(origin.as_bytes()));
}
RS
    mkdir -p "$dir/src/bin"
    cat > "$dir/src/bin/load.rs" <<'RS'
fn main() {
    let start = std::time::Instant::now();
    let policy = cors_policy::load_file("policy.toml", &cors_policy::Selection::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let elapsed = start.elapsed().as_secs_f64();
    assert!(cors_runtime::PolicySource::policy(&policy).allows_origin(b"https://app0.example0.com"));
    println!("{elapsed:.3}");
}
RS
}

now() { date +%s.%N; }

echo "| origins | rebuild, release (s) | added vs 1 origin (s) | rebuild, debug (s) | load_file, release (s) | binary size (bytes) | added (bytes) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
base_time=""
base_size=""
rebuild() { # dir, cargo flags...: the best of three rebuilds after touching the policy
    local dir=$1 best="" t start end
    shift
    (cd "$dir" && cargo build -q "$@")
    for _ in 1 2 3; do
        touch "$dir/policy.toml"
        start=$(now)
        (cd "$dir" && cargo build -q "$@")
        end=$(now)
        t=$(awk "BEGIN { print $end - $start }")
        if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
    done
    echo "$best"
}
for size in "1 0" "1000 0" "10000 0" "100000 0" "100000 100000"; do
    read -r n w <<< "$size"
    make_crate "$n" "$w"
    dir="$WORK/policy-$n-$w"
    release=$(rebuild "$dir" --release --bin "policy-$n-$w")
    debug=$(rebuild "$dir" --bin "policy-$n-$w")
    (cd "$dir" && cargo build -q --release --bin load)
    load=$(cd "$dir" && "$CARGO_TARGET_DIR/release/load")
    size_bytes=$(stat -c %s "$CARGO_TARGET_DIR/release/policy-$n-$w")
    test "$("$CARGO_TARGET_DIR/release/policy-$n-$w" "https://app$((n - 1)).example$(((n - 1) % 97)).com")" = true
    if [ "$w" -gt 0 ]; then
        test "$("$CARGO_TARGET_DIR/release/policy-$n-$w" "https://x.t$((w - 1)).example$(((w - 1) % 97)).net")" = true
    fi
    if [ -z "$base_time" ]; then base_time=$release; base_size=$size_bytes; fi
    label="$n exact"
    if [ "$w" -gt 0 ]; then label="$label + $w wildcards"; fi
    printf "| %s | %.2f | %.2f | %.2f | %s | %s | %s |\n" "$label" "$release" "$(awk "BEGIN { print $release - $base_time }")" "$debug" "$load" "$size_bytes" "$((size_bytes - base_size))"
done
