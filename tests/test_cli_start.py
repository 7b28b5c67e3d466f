"""`khumue up`/`serve` tell where to sign in, point mail links at where they listen, and `make run` takes a port."""
import subprocess

from khumue.cli import base_url_from
from web.config import REPO, from_env


def test_mail_links_follow_the_listening_address_with_a_warning_outside_demo(tmp_path):
    env = {"KHUMUE_VAR_DIR": str(tmp_path)}
    lines = base_url_from("127.0.0.1", 8080, demo=False, env=env)
    assert env["KHUMUE_BASE_URL"] == "http://127.0.0.1:8080"
    assert lines[0] == "khumue: http://127.0.0.1:8080/"
    assert lines[1].startswith("warning: KHUMUE_BASE_URL is not set") and "demo" not in lines[1]


def test_a_set_base_url_is_kept_and_demo_mode_lists_the_accounts(tmp_path):
    env = {"KHUMUE_BASE_URL": "https://khumue.example.go.th", "KHUMUE_VAR_DIR": str(tmp_path)}
    lines = base_url_from("0.0.0.0", 8080, demo=True, env=env)
    assert env["KHUMUE_BASE_URL"] == "https://khumue.example.go.th"
    assert not any(line.startswith("warning") for line in lines)
    assert "admin1" in lines[-1] and "supervisor1…supervisor8" in lines[-1] and "password: demo" in lines[-1]
    assert not (tmp_path / "base_url").exists()  # a set address is the one every process reads
    demo_default = {"KHUMUE_VAR_DIR": str(tmp_path)}
    assert len(base_url_from("127.0.0.1", 5000, demo=True, env=demo_default)) == 2  # no warning in demo
    assert demo_default["KHUMUE_BASE_URL"] == "http://127.0.0.1:5000"


def test_a_tick_run_apart_links_its_mail_to_where_the_server_listens(tmp_path):
    """`make run PORT=5057`, then `khumue tick` in another shell (KHUMUE_BASE_URL unset in both): the tick's
    reminders link to :5057 as the server's own mails do, not to the default :5000."""
    tick_env = {"KHUMUE_VAR_DIR": str(tmp_path), "KHUMUE_SECRET_KEY": "k"}
    assert from_env(tick_env)["BASE_URL"] == "http://127.0.0.1:5000"  # no server has run here yet
    base_url_from("127.0.0.1", 5057, demo=True, env={"KHUMUE_VAR_DIR": str(tmp_path)})
    assert from_env(tick_env)["BASE_URL"] == "http://127.0.0.1:5057"
    assert from_env({**tick_env, "KHUMUE_BASE_URL": "https://khumue.example.go.th"})["BASE_URL"] == \
        "https://khumue.example.go.th"  # the setting, when given, wins


def test_make_run_takes_port_and_host():
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "-o", "web/static/vendor/node_modules/.installed",
                          "run", "PORT=8081", "HOST=0.0.0.0"], cwd=REPO, capture_output=True, text=True, check=True)
    assert "khumue up --demo --host 0.0.0.0 --port 8081" in dry.stdout
