"""Audit the locked dependencies (uv.lock, all groups) for known vulnerabilities.

Fails on any known vulnerability that is not listed in IGNORED_VULNERABILITIES with a
reason. When the vulnerability service cannot be reached, it says so plainly and does not
fail (set AUDIT_STRICT=1 to fail then too): an audit that could not run is no finding.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"

# Vulnerability id -> why it does not affect the portal. Keep this empty when possible.
IGNORED_VULNERABILITIES: dict[str, str] = {}


def locked_requirements(path: Path) -> None:
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(ROOT / ".venv")}
    with path.open("w") as out:
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                str(VENV_BIN / "uv"),
                "export",
                "--frozen",
                "--all-groups",
                "--format",
                "requirements-txt",
                "--no-hashes",
                "--quiet",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            check=True,
        )


def not_audited(message: str) -> int:
    print(f"DEPENDENCY AUDIT NOT DONE: {message}")
    print("The vulnerability service is not reachable from this machine; run `make audit`")
    print("where PyPI's JSON API (https://pypi.org/pypi/<name>/<version>/json) is reachable.")
    return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        locked_requirements(requirements)
        command = [
            str(VENV_BIN / "pip-audit"),
            "--requirement",
            str(requirements),
            "--disable-pip",
            "--no-deps",  # the export is complete and pinned
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ]
        for vulnerability in IGNORED_VULNERABILITIES:
            command += ["--ignore-vuln", vulnerability]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return not_audited(f"pip-audit failed (exit {result.returncode}): {result.stderr[-500:]}")

    dependencies = report["dependencies"]
    vulnerable = [dependency for dependency in dependencies if dependency.get("vulns")]
    skipped = [dependency for dependency in dependencies if "skip_reason" in dependency]
    for dependency in vulnerable:
        for vulnerability in dependency["vulns"]:
            fixed = ", ".join(vulnerability["fix_versions"]) or "no fix yet"
            print(
                f"VULNERABLE {dependency['name']} {dependency['version']}: "
                f"{vulnerability['id']} (fixed in {fixed})"
            )
    if vulnerable:
        return 1
    audited = len(dependencies) - len(skipped)
    if skipped:
        return not_audited(
            f"{len(skipped)} of {len(dependencies)} locked packages could not be checked "
            f"(e.g. {skipped[0]['name']}: {skipped[0]['skip_reason']})."
        )
    print(f"Dependency audit: {audited} locked packages, no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
