"""The service manager's side of Type=notify, for one start of the program (scripts/ship/systemd.sh).

Run under a parent process named "systemd" (how Microsoft.Extensions.Hosting.Systemd recognises its manager):
    systemd notify.py <program> <data-dir> <url>
gives the program a NOTIFY_SOCKET, waits for READY=1 and checks that the server answers /health/ready by then, sends
SIGTERM and waits for STOPPING=1 and a clean exit. Exit 0 when all of that happened.
"""
import os
import socket
import subprocess
import sys
import urllib.request

program, data, url = sys.argv[1:4]
os.makedirs(data, exist_ok=True)
path = os.path.join(os.path.dirname(os.path.abspath(data)), "notify.sock")
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
sock.settimeout(60)
env = dict(os.environ, NOTIFY_SOCKET=path, LATCHKEY_DATA_DIR=data)
proc = subprocess.Popen([program, "serve", "--urls", url], cwd="/", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(state):
    seen = []
    while state not in seen:
        seen += sock.recv(4096).decode().split("\n")
    print(state, "received")


try:
    wait_for("READY=1")
    with urllib.request.urlopen(url + "/health/ready", timeout=10) as response:
        assert response.status == 200, response.status
        print("ready and serving:", response.read().decode())
    proc.terminate()
    wait_for("STOPPING=1")
    code = proc.wait(60)
    print("exit code", code)
    sys.exit(0 if code == 0 else 1)
finally:
    if proc.poll() is None:
        proc.kill()
