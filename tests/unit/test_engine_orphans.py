"""tools/engine's `engine stop` ends the dnsmasq a killed engine left on its network.

The CNI dnsname plugin's dnsmasq outlives an engine killed with SIGKILL and would keep the
next engine from starting. Stand-in processes carry dnsmasq's command line (only the
command line is matched); nothing of the machine's own engine is touched: the network
names are made up for the test and every directory is a temporary one.
"""

import subprocess
import sys
import uuid
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "tools" / "engine" / "engine"


def _fake_dnsmasq(network: str) -> subprocess.Popen[bytes]:
    conf = f"--conf-file=/var/run/containers/cni/dnsname/{network}/dnsmasq.conf"
    sleeper = "import time; time.sleep(120)"
    return subprocess.Popen([sys.executable, "-c", sleeper, "--keep-in-foreground", conf])


def test_engine_stop_ends_its_networks_dnsmasq_and_no_other(tmp_path: Path) -> None:
    ours, theirs = f"t{uuid.uuid4().hex[:8]}", f"t{uuid.uuid4().hex[:8]}"
    orphan, bystander = _fake_dnsmasq(ours), _fake_dnsmasq(theirs)
    try:
        env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "ENGINE_NETWORK_NAME": ours,
            **{d: str(tmp_path / d) for d in ("CACHE_DIR", "STATE_DIR", "RUN_DIR")},
        }
        done = subprocess.run([ENGINE, "stop"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        orphan.wait(timeout=10)  # raises TimeoutExpired while it still runs
        assert f"left on its network {ours}" in done.stderr
        assert bystander.poll() is None, "a dnsmasq of another network was stopped"
    finally:
        for p in (orphan, bystander):
            p.kill()
            p.wait()
