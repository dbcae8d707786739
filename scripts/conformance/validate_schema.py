"""Validate pkglens JSON documents against docs/schema.json.

Usage: validate_schema.py SCHEMA DOC.json [DOC.json...]
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
failed = 0
for path in sys.argv[2:]:
    doc = json.load(open(path))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for error in errors[:10]:
        print(f"{path}: {'/'.join(map(str, error.path))}: {error.message}")
    failed += bool(errors)
    print(f"{path}: {len(doc.get('records', []))} records, {'invalid' if errors else 'valid'}")
sys.exit(1 if failed else 0)
