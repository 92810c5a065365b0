"""Helpers for the stock-client suites: run Debian's `openstack` CLI and the Python clients
against the Iris under test (IRIS_URL, IRIS_ADMIN_PASSWORD from the test runner)."""
import json
import os
import secrets
import subprocess

IRIS_URL = os.environ.get("IRIS_URL", "http://127.0.0.1:3100")
ADMIN_PASSWORD = os.environ.get("IRIS_ADMIN_PASSWORD", "iris-e2e-admin-password")
OPENSTACK = "/usr/bin/openstack"


def rand(prefix):
    return "%s-%s" % (prefix, secrets.token_hex(4))


def cloud_env(user="admin", password=None, project="admin", extra=None):
    """An environment for the CLI with no inherited OS_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update({
        "OS_AUTH_URL": IRIS_URL + "/identity/v3",
        "OS_IDENTITY_API_VERSION": "3",
        "OS_IMAGE_API_VERSION": "2",
        "OS_USERNAME": user,
        "OS_PASSWORD": password if password is not None else ADMIN_PASSWORD,
        "OS_PROJECT_NAME": project,
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_INTERFACE": "public",
    })
    env.update(extra or {})
    return env


class CliError(Exception):
    def __init__(self, args, code, out, err):
        super().__init__("openstack %s exited %s: %s %s" % (" ".join(args), code, out, err))
        self.code, self.out, self.err = code, out, err


def osc(args, env=None, json_out=True, check=True, timeout=180):
    """Runs `openstack ARGS` and returns its parsed JSON output (or text)."""
    argv = [OPENSTACK] + list(args) + (["-f", "json"] if json_out else [])
    p = subprocess.run(argv, env=env or cloud_env(), capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise CliError(args, p.returncode, p.stdout, p.stderr)
    if not check:
        return p
    if json_out:
        return json.loads(p.stdout) if p.stdout.strip() else None
    return p.stdout


def keystone_session(user="admin", password=None, project="admin"):
    from keystoneauth1 import session
    from keystoneauth1.identity import v3
    auth = v3.Password(
        auth_url=IRIS_URL + "/identity/v3",
        username=user,
        password=password if password is not None else ADMIN_PASSWORD,
        project_name=project,
        user_domain_name="Default",
        project_domain_name="Default",
    )
    return session.Session(auth=auth)


def glance(user="admin", password=None, project="admin"):
    """python-glanceclient as a library (the `glance` command fails at start on Debian's Python)."""
    from glanceclient import Client
    return Client("2", session=keystone_session(user, password, project))


def new_project_user(role="member"):
    """A new project and a user holding `role` on it, made with the admin CLI."""
    project = rand("proj")
    user = rand("user")
    password = "pw-" + secrets.token_hex(8)
    osc(["project", "create", "--domain", "default", project])
    osc(["user", "create", "--domain", "default", "--password", password, "--project", project, user])
    osc(["role", "add", "--project", project, "--user", user, role], json_out=False)
    return project, user, password
