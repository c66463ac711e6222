"""deploy/ checked with real tools: the Compose schema, the CLI, the Dockerfile, systemd, Postfix.

What it is for: a cheap, deterministic guard that the deployment files name commands,
settings, paths and ports that exist, so a renamed command or setting breaks CI instead
of a deployment. Not for: building or running the image, which needs a container
engine; deploy/check-image.sh does that by hand (see deploy/README.md).

tests/fixtures/deploy/compose-spec.json is the Compose Specification schema exactly as
shipped in the PyPI wheel docker_compose-1.29.2-py2.py3-none-any.whl
(compose/config/compose_spec.json, Apache-2.0, sha256 below).
"""

from __future__ import annotations

import configparser
import copy
import functools
import hashlib
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from agent.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
ENV_EXAMPLE = DEPLOY / "handoff.env.example"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
POSTFIX = DEPLOY / "postfix"
COMPOSE_SPEC = ROOT / "tests" / "fixtures" / "deploy" / "compose-spec.json"
COMPOSE_SPEC_SHA256 = "0dc04bd346dcfee1b1419628fff79937bbf076925f298f272a2b490e2b112bac"
# The console script of this checkout (the .venv the tests run in).
HANDOFF = Path(sys.executable).parent / "handoff"
VAR = re.compile(r"\bHANDOFF_[A-Z0-9][A-Z0-9_]*")


# -- helpers ------------------------------------------------------------------------


@functools.cache
def cli_help(args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """``handoff ARGS --help``: exit 0 only when ARGS name a real command and options."""
    return subprocess.run([str(HANDOFF), *args, "--help"], capture_output=True, text=True, timeout=60, check=False)


def assert_real_command(args: list[str], where: str) -> None:
    result = cli_help(tuple(args))
    assert result.returncode == 0, f"{where}: `handoff {shlex.join(args)}` is not a handoff command:\n{result.stderr}"


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def handoff_services(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run this project's image (built from deploy/Dockerfile)."""
    found = {}
    for name, service in doc["services"].items():
        build = service.get("build") or {}
        path = build.get("dockerfile") if isinstance(build, dict) else None
        if path == "deploy/Dockerfile" or str(service.get("image", "")).startswith("handoff"):
            found[name] = service
    return found


def dockerfile() -> DockerfileParser:
    return DockerfileParser(fileobj=io.BytesIO(DOCKERFILE.read_bytes()))


def instructions(name: str) -> list[dict[str, Any]]:
    return [i for i in dockerfile().structure if i["instruction"] == name]


def exec_form(value: str, where: str) -> list[str]:
    """ENTRYPOINT/CMD must be JSON arrays: the shell form would swallow SIGTERM."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = None
    assert isinstance(parsed, list) and all(isinstance(v, str) for v in parsed), f"{where} {value!r} is not exec form"
    return parsed


def dockerfile_env() -> dict[str, str]:
    return dict(dockerfile().envs)


def env_file(path: Path, *, commented: bool = False) -> dict[str, str]:
    """KEY=VALUE lines; with ``commented``, also the ``# KEY=VALUE`` examples."""
    values = {}
    for line in path.read_text().splitlines():
        text = line.strip()
        if commented and re.match(r"#\s*[A-Z][A-Z0-9_]*=", text):
            text = text.lstrip("#").strip()
        if text and not text.startswith("#") and "=" in text:
            key, value = text.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    # ${VAR:-default} as compose interpolates it with VAR unset.
    return {k: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items()}


def known_variables() -> set[str]:
    """HANDOFF_* names the program reads: the settings, and the few read from os.environ."""
    names = set()
    for field_name, field in Settings.model_fields.items():
        names.add("HANDOFF_" + field_name.upper())
        alias = field.validation_alias
        names.update(getattr(alias, "choices", []) if alias is not None else [])
    for folder in ("agent", "mailflows", "db"):
        for source in (ROOT / folder).rglob("*.py"):
            names.update(re.findall(r"environ(?:\.get\(|\[)\s*[\"'](HANDOFF_\w+)", source.read_text()))
    return names


def intake_port() -> int:
    """Where the intake listens in the image: compose env > env file > Dockerfile ENV > default."""
    doc = compose()
    intake = handoff_by_command(doc, "serve")
    for source in (compose_environment(intake), env_file(ENV_EXAMPLE), dockerfile_env()):
        if "HANDOFF_SMTP_PORT" in source:
            return int(source["HANDOFF_SMTP_PORT"])
    return int(Settings.model_fields["smtp_port"].default)


def handoff_by_command(doc: dict[str, Any], command: str) -> dict[str, Any]:
    matches = [s for s in handoff_services(doc).values() if command in s.get("command", [])]
    assert len(matches) == 1, f"expected one compose service running `handoff {command}`, found {len(matches)}"
    return matches[0]


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(), source=str(path))
    return parser


def dockerignore_excludes(path: str) -> bool:
    """Docker's rules: patterns match the path or a parent of it; the last match wins; ! re-includes."""
    excluded = False
    for raw in DOCKERIGNORE.read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        regex = regex.replace(r"\?", "[^/]")
        parts = path.strip("/").split("/")
        if any(re.fullmatch(regex, "/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


# -- docker-compose.yml ---------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    raw = COMPOSE_SPEC.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == COMPOSE_SPEC_SHA256, "the vendored schema was edited"
    schema = json.loads(raw)
    # Top-level `name` entered the Compose Specification after 1.29.2 was cut (Compose
    # v2.3.3 supports it); this is its definition in the current specification.
    schema = copy.deepcopy(schema)
    schema["properties"]["name"] = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
    validator = jsonschema.Draft201909Validator(schema)
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(compose())]
    assert not errors, "\n".join(errors)


def test_compose_runs_postgres_redis_an_intake_and_workers() -> None:
    doc = compose()
    images = {str(s.get("image", "")).split(":")[0] for s in doc["services"].values()}
    assert {"postgres", "redis"} <= images
    commands = {
        " ".join(a for a in s.get("command", []) if not a.startswith("-")) for s in handoff_services(doc).values()
    }
    assert {"db upgrade", "serve", "worker"} <= commands


def test_every_handoff_service_runs_a_real_cli_command() -> None:
    entrypoint = exec_form(instructions("ENTRYPOINT")[-1]["value"], "ENTRYPOINT")
    services = handoff_services(compose())
    assert services, "no service runs the handoff image"
    for name, service in services.items():
        command = service.get("command")
        assert command, f"service {name} has no command; the image's CMD would run `serve`"
        args = shlex.split(command) if isinstance(command, str) else command
        prefix = service.get("entrypoint", entrypoint)
        assert prefix == ["handoff"], f"service {name} runs {prefix}, not the handoff CLI"
        assert_real_command(args, f"compose service {name}")


def test_compose_depends_on_names_services_that_can_satisfy_the_condition() -> None:
    services = compose()["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {d: {"condition": "service_started"} for d in depends}
        for other, spec in depends.items():
            assert other in services, f"{name} depends on {other}, which is not a service"
            condition = spec.get("condition")
            if condition == "service_healthy":
                assert "healthcheck" in services[other], (
                    f"{name} waits for {other} to be healthy; it has no healthcheck"
                )
            if condition == "service_completed_successfully":
                assert services[other].get("restart", "no") == "no", f"{name} waits for {other} to exit; it restarts"


def test_every_handoff_variable_in_deploy_is_a_setting() -> None:
    known = known_variables()
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        unknown = sorted(set(VAR.findall(path.read_text())) - known)
        assert not unknown, f"{path.relative_to(ROOT)} names {unknown}, which handoff does not read"


def test_the_example_env_and_compose_environment_are_accepted_by_the_settings() -> None:
    intake = handoff_by_command(compose(), "serve")
    values = {**dockerfile_env(), **env_file(ENV_EXAMPLE, commented=True), **compose_environment(intake)}
    fields = {"HANDOFF_" + name.upper(): name for name in Settings.model_fields}
    overrides: dict[str, Any] = {fields[k]: v for k, v in values.items() if k in fields}
    overrides.pop("csm_roster", None)  # a path on the deployed host, read later
    settings = Settings(_env_file=None, **overrides)  # type: ignore[call-arg]
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.inbox_domain in settings.own_domains


def test_the_intake_port_is_the_same_everywhere() -> None:
    port = intake_port()
    doc = compose()
    intake = handoff_by_command(doc, "serve")
    exposed = [int(p.split("/")[0]) for i in instructions("EXPOSE") for p in i["value"].split()]
    assert port in exposed, f"Dockerfile EXPOSE {exposed}, intake listens on {port}"
    published = [str(p).rsplit(":", 1)[-1].split("/")[0] for p in intake.get("ports", [])]
    assert published == [str(port)], f"compose publishes container port(s) {published}, intake listens on {port}"
    hosts = [str(p).split(":")[0] for p in intake.get("ports", [])]
    assert hosts == ["127.0.0.1"], (
        "the intake is published on the host's loopback only (envelope mode trusts who connects)"
    )
    probe = " ".join(intake["healthcheck"]["test"])
    assert re.findall(r"'127\.0\.0\.1', (\d+)", probe) == [str(port)], f"the health check probes another port: {probe}"
    # systemd units set no port, so the intake there listens on the default.
    assert Settings.model_fields["smtp_port"].default == port


def test_the_web_port_is_the_same_everywhere() -> None:
    from agent.web.server import DEFAULT_PORT

    web = handoff_by_command(compose(), "web")
    port = int(web["environment"]["HANDOFF_WEB_PORT"])
    assert port == DEFAULT_PORT
    exposed = [int(p.split("/")[0]) for i in instructions("EXPOSE") for p in i["value"].split()]
    assert sorted(exposed) == sorted({intake_port(), port}), f"Dockerfile EXPOSE {exposed}"
    assert [str(p) for p in web.get("ports", [])] == [f"127.0.0.1:{port}:{port}"], "behind a reverse proxy on this host"
    probe = " ".join(web["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/" in probe, f"the health check probes another port: {probe}"


# -- Dockerfile -------------------------------------------------------------------


def test_dockerfile_copies_only_paths_that_exist_in_the_build_context() -> None:
    build = handoff_services(compose())
    for service in build.values():
        assert (DEPLOY / service["build"]["context"]).resolve() == ROOT, "the compose build context is the repo root"
    stages: list[str] = []
    for item in dockerfile().structure:
        args = item["value"].split()
        if item["instruction"] == "FROM":
            stages.append(args[-1] if len(args) >= 3 and args[-2].upper() == "AS" else str(len(stages)))
        if item["instruction"] not in ("COPY", "ADD"):
            continue
        flags = [a for a in args if a.startswith("--")]
        sources = [a for a in args if not a.startswith("--")][:-1]
        stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        if stage is not None:
            assert stage in stages[:-1], f"COPY --from={stage}: no earlier stage has that name"
            continue
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile line {item['startline'] + 1}: COPY {source} does not exist"
            assert not dockerignore_excludes(source), f"COPY {source} is excluded by {DOCKERIGNORE.name}"
            tracked = subprocess.run(
                ["git", "ls-files", "--", source], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.split()
            hidden = [f for f in tracked if dockerignore_excludes(f)]
            assert not hidden, f"{DOCKERIGNORE.name} hides files the build needs: {hidden[:5]}"


def test_dockerfile_build_stage_has_everything_the_wheel_is_built_from() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    copied: set[str] = set()
    for item in instructions("COPY"):
        args = [a for a in item["value"].split() if not a.startswith("--")]
        copied.update(Path(a).as_posix().strip("/") for a in args[:-1])
    needed = {*project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"], project["project"]["readme"]}
    needed.add("requirements")  # the RUN step's -c requirements/constraints.txt
    assert needed <= copied, f"the build stage lacks {sorted(needed - copied)}"
    assert "requirements/constraints.txt" in " ".join(i["value"] for i in instructions("RUN"))


def test_dockerfile_entrypoint_and_cmd_form_a_real_command() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    entrypoint = exec_form(instructions("ENTRYPOINT")[-1]["value"], "ENTRYPOINT")
    cmd = exec_form(instructions("CMD")[-1]["value"], "CMD")
    assert entrypoint[0] in scripts, f"ENTRYPOINT {entrypoint[0]} is not a console script of pyproject.toml"
    assert_real_command(entrypoint[1:] + cmd, "Dockerfile ENTRYPOINT + CMD")
    assert dockerfile_env().get("HANDOFF_SMTP_HOST") == "0.0.0.0", "in a container the intake must listen on all"


def test_named_volumes_of_the_handoff_image_exist_in_it_owned_by_its_user() -> None:
    # An empty named volume starts as a copy of the image's directory (owner included);
    # without one it is created root-owned and the unprivileged user cannot write to it.
    structure = dockerfile().structure
    last_from = max(i for i, item in enumerate(structure) if item["instruction"] == "FROM")
    final = structure[last_from:]
    user = [item["value"] for item in final if item["instruction"] == "USER"][-1]
    runs = " ".join(item["value"] for item in final if item["instruction"] == "RUN")
    outbox = dockerfile_env()["HANDOFF_OUTBOX_DIR"]
    for name, service in handoff_services(compose()).items():
        targets = {}
        for volume in service.get("volumes", []):
            source, target = str(volume).split(":")[:2]
            if not source.startswith((".", "/", "~")):
                targets[target] = source
        assert outbox in targets, f"service {name}: HANDOFF_OUTBOX_DIR {outbox} is not on a volume"
        for target in targets:
            owned = re.search(rf"(-o {user}\b[^&;]*|chown [^&;]*{user}[^&;]*){re.escape(target)}\b", runs)
            assert owned, f"service {name} mounts a volume at {target}; the image does not create it owned by {user}"


# -- systemd ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_systemd_unit_passes_systemd_analyze_verify(path: Path, tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists; point it at this checkout's handoff.
    text = path.read_text()
    venv = re.search(r"^ExecStart=(\S+)/bin/handoff\b", text, re.M)
    assert venv, f"{path.name}: ExecStart does not run <venv>/bin/handoff"
    (tmp_path / path.name).write_text(text.replace(venv.group(1) + "/bin/handoff", str(HANDOFF)))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / path.name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # verify exits 0 on many problems (unknown keys, bad values) and only prints them.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_systemd_unit_runs_real_commands_with_the_paths_the_readme_installs(path: Path) -> None:
    readme = (DEPLOY / "README.md").read_text()
    service = unit(path)["Service"]
    assert f"deploy/systemd/{path.name}" in readme, f"deploy/README.md does not install {path.name}"
    for key in ("ExecStartPre", "ExecStart"):
        if key not in service:
            continue
        argv = shlex.split(service[key].lstrip("@-:+!"))
        program = Path(argv[0])
        assert program.name == "handoff", f"{path.name} {key} runs {program}"
        venv = program.parent.parent.as_posix()
        assert f"-m venv {venv}" in readme, f"{path.name} runs {program}; deploy/README.md creates no venv at {venv}"
        assert_real_command(argv[1:], f"{path.name} {key}")
    env_path = service["EnvironmentFile"].lstrip("-")
    assert re.search(rf"deploy/handoff\.env\.example {re.escape(env_path)}\b", readme), (
        f"{path.name} reads {env_path}; deploy/README.md installs the env file elsewhere"
    )
    home = "/var/lib/" + service["StateDirectory"]
    assert service["WorkingDirectory"] == home == service["ReadWritePaths"]
    assert f"--home {home} {service['User']}" in readme, f"deploy/README.md creates no user {service['User']} at {home}"


# -- Postfix ----------------------------------------------------------------------


def transport_entries() -> dict[str, str]:
    entries = {}
    for line in (POSTFIX / "transport").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split()
            entries[key] = value
    return entries


def master_services() -> dict[str, str]:
    """master.cf service name -> the command it runs (smtp, lmtp, ...)."""
    services = {}
    for line in (POSTFIX / "master.cf.snippet").read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            fields = line.split()
            services[fields[0]] = fields[7]
    return services


def test_postfix_transport_sends_the_inbox_to_the_intake_over_smtp(tmp_path: Path) -> None:
    inbox = env_file(ENV_EXAMPLE)["HANDOFF_INBOX_ADDRESS"]
    if shutil.which("postmap"):
        (tmp_path / "main.cf").write_text((POSTFIX / "main.cf.snippet").read_text())
        (tmp_path / "master.cf").write_text((POSTFIX / "master.cf.snippet").read_text())
        query = ["postmap", "-c", str(tmp_path), "-q", inbox, f"texthash:{POSTFIX / 'transport'}"]
        result = subprocess.run(query, capture_output=True, text=True, timeout=30, check=False)
        assert result.returncode == 0, f"postmap finds no transport for {inbox}: {result.stderr}"
        value = result.stdout.strip()
    else:
        entries = transport_entries()
        assert inbox in entries, f"the transport map has no entry for {inbox}"
        value = entries[inbox]
    match = re.fullmatch(r"([\w-]+):\[([\w.:-]+)\]:(\d+)", value)
    assert match, f"{value!r} is not transport:[host]:port"
    transport, _host, port = match.groups()
    command = master_services().get(transport, transport)
    assert command == "smtp", f"{transport} delivers with {command}; the intake speaks SMTP (EHLO), not LMTP"
    assert int(port) == intake_port(), f"Postfix delivers to port {port}, the intake listens on {intake_port()}"


def test_postfix_main_cf_snippet_agrees_with_master_cf_and_the_transport_map(tmp_path: Path) -> None:
    main = env_file(POSTFIX / "main.cf.snippet")
    assert "+" in main["recipient_delimiter"], "handoff+<token>@ replies need recipient_delimiter = +"
    table = main["transport_maps"].split(":", 1)[1]
    assert f"postmap {table}" in (POSTFIX / "transport").read_text(), f"the transport file is not {table}"
    if shutil.which("postconf"):
        # postconf warns "unused parameter" for a per-transport setting of a transport
        # master.cf does not define.
        (tmp_path / "main.cf").write_text((POSTFIX / "main.cf.snippet").read_text())
        (tmp_path / "master.cf").write_text((POSTFIX / "master.cf.snippet").read_text())
        result = subprocess.run(
            ["postconf", "-c", str(tmp_path), "-n"], capture_output=True, text=True, timeout=30, check=False
        )
        assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    else:
        services = master_services()
        for key in main:
            if "_destination_" in key:
                assert key.split("_destination_")[0] in services, f"{key}: master.cf defines no such transport"
