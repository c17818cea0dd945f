"""An installed wheel works outside the repository: build, validate and serve.

The wheel is built offline (no build isolation) and installed without dependencies into a
fresh virtual environment outside the checkout; the dependencies come from the test
environment's site-packages through a ``.pth`` file (``.pth`` files inside that directory, such
as the editable install's hook, are not processed there, so ``cuegraph`` resolves to the wheel).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import requests

from support import DATA, ROOT, free_port, wait_http


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` directory of a fresh venv with only the cuegraph wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp / "dist").glob("cuegraph-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # install first, then let the venv see the test dependencies: pip must not find the
    # checkout's editable install (same name and version) and skip the wheel
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env=_env(),
    )
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", purelib],
            check=True,
            capture_output=True,
            text=True,
            env=_env(),
        ).stdout.strip()
    )
    assert (site / "cuegraph" / "ontology" / "shapes.ttl").is_file()
    (site / "test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv / "bin"


def _env() -> dict[str, str]:
    """The environment without cuegraph settings or a PYTHONPATH that could reach the checkout."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith("CUEGRAPH_") and k != "PYTHONPATH"
    }


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir / "cuegraph"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )


def test_wheel_imports_from_itself(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import cuegraph, cuegraph.validate as v; print(cuegraph.__file__); "
            "print(v.ontology_path('shapes.ttl'))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    module_file, shapes = out.stdout.split()
    assert not module_file.startswith(str(ROOT)), module_file
    assert not shapes.startswith(str(ROOT)) and Path(shapes).is_file()


def test_wheel_builds_validates_and_serves(installed: Path, tmp_path: Path) -> None:
    build = _run(installed, tmp_path, "build", str(DATA))
    assert build.returncode == 0, build.stderr
    check = _run(installed, tmp_path, "validate")
    assert check.returncode == 0, check.stdout + check.stderr
    assert (tmp_path / ".cuegraph" / "store").is_dir()
    port = free_port()
    proc = subprocess.Popen(
        [str(installed / "cuegraph"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", timeout=60)
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "cuegraph" in page.text
        answer = requests.get(
            f"http://127.0.0.1:{port}/composers", params={"q": "Kajiura"}, timeout=10
        ).json()
        assert answer["count"] >= 1
    finally:
        proc.terminate()
        proc.wait(30)
