"""Where things are: the repository this package belongs to, its build directory and the binary,
found from the package's own location (not from the directory the caller runs in)."""
import os


def repo_root():
    """The root of the checkout holding this package (the package is scripts/motsim/ in it)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_dir():
    """The build directory: $MOTSIM_BUILD_DIR as the scripts read it (relative to the repository root
    unless absolute), default build/."""
    return os.path.join(repo_root(), os.environ.get("MOTSIM_BUILD_DIR", "build"))


def binary():
    """The motsim executable: $MOTSIM_BIN if set, else motsim in the build directory."""
    return os.environ.get("MOTSIM_BIN") or os.path.join(build_dir(), "motsim")
