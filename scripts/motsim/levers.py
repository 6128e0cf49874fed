"""The levers a variant changes: the differences between two resolved scenarios (TOML text, as
run, compare and sweep files store them), and the value of one `--set`-style key in a scenario.

    levers.diff(base_toml, variant_toml)  -> [(key, base value, variant value), ...] as strings
    levers.lookup(tomllib.loads(text), "product.Nova.price") -> 199.0 (None when absent)

Keys are spelt as `--set` spells them: tables by their path (`behavior.wom_rate`), products
and segments by name (`product.Nova.price`), campaigns by number from 0 (`campaign.3.daily_reach`).
A product, segment or campaign present in one scenario only is one row, `(none)` on the other side.
Uses tomllib (Python 3.11's standard library).
"""
import tomllib

NONE = "(none)"
# Top-level keys that describe the scenario rather than change it.
_META = {"title", "question", "description", "extends"}


def value_text(v):
    """A TOML value as a short readable string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 1e4 else repr(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, str):
        return v if v else '""'
    if isinstance(v, list):
        return "[" + ", ".join(value_text(x) for x in v) + "]"
    if isinstance(v, dict):
        first = [k for k in ("name", "product", "channel") if k in v]
        keys = first + sorted(k for k in v if k not in first)
        return ", ".join(f"{k} = {value_text(v[k])}" for k in keys)
    return str(v)


def _is_table_array(v):
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def _elements(arr):
    """An array of tables as {identifier: table}: by name when every element has one, else by position."""
    if all("name" in x for x in arr):
        return {str(x["name"]): x for x in arr}
    return {str(i): x for i, x in enumerate(arr)}


def _diff(prefix, a, b, out):
    keys = list(a) + [k for k in b if k not in a]
    for k in keys:
        if not prefix and k in _META:
            continue
        key = f"{prefix}.{k}" if prefix else k
        va, vb = a.get(k), b.get(k)
        if isinstance(va, dict) and isinstance(vb, dict):
            _diff(key, va, vb, out)
        elif _is_table_array(va) or _is_table_array(vb):
            ea, eb = _elements(va or []), _elements(vb or [])
            for ident in list(ea) + [i for i in eb if i not in ea]:
                if ident in ea and ident in eb:
                    _diff(f"{key}.{ident}", ea[ident], eb[ident], out)
                else:
                    out.append((f"{key}.{ident}", value_text(ea[ident]) if ident in ea else NONE,
                                value_text(eb[ident]) if ident in eb else NONE))
        elif va != vb:
            out.append((key, NONE if va is None else value_text(va), NONE if vb is None else value_text(vb)))


def diff(base_toml, variant_toml):
    """The keys whose values differ between two scenarios given as TOML text, in the base's order:
    a list of (key, base value, variant value), values as readable strings."""
    out = []
    _diff("", tomllib.loads(base_toml), tomllib.loads(variant_toml), out)
    return out


def lookup(doc, key):
    """The value of a `--set` key (`product.Nova.price`, `campaign.0.daily_reach`, `behavior.wom_rate`) in a
    parsed scenario; None when it is not there."""
    node = doc
    for part in key.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            named = [x for x in node if isinstance(x, dict) and str(x.get("name")) == part]
            if named:
                node = named[0]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        else:
            return None
        if node is None:
            return None
    return node
