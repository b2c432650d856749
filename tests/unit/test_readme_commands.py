"""The README command collector: what the CLI tier runs is every command the READMEs show."""

from pathlib import Path

from tests.support.readme import commands_in, dagger_commands, expected_commands

DOCUMENT = """\
# A README

Run `dagger call inline` (prose: not collected).

```sh
dagger call test                 # the comment is not part of it
tools/engine/up && dagger call not-first
```

1. In a list item, the block is indented:

   ```sh
   dagger call -i backend-test
   dagger call publish --registry=r \\
       --git-ref=refs/heads/main   # two lines, one command
   ```

```shell
  dagger call build
```

```console
$ dagger call deploy --env=staging
dagger call in-console
```

```text
dagger call in-text
```
"""


def test_commands_are_collected_indented_continued_and_without_comments(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(DOCUMENT)
    found = [(c.line, c.text) for c in commands_in(readme)]
    assert found == [
        (6, "dagger call test"),
        (13, "dagger call -i backend-test"),
        (14, "dagger call publish --registry=r --git-ref=refs/heads/main"),
        (19, "dagger call build"),
    ]


def test_the_readmes_show_exactly_the_committed_commands() -> None:
    collected = [command.listed() for command in dagger_commands()]
    assert collected == expected_commands(), (
        "The READMEs' dagger commands changed: update tests/support/readme_commands.txt "
        "with them (the CLI tier runs each), or put them back.\n" + "\n".join(collected)
    )
