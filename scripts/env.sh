# Sourced by the scripts: makes the tools the project needs available, installing what is
# missing without root where possible (cmake from PyPI into the user site).
export PATH="$HOME/.local/bin:$HOME/.cargo/bin:$PATH"
if ! command -v cmake >/dev/null 2>&1; then
    echo "== installing cmake (pip install --user cmake)"
    python3 -m pip install --user --quiet cmake || python3 -m pip install --user --quiet --break-system-packages cmake
fi
command -v cmake >/dev/null 2>&1 || { echo "cmake is required and could not be installed" >&2; exit 1; }
