"""``biolite link``: build a linker folder (``link build``) and give the mentions of
PubTator / BioC / JSONL files their concept ids (``link --linker DIR --input ...``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from biolite.cli.options import FORMATTER, add_field
from biolite.link.config import LinkBuildConfig, LinkSettings

_BUILD_FIELDS = ("vocab", "lexicon", "vocab_format", "id_style", "types", "encoder")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "link",
        help="concept ids for mentions: build a linker, link the mentions of files",
        description="Give the mentions already in PubTator, BioC or JSONL files their concept "
        "ids with a linker folder (spans kept, existing ids replaced; one output file per "
        "input). `biolite link build` makes the folder from vocabularies and annotated "
        "corpora, offline.",
        formatter_class=FORMATTER,
    )
    p.add_argument("--linker", type=Path, help="linker folder (biolite link build)")
    p.add_argument("--input", nargs="+", metavar="PATH", help="files, folders or globs")
    p.add_argument("--output", type=Path, help="output folder (one file per input)")
    p.add_argument(
        "--format",
        default=None,
        help="output format (default: the input's): pubtator, bioc-xml, bioc-json, jsonl",
    )
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    _settings_options(p)
    p.set_defaults(func=run_link)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    build = actions.add_parser(
        "build",
        help="build a linker folder from vocabularies and annotated corpora",
        description="Read vocabularies (MeSH descriptor and supplementary XML, CTD "
        "diseases/chemicals TSV, OBO, plain TSV) and annotated PubTator corpora, and write "
        "a linker folder: per entity type the ids, names, normalized lookup tables and an "
        "n-gram index, with biolite-linker.json (sources, counts, sha256 of every file). "
        "Nothing is written if the build fails.",
        formatter_class=FORMATTER,
    )
    for field in _BUILD_FIELDS:
        add_field(build, LinkBuildConfig, field)
    build.add_argument(
        "--type-map",
        default=None,
        metavar="VOCAB=LABEL,...",
        help=LinkBuildConfig.model_fields["type_map"].description,
    )
    build.add_argument("--out", required=True, type=Path, help="linker folder to write")
    build.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    build.add_argument("--json", action="store_true", help="print the manifest as JSON")
    _settings_options(build)
    build.set_defaults(func=run_build)


def _settings_options(p: argparse.ArgumentParser) -> None:
    add_field(p, LinkSettings, "steps", default=None, action="extend", nargs="+")
    add_field(p, LinkSettings, "threshold", default=None)
    add_field(p, LinkSettings, "learned_threshold", default=None)


def settings_given(args: argparse.Namespace) -> dict:
    """The ``LinkSettings`` fields given on the command line."""
    return {
        k: getattr(args, k) for k in LinkSettings.model_fields if getattr(args, k, None) is not None
    }


def run_build(args: argparse.Namespace) -> int:
    import json

    from biolite.evaluation.documents import parse_type_map
    from biolite.link import build_linker

    config = LinkBuildConfig(
        **{field: getattr(args, field) for field in _BUILD_FIELDS if getattr(args, field)},
        type_map=parse_type_map(args.type_map),
        out=args.out,
        overwrite=args.overwrite,
        settings=LinkSettings(**settings_given(args)),
    )
    manifest = build_linker(config, progress=not args.json)
    if args.json:
        print(json.dumps({k: v for k, v in manifest.items() if k != "files"}, indent=2))
        return 0
    print(f"built {config.out} in {manifest['seconds']}s")
    for kind, counts in manifest["types"].items():
        print(
            f"  {kind:<16}{counts['concepts']:>9,} concepts {counts['names']:>10,} names "
            f"{counts['keys_with_several_ids']:>7,} keys naming several concepts"
        )
    report = manifest["report"]
    print(
        f"  skipped: {report['empty_names_skipped']:,} empty names; "
        f"{report['duplicate_names']:,} duplicate names merged"
    )
    return 0


def run_link(args: argparse.Namespace) -> int:
    from biolite.errors import ConfigError
    from biolite.link import Linker
    from biolite.link.files import link_files

    if args.linker is None or not args.input or args.output is None:
        raise ConfigError("biolite link needs --linker DIR --input FILE... --output DIR")
    linker = Linker(args.linker, **settings_given(args))
    for result in link_files(linker, args.input, args.output, args.format, args.overwrite):
        print(
            f"{result.input} -> {result.output}: {result.documents} documents, "
            f"{result.linked}/{result.mentions} mentions linked",
            file=sys.stderr,
        )
    return 0
