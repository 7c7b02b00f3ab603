"""The verdict cache: its key, its on-disk store, review() reusing verdicts, and `tfreview cache`."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from bench.workspaces import workspace_plan
from tests.ollama_double import OllamaDouble
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.cli import main
from tfreview.commands.cache import cache_group
from tfreview.errors import BackendUnavailable
from tfreview.pipeline.review import prepare, review
from tfreview.settings import Settings
from tfreview.workflows import cache_key as cache_key_module
from tfreview.workflows.cache import VerdictCache, default_dir, new_entry
from tfreview.workflows.cache_key import cache_key, workspace_free

SAFE = ModelReply(thinking="Only a tag changes.", content="Routine.\nVERDICT: LIKELY SAFE", duration_s=2.5)


def write_plan(tmp_path: Path, name: str, document: dict[str, Any]) -> Path:
    path = tmp_path / name / "plan.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(document))
    return path


def key_of(path: Path, settings: Settings | None = None, backend: str = "ollama") -> str:
    settings = settings or Settings()
    return cache_key(prepare(path, settings), settings, backend)


# --- the key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("aws_s3_bucket.logs", "aws_s3_bucket.logs"),
        ("aws_instance.web[3]", "aws_instance.web"),
        ('aws_subnet.private["eu-west-1a"]', "aws_subnet.private"),
        ('module.app_eu["x.y"].module.db[0].aws_db_instance.main', "aws_db_instance.main"),
        ("module.net.data.aws_vpc.main", "data.aws_vpc.main"),
        ('module.a.aws_iam_role.r["k[1]"]', "aws_iam_role.r"),
    ],
)
def test_workspace_free(address: str, expected: str) -> None:
    assert workspace_free(address) == expected


def test_same_change_set_in_two_workspaces_is_one_key(tmp_path: Path) -> None:
    first = write_plan(tmp_path, "a", workspace_plan("prod-eu", 3))
    second = write_plan(tmp_path, "b", workspace_plan("stage-us-west", 3))  # other module, keys, no-ops, secret
    assert key_of(first) == key_of(second)


def test_order_of_changes_does_not_matter(tmp_path: Path) -> None:
    document = workspace_plan("prod", 5)
    flipped = {**document, "resource_changes": list(reversed(document["resource_changes"]))}
    assert key_of(write_plan(tmp_path, "a", document)) == key_of(write_plan(tmp_path, "b", flipped))


def test_different_values_or_actions_are_different_keys(tmp_path: Path) -> None:
    base = key_of(write_plan(tmp_path, "a", workspace_plan("prod", 1)))
    assert base != key_of(write_plan(tmp_path, "b", workspace_plan("prod", 2)))  # another version
    deleted = workspace_plan("prod", 1)
    deleted["resource_changes"][0]["change"]["actions"] = ["delete"]
    assert base != key_of(write_plan(tmp_path, "c", deleted))


def test_unchanged_attributes_and_deleted_values_stay_out_of_the_key(tmp_path: Path) -> None:
    one, two = workspace_plan("prod", 1), workspace_plan("prod", 1)
    for side in ("before", "after"):
        two["resource_changes"][0]["change"][side]["ami"] = "ami-other"  # differs, but does not change
    assert key_of(write_plan(tmp_path, "a", one)) == key_of(write_plan(tmp_path, "b", two))
    dropped_one, dropped_two = workspace_plan("prod", 5), workspace_plan("prod", 5)
    dropped_two["resource_changes"][-1]["change"]["before"]["identifier"] = "billing"  # a delete's old value
    assert key_of(write_plan(tmp_path, "c", dropped_one)) == key_of(write_plan(tmp_path, "d", dropped_two))
    nested = workspace_plan("prod", 1)
    nested["resource_changes"][0]["change"]["after"]["tags"]["owner"] = "team-b"  # a new nested value
    assert key_of(write_plan(tmp_path, "e", nested)) != key_of(write_plan(tmp_path, "a", one))


@pytest.mark.parametrize(
    "change",
    [
        {"model": "deepseek-r1:14b"},
        {"num_ctx": 16384},
        {"temperature": 0.0},
    ],
)
def test_settings_that_shape_the_verdict_change_the_key(tmp_path: Path, change: dict[str, Any]) -> None:
    path = write_plan(tmp_path, "a", workspace_plan("prod", 1))
    assert key_of(path) != key_of(path, Settings(**change))


def test_backend_prompt_and_rules_versions_change_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_plan(tmp_path, "a", workspace_plan("prod", 1))
    keys = {key_of(path), key_of(path, backend="openai")}
    monkeypatch.setattr(cache_key_module, "template_version", lambda: "another")
    keys.add(key_of(path))
    monkeypatch.setattr(cache_key_module, "rules_version", lambda: "rules-v2")
    keys.add(key_of(path))
    assert len(keys) == 4


# --- the store -------------------------------------------------------------------------------


def test_put_then_get_and_secrets_are_masked_again(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path / "c")
    leaky = ModelReply(thinking="the password hunter2-secret leaks", content="VERDICT: LIKELY SAFE")
    key = "ab" * 32
    assert cache.put(key, new_entry("ollama", "m", leaky, 1.5), {"hunter2-secret"})
    entry = cache.get(key)
    assert entry is not None and entry.duration_s == 1.5 and entry.reply.content == "VERDICT: LIKELY SAFE"
    assert entry.reply.thinking == "the password (sensitive) leaks"
    assert b"hunter2" not in cache.path(key).read_bytes()
    assert [p.name for p in cache.path(key).parent.iterdir()] == [f"{key}.json"]  # no temporary left


def test_unreadable_entries_are_misses(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    key = "cd" * 32
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_text("{torn")
    assert cache.get(key) is None
    cache.path(key).write_text(json.dumps({"format": 99}))
    assert cache.get(key) is None


def test_concurrent_writers_leave_a_valid_entry(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    key = "ef" * 32

    def write(n: int) -> None:
        for _ in range(20):
            cache.put(key, new_entry("ollama", "m", SAFE.model_copy(update={"content": f"n{n}"}), n), set())

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entry = cache.get(key)
    assert entry is not None and entry.reply.content == f"n{int(entry.duration_s)}"
    assert sorted(p.name for p in cache.path(key).parent.iterdir()) == [f"{key}.json"]


def test_clear_and_info_touch_only_cache_files(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    for key in ("11" * 32, "22" * 32):
        cache.put(key, new_entry("ollama", "m", SAFE, 1), set())
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "11" / "other.json").write_text("{}")
    info = cache.info()
    assert (info.entries, info.size_bytes > 0) == (2, True)
    assert cache.clear() == 2
    assert (tmp_path / "notes.txt").exists() and (tmp_path / "11" / "other.json").exists()
    assert cache.info().entries == 0


def test_default_dir_is_the_private_test_cache(private_cache: Path) -> None:
    assert default_dir() == private_cache


# --- review() with the cache -----------------------------------------------------------------


def test_second_review_of_an_identical_change_set_is_served_from_cache(tmp_path: Path, private_cache: Path) -> None:
    fake = FakeBackend.always(SAFE)
    first = review(write_plan(tmp_path, "a", workspace_plan("prod", 1)), Settings(), fake)
    second = review(write_plan(tmp_path, "b", workspace_plan("dev", 1)), Settings(), fake)
    assert len(fake.prompts) == 1
    assert (first.model.cached, second.model.cached) == (False, True)
    assert second.label == first.label and second.reasoning == SAFE.thinking
    assert second.model.duration_s == 2.5  # the time the model originally took
    assert VerdictCache().info().entries == 1 and VerdictCache().directory == private_cache


def test_no_cache_asks_every_time(tmp_path: Path, private_cache: Path) -> None:
    fake = FakeBackend.always(SAFE)
    path = write_plan(tmp_path, "a", workspace_plan("prod", 1))
    for _ in range(2):
        assert not review(path, Settings(use_cache=False), fake).model.cached
    assert len(fake.prompts) == 2
    assert not private_cache.exists()


def test_failures_are_never_cached(tmp_path: Path) -> None:
    fake = FakeBackend(BackendUnavailable("down"), SAFE)
    path = write_plan(tmp_path, "a", workspace_plan("prod", 1))
    assert review(path, Settings(), fake).errors == ["down"]
    assert review(path, Settings(), fake).errors == []
    assert len(fake.prompts) == 2


def test_cli_review_shows_cached_verdicts(ollama: OllamaDouble, tmp_path: Path) -> None:
    args = ["review", "--host", ollama.url, "--cache-dir", str(tmp_path / "c"), "--format", "json"]
    runs = [CliRunner().invoke(main, [*args, str(write_plan(tmp_path, n, workspace_plan(n, 1)))]) for n in "ab"]
    assert [json.loads(r.stdout)["model"]["cached"] for r in runs] == [False, True]
    assert len(ollama.chat_bodies) == 1
    assert VerdictCache(tmp_path / "c").info().entries == 1


# --- tfreview cache ----------------------------------------------------------------------------


def test_cache_info_and_clear_commands(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    cache.put("33" * 32, new_entry("ollama", "m", SAFE, 1), set())
    info = CliRunner().invoke(cache_group, ["info", "--cache-dir", str(tmp_path)])
    assert info.exit_code == 0 and f"directory: {tmp_path}" in info.stdout and "entries:   1" in info.stdout
    cleared = CliRunner().invoke(cache_group, ["clear", "--cache-dir", str(tmp_path)])
    assert cleared.stdout == f"removed 1 cached verdict from {tmp_path}\n"


def test_cache_commands_default_to_the_user_cache_dir(private_cache: Path) -> None:
    result = CliRunner().invoke(cache_group, ["info"])
    assert f"directory: {private_cache}" in result.stdout and "entries:   0" in result.stdout
