# Shared by the build and check scripts (sourced, not run): section headers, timing, and the Python version
# the app is built with (the newest in scripts/pythons.txt).

section() {
    printf '\n==== %s ====\n' "$*"
}

now() {
    date +%s.%N
}

elapsed() {
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

BUILD_VERSION=$(grep -Ev '^[[:space:]]*(#|$)' scripts/pythons.txt | tail -n 1)
