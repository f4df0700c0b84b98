"""Reading a job's settings back from the text the JSON / YAML view shows: one parser for both
formats, errors at their line and column, every corpus job read back as written, and hostile
text refused quickly with a clear message."""

from __future__ import annotations

import time

import pytest

from loom_jobs_widget.core.bundles import export_job, import_job
from loom_jobs_widget.core.documents import (
    MAX_DOCUMENT_CHARS,
    DocumentError,
    Format,
    parse_document,
    settings_text,
)
from tests.corpus import corpus_files, corpus_settings


@pytest.mark.parametrize("text_format", ["json", "yaml"])
def test_every_corpus_job_reads_back_as_written(text_format: Format) -> None:
    for name in corpus_files():
        settings = corpus_settings(name)
        assert parse_document(settings_text(settings, text_format), text_format) == settings, name


def test_every_corpus_job_reads_back_from_its_bundle_form() -> None:
    for name in corpus_files():
        settings = corpus_settings(name)
        imported = import_job(export_job(settings))
        without_server_fields = {
            k: v for k, v in settings.items() if k not in ("deployment", "edit_mode")
        }
        assert imported.settings == without_server_fields, name


@pytest.mark.parametrize(
    ("text", "text_format", "line", "column", "words"),
    [
        ('{\n  "name": "x",\n  "tasks": [\n    {"task_key": "a"\n  ]\n}', "json", 5, 3,
         "Expecting ',' delimiter"),
        ('{\n  "name": "x",\n}', "json", 3, 1, "Expecting property name"),
        ("name: x\ntasks:\n  - task_key: a\n   b: 1\n", "yaml", 4, 4, "expected <block end>"),
        ("name: [x\n", "yaml", 2, 1, "expected ',' or ']'"),
    ],
)  # fmt: skip
def test_a_parse_error_names_its_line_column_and_what_was_expected(
    text: str, text_format: Format, line: int, column: int, words: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, text_format)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert f"line {line}, column {column}" in caught.value.message
    assert words in caught.value.message


def test_yaml_reads_as_the_bundle_cli_does() -> None:
    # The Databricks CLI reads YAML with Go's yaml.v3 (YAML 1.2): `on` and `yes` are strings.
    document = parse_document("a: yes\nb: on\nc: true\nd: 2024-01-01\ne: 1.5\nf: ~\n", "yaml")
    assert document == {"a": "yes", "b": "on", "c": True, "d": "2024-01-01", "e": 1.5, "f": None}


def test_anchors_and_aliases_of_a_bundle_are_read() -> None:
    text = (
        "base: &c {spark_version: '15.4'}\n"
        "job_clusters:\n  - job_cluster_key: a\n    new_cluster: *c\n"
    )
    document = parse_document(text, "yaml")
    assert document["job_clusters"][0]["new_cluster"] == {"spark_version": "15.4"}


_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "text_format", "words"),
    [
        (_BOMB, "yaml", "aliases expand to more than"),
        ("a: !!python/object/apply:os.system ['echo owned']\n", "yaml", "not plain data"),
        ("a: !!python/name:os.system\n", "yaml", "not plain data"),
        ("a: !!binary aGVsbG8=\n", "yaml", "not JSON data"),
        ("[" * 200_000, "yaml", "nests deeper than 100 levels"),
        ("[" * 200_000, "json", "nests deeper than 100 levels"),
        ("a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200)), "yaml", "nests deeper"),
        ("x" * (MAX_DOCUMENT_CHARS + 1), "json", "too long"),
        ('{"timeout_seconds": NaN}', "json", "not a JSON number"),
        ("timeout_seconds: .inf\n", "yaml", "not a JSON number"),
        ("1: a\n", "yaml", "not a string"),
        ("   \n", "yaml", "empty"),
    ],
)
def test_hostile_text_is_refused_quickly_with_a_clear_message(
    text: str, text_format: Format, words: str
) -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match=words):
        parse_document(text, text_format)
    # Bounded: a refusal never waits on the text's size (the limits are checked as it is read).
    assert time.monotonic() - started < 10


def test_the_format_is_guessed_when_not_given() -> None:
    assert parse_document('{"name": "x"}') == {"name": "x"}
    assert parse_document("name: x\n") == {"name": "x"}
