"""Start the production topology for a test: nginx (from deploy/nginx/jiaozuo.conf) in front of gunicorn.

Only ports and the /srv/jiaozuo paths are substituted; every directive the tests check is the one
an operator installs. nginx runs as the current user with its prefix, pid, logs and temporary
folders inside the test's own folder.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SITE = ROOT / "deploy" / "nginx" / "jiaozuo.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
GUNICORN = Path(sys.executable).parent / "gunicorn"
MIME_TYPES = "/etc/nginx/mime.types"
PRIVATE_PREFIX = "/protected/"


def database_url(db: dict, name: str | None = None) -> str:
    """A DATABASE_URL for a child process, from Django's settings_dict (the test database)."""
    from urllib.parse import quote

    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (f"postgres://{quote(db['USER'] or 'postgres', safe='')}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name or db['NAME']}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} did not open:\n{log.read_text(errors='replace')[-3000:]}")


def _substitute(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert old in text, f"deploy/nginx/jiaozuo.conf no longer contains {old!r}: update tests/deploy/stack.py"
        text = text.replace(old, new)
    return text


def site_for_test(folder: Path, *, http_port: int, https_port: int, upstream_port: int, static_root: Path,
                  media_root: Path, private_root: Path) -> str:
    text = SITE.read_text()
    # IPv6 listeners are dropped: the test binds 127.0.0.1 only.
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    return _substitute(text, [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server 127.0.0.1:8001", f"server 127.0.0.1:{upstream_port}"),
        ("/etc/ssl/jiaozuo/", f"{folder}/ssl/"),
        ("/var/www/letsencrypt", f"{folder}/acme"),
        ("/srv/jiaozuo/app/", f"{ROOT}/"),
        ("/srv/jiaozuo/static/", f"{static_root}/"),
        ("/srv/jiaozuo/media/", f"{media_root}/"),
        ("/srv/jiaozuo/private_media/", f"{private_root}/"),
    ])


def main_conf(folder: Path, site: Path) -> str:
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {folder}/temp/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 128; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/logs/access.log;
{temp}
    include {site};
}}
"""


def make_certificate(folder: Path) -> None:
    (folder / "ssl").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(folder / "ssl" / "privkey.pem"), "-out", str(folder / "ssl" / "fullchain.pem")],
        check=True, capture_output=True, timeout=60)


def collectstatic(env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


class Stack:
    """gunicorn + nginx; ``stop()`` ends both (by their own process ids)."""

    def __init__(self, folder: Path, env: dict[str, str], *, media_root: Path, private_root: Path):
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        for name in ("logs", "temp", "acme"):
            (folder / name).mkdir(exist_ok=True)
        make_certificate(folder)
        self.static_root = folder / "static"
        self.env = {**env, "STATIC_ROOT": str(self.static_root)}
        collectstatic(self.env)
        self.upstream_port, self.http_port, self.https_port = free_port(), free_port(), free_port()
        # nginx passes Host without the port ($host); a browser's Origin names the test's odd port.
        self.env["CSRF_TRUSTED_ORIGINS"] = f"https://127.0.0.1:{self.https_port}"
        self.gunicorn_log = folder / "logs" / "gunicorn.log"
        self.gunicorn_access = folder / "logs" / "gunicorn-access.log"
        with open(self.gunicorn_log, "wb") as log:
            self.processes.append(subprocess.Popen(
                [str(GUNICORN), "jiaozuo_union.wsgi", "-w", "1", "-b", f"127.0.0.1:{self.upstream_port}",
                 "--access-logfile", str(self.gunicorn_access), "--error-logfile", "-"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT))
        site = folder / "site.conf"
        site.write_text(site_for_test(folder, http_port=self.http_port, https_port=self.https_port,
                                      upstream_port=self.upstream_port, static_root=self.static_root,
                                      media_root=media_root, private_root=private_root))
        conf = folder / "nginx.conf"
        conf.write_text(main_conf(folder, site))
        command = [NGINX, "-p", f"{folder}/", "-c", str(conf), "-e", str(folder / "logs" / "error.log")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        nginx_log = folder / "logs" / "nginx-stdout.log"
        with open(nginx_log, "wb") as log:
            self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        try:
            wait_for_port(self.upstream_port, self.processes[0], self.gunicorn_log)
            wait_for_port(self.https_port, self.processes[1], nginx_log)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
