#!/usr/bin/env python3
"""Prints each failed test of the given .trx files with its message and the head of its stack trace."""
import sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
failed = 0
for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") != "Failed":
            continue
        failed += 1
        print(f"\nFAILED {result.get('testName')} ({result.get('duration')})")
        message = result.findtext(".//t:Message", default="", namespaces=ns).strip()
        trace = result.findtext(".//t:StackTrace", default="", namespaces=ns).strip()
        print("  " + message[:4000].replace("\n", "\n  "))
        print("  " + "\n  ".join(trace.splitlines()[:12]))
print(f"\n{failed} failed test(s)." if failed else "\nNo test failed.")
