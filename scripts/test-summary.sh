#!/usr/bin/env bash
# Adds up the JUnit XML reports of every module and prints one closing line:
# "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
tests = failed = skipped = 0
for path in glob.glob("*/target/surefire-reports/TEST-*.xml") + glob.glob("*/target/failsafe-reports/TEST-*.xml"):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for s in suites:
        tests += int(s.get("tests", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
passed = tests - failed - skipped
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
if tests == 0:
    print("no test ran: that is a failure, not a pass")
    raise SystemExit(1)
if failed or skipped:
    print("a failed or skipped test fails the run: a skipped test proves nothing")
    raise SystemExit(1)
PY
