#!/usr/bin/env python3
"""Reads a TMX or XLIFF file with translate-toolkit (an outside reader) and prints what it saw
as one JSON object: unit count, languages, and the first units. Exit 3 when ttk is absent."""
import json
import sys

try:
    from translate.storage import factory
except ImportError:
    print(json.dumps({"error": "translate-toolkit is not installed (pip install translate-toolkit)"}))
    sys.exit(3)

path = sys.argv[1]
store = factory.getobject(path)
units = [u for u in store.units if not getattr(u, "isheader", lambda: False)()]
result = {
    "class": type(store).__name__,
    "units": len(units),
    "sourcelanguage": getattr(store, "sourcelanguage", None),
    "targetlanguage": getattr(store, "targetlanguage", None),
    "first": [{"source": u.source, "target": u.target} for u in units[:3]],
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
if hasattr(units[0] if units else None, "getlanguageNodes"):
    result["variant_languages"] = sorted({"/".join(n.get(XML_LANG) or "?" for n in u.getlanguageNodes()) for u in units})
if path.endswith((".xlf", ".xliff")):
    result["states"] = {}
    for u in units:
        state = u.xmlelement.get("state") if hasattr(u, "xmlelement") else None
        target = u.xmlelement.find("{urn:oasis:names:tc:xliff:document:1.2}target") if hasattr(u, "xmlelement") else None
        state = target.get("state") if target is not None else None
        result["states"][state or "none"] = result["states"].get(state or "none", 0) + 1
    result["alt_trans"] = sum(len(u.getalttrans()) for u in units if hasattr(u, "getalttrans"))
print(json.dumps(result, ensure_ascii=False))
