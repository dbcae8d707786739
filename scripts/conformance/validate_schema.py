"""Validate pkglens JSON documents against docs/schema.json.

The schema's root is `scan --format json`; the answers of `check`, `graph`, `why` and `diff`
are its `$defs` `CheckDocument`, `GraphDocument`, `WhyDocument`, `DiffDocument` and
`ResolveDocument`. Each document is validated against the one its keys name (`records`,
`problems`, `graph`, `chains`, `diff`, `families_read`); a document that names none is invalid.

Usage: validate_schema.py SCHEMA DOC.json [DOC.json...]
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
DOCUMENTS = [("records", None), ("problems", "CheckDocument"), ("graph", "GraphDocument"),
             ("chains", "WhyDocument"), ("diff", "DiffDocument"),
             ("files", "CompileDocument"), ("families_read", "ResolveDocument")]


def validator_for(doc):
    for key, definition in DOCUMENTS:
        if isinstance(doc, dict) and key in doc:
            if definition is None:
                return jsonschema.Draft202012Validator(schema), "scan"
            sub = {"$schema": schema["$schema"], "$defs": schema["$defs"],
                   "$ref": f"#/$defs/{definition}"}
            return jsonschema.Draft202012Validator(sub), definition
    return None, None


failed = 0
for path in sys.argv[2:]:
    doc = json.load(open(path))
    validator, shape = validator_for(doc)
    if validator is None:
        print(f"{path}: not a pkglens document (no records, problems, graph, chains, diff or files)")
        failed += 1
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for error in errors[:10]:
        print(f"{path}: {'/'.join(map(str, error.path))}: {error.message}")
    failed += bool(errors)
    count = len(doc.get("records", doc.get("problems", doc.get("chains", []))))
    print(f"{path}: {shape}, {count} items, {'invalid' if errors else 'valid'}")
sys.exit(1 if failed else 0)
