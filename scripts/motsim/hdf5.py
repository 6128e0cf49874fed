"""Readers shared by the loaders and the report: HDF5 strings and the file's format tag."""


def text(x):
    """An HDF5 string (bytes or str) as str."""
    return x.decode() if isinstance(x, bytes) else str(x)


def strings(ds):
    """A 1-D dataset of strings as a list of str."""
    return [text(x) for x in ds[()]]


def check_format(f, fmt, path):
    """Raise ValueError unless the open file `f` (read from `path`) has the root attribute format = `fmt`."""
    got = text(f.attrs.get("format", ""))
    if got != fmt:
        raise ValueError(f"{path}: a {got or 'non-motsim'} file, expected {fmt}")
