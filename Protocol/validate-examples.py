#!/usr/bin/env python3
# Validates every Protocol/examples/*.json against its schema in Protocol/openapi.yaml.
# The example -> type table is read from Tests/KandasProtocolTests/ExamplesTests.swift (one table, no copy).
# Run from the package root: python3 Protocol/validate-examples.py
import yaml, json, os, re, sys
from jsonschema import Draft202012Validator
doc = yaml.safe_load(open('Protocol/openapi.yaml'))
src = open('Tests/KandasProtocolTests/ExamplesTests.swift').read()
m = dict(re.findall(r'"([a-z0-9-]+)": roundTrip\(([A-Za-z]+(?:<[A-Za-z]+>)?)\.self\)', src))
bad = 0
for name, t in sorted(m.items()):
    pm = re.match(r'Page<(\w+)>', t)
    sname = pm.group(1) + "Page" if pm else t
    schema = {"$ref": f"#/components/schemas/{sname}", "components": doc["components"]}
    v = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    data = json.load(open(f'Protocol/examples/{name}.json'))
    errs = list(v.iter_errors(data))
    for e in errs[:3]:
        bad += 1; print(name, list(e.absolute_path), e.message[:200])
print("checked", len(m), "examples,", bad, "errors")
sys.exit(1 if bad or not m else 0)
