"""Build hook of the safenorm Python package (metadata in pyproject.toml).

Why a small build_py hook and not setuptools-rust or maturin: the package is pure Python
(ctypes) and needs only the C library the crate already builds (cdylib), so the hook runs
`cargo build --release --lib` on the crate (../Cargo.toml) and copies the libsafenorm.so
that cargo reports into the package.  The only build requirements are setuptools and
wheel; cargo's own target directory is used (the repository's target/, or
$CARGO_TARGET_DIR), so a library already built there is reused, not rebuilt.

Environment: CARGO (the cargo binary; default: cargo on PATH, then ~/.cargo/bin/cargo),
CARGO_TARGET_DIR (cargo's), SAFENORM_CARGO_MANIFEST (another Cargo.toml, e.g. when
building from a copy of python/ outside the repository).
"""
import json
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.environ.get("SAFENORM_CARGO_MANIFEST") or os.path.join(HERE, "..", "Cargo.toml")


def crate_version():
    """The version in the [package] table of the crate's Cargo.toml."""
    try:
        with open(MANIFEST, encoding="utf-8") as f:
            section = None
            for line in f:
                line = line.strip()
                if line.startswith("["):
                    section = line
                elif section == "[package]" and line.startswith("version"):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    sys.exit("safenorm: %s not found: build the Python package from the repository "
             "(`pip install ./python`), or set SAFENORM_CARGO_MANIFEST" % MANIFEST)
    return None


def cargo_build():
    """Runs cargo; returns the path of the libsafenorm shared library it built."""
    cargo = (os.environ.get("CARGO") or shutil.which("cargo")
             or os.path.expanduser("~/.cargo/bin/cargo"))
    cmd = [cargo, "build", "--release", "--lib", "--manifest-path", MANIFEST,
           "--message-format=json-render-diagnostics"]
    print("safenorm: " + " ".join(cmd), file=sys.stderr)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True)
    except FileNotFoundError:
        sys.exit("safenorm: cargo not found (install the Rust toolchain, or set CARGO)")
    except subprocess.CalledProcessError as e:
        sys.exit("safenorm: cargo build failed (exit %d)" % e.returncode)
    found = None
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "safenorm":
            for path in msg.get("filenames", []):
                if path.endswith((".so", ".dylib")):
                    found = path
    if not found:
        sys.exit("safenorm: cargo did not report a libsafenorm shared library")
    return found


class BuildPyWithCargo(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            lib = cargo_build()
            dst = os.path.join(self.build_lib, "safenorm", "libsafenorm.so")
            self.mkpath(os.path.dirname(dst))
            self.copy_file(lib, dst)


class PlatformWheel(bdist_wheel):
    """The wheel holds a native library but no Python extension: any Python 3, this
    platform (py3-none-<platform>)."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(version=crate_version(), cmdclass={"build_py": BuildPyWithCargo,
                                         "bdist_wheel": PlatformWheel})
