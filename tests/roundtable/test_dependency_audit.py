"""The CI's dependency audit (.ci/dependency_audit.py) fails on findings, not on outages."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent.parent / ".ci" / "dependency_audit.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "locked_requirements", lambda path: path.write_text(""))
    monkeypatch.delenv("AUDIT_STRICT", raising=False)

    def run_with(report, returncode=0, stderr=""):
        stdout = json.dumps(report) if isinstance(report, dict) else report

        def fake_run(command, **kwargs):
            return subprocess.CompletedProcess(command, returncode, stdout, stderr)

        monkeypatch.setattr(module.subprocess, "run", fake_run)
        return module.main()

    return run_with


def test_audit_passes_without_known_vulnerabilities(audit, capsys):
    report = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}]}

    assert audit(report) == 0
    assert "no known vulnerabilities" in capsys.readouterr().out


def test_audit_fails_on_a_known_vulnerability(audit, capsys):
    vulnerability = {"id": "PYSEC-2026-1", "fix_versions": ["6.1.4"], "description": "x"}
    report = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": [vulnerability]}]}

    assert audit(report, returncode=1) == 1
    assert "VULNERABLE django 6.1.3: PYSEC-2026-1 (fixed in 6.1.4)" in capsys.readouterr().out


def test_audit_reports_an_unreachable_service_without_failing(audit, capsys, monkeypatch):
    skipped = {"name": "django", "version": "6.1.3", "skip_reason": "Dependency not found"}
    report = {"dependencies": [skipped]}

    assert audit(report) == 0
    assert "DEPENDENCY AUDIT NOT DONE" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert audit(report) == 1


def test_audit_reports_a_crashed_pip_audit_without_failing(audit, capsys):
    assert audit("", returncode=1, stderr="ConnectionError") == 0
    assert "pip-audit failed" in capsys.readouterr().out
