#!/usr/bin/env bash
# Build cost of a compiled policy: for 1 (baseline), 1,000, 10,000 and
# 100,000 origins, generate a small binary crate whose policy comes from
# `cors_policy!(file = ...)`, build it once (dependencies included), then
# time a rebuild after touching the policy file (the macro expansion and
# everything rustc does with its output), and record the release binary's
# size. Prints a Markdown table; the "added" columns subtract the baseline.
#
# Run from the repository root: benches/build-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK="$ROOT/target/build-cost"
export CARGO_TARGET_DIR="$WORK/target"
mkdir -p "$WORK"

make_crate() {
    local n=$1 dir="$WORK/policy-$1"
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "policy-$n"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
cors-runtime = { path = "$ROOT/cors-runtime" }
cors-macros = { path = "$ROOT/cors-macros" }

[profile.release]
debug = false
TOML
    {
        echo 'origins = ['
        for ((i = 0; i < n; i++)); do echo "  \"https://app$i.example$((i % 97)).com\","; done
        echo ']'
    } > "$dir/policy.toml"
    cat > "$dir/src/main.rs" <<'RS'
static POLICY: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policy.toml");
fn main() {
    let origin = std::env::args().nth(1).unwrap_or_default();
    println!("{}", POLICY.allows_origin(origin.as_bytes()));
}
RS
}

now() { date +%s.%N; }

echo "| origins | rebuild after touching the policy (s) | added vs 1 origin (s) | binary size (bytes) | added (bytes) |"
echo "|---:|---:|---:|---:|---:|"
base_time=""
base_size=""
for n in 1 1000 10000 100000; do
    make_crate "$n"
    dir="$WORK/policy-$n"
    (cd "$dir" && cargo build --release -q)
    best=""
    for _ in 1 2 3; do
        touch "$dir/policy.toml"
        start=$(now)
        (cd "$dir" && cargo build --release -q)
        end=$(now)
        t=$(awk "BEGIN { print $end - $start }")
        if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
    done
    size=$(stat -c %s "$CARGO_TARGET_DIR/release/policy-$n")
    test "$("$CARGO_TARGET_DIR/release/policy-$n" "https://app$((n - 1)).example$(((n - 1) % 97)).com")" = true
    if [ -z "$base_time" ]; then base_time=$best; base_size=$size; fi
    printf "| %s | %.2f | %.2f | %s | %s |\n" "$n" "$best" "$(awk "BEGIN { print $best - $base_time }")" "$size" "$((size - base_size))"
done
