"""How a query is read before it reaches the index (static/search-query.js, under Node), and
what the build publishes for it (the lexicon: the index's Chinese words and the names of each
thing). The browser tests run the whole query set (tests/search-queries.csv) on the real site."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from sitegen import lexicon

NODE = shutil.which("node")

HARNESS = """
import * as q from "./search-query.js";
const input = JSON.parse(await new Promise((done) => {
  let text = ""; process.stdin.on("data", (c) => (text += c)); process.stdin.on("end", () => done(text));
}));
const lex = q.prepare(input.lexicon);
const out = {
  parse: input.parse.map((t) => q.parse(t)),
  cuts: input.cuts.map((t) => q.segmentations(q.normalize(t), lex, input.segmenter ? Intl.Segmenter : null)),
  cutsWithout: input.cuts.map((t) => q.segmentations(q.normalize(t), lex, null)),
  variants: input.variants.map(([t, zh]) => q.variants(q.normalize(t), lex.groups, zh)),
};
process.stdout.write(JSON.stringify(out));
"""

LEXICON = {
    "words": ["显存", "带宽", "深度", "求索", "规格", "伟达", "显存带宽计算"],
    "groups": [[["memory bandwidth", "显存带宽"], ["gpu memory bandwidth", "内存带宽"]],
               [["jensen huang", "黄仁勋"], ["huang", "jensen"]],
               [["cac", "国家网信办"], ["cyberspace administration of china", "网信办"]]],
}


def node(payload: dict, tmp_path: Path) -> dict:
    shutil.copy(ROOT / "static" / "search-query.js", tmp_path / "search-query.js")
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "harness.js").write_text(HARNESS)
    run = subprocess.run([NODE, "harness.js"], input=json.dumps(payload), capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_chinese_is_cut_into_the_index_words_and_the_fallbacks_follow(tmp_path: Path) -> None:
    out = node({"lexicon": LEXICON, "parse": [], "variants": [], "segmenter": True,
                "cuts": ["显存带宽", "英伟达H20规格", "H20显存", "memory bandwidth", "深度求索"]}, tmp_path)
    cuts = out["cuts"]
    # First the cut into the index's own words, longest match (显存带宽 is not one of them,
    # 显存带宽计算 is longer than the text): then the browser's, as typed, single characters.
    assert cuts[0][0] == "显存 带宽"
    assert {"显存带宽", "显 存 带 宽"} <= set(cuts[0][1:])  # the browser's cut may be one of them
    assert cuts[1][0] == "英 伟达 h20 规格"  # Latin kept apart from the Chinese around it
    assert cuts[2][0] == "h20 显存"
    assert cuts[3] == ["memory bandwidth"]   # no Chinese: as typed
    assert cuts[4][0] == "深度 求索"
    # Without Intl.Segmenter (an older browser) the other cuts remain, in the same order.
    assert out["cutsWithout"][0] == ["显存 带宽", "显存带宽", "显 存 带 宽"]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_phrases_joining_words_and_other_names(tmp_path: Path) -> None:
    out = node({"lexicon": LEXICON, "cuts": ["h20 vs h100", "vs"], "segmenter": False,
                "parse": ['"window guidance" Beijing', "“窗口指导”", "「后门」 H20", "  Lutnick  "],
                "variants": [["内存带宽", True], ["Jensen Huang", True], ["黄仁勋", False],
                             ["cyberspace administration", False], ["nothing here", False]]}, tmp_path)
    assert out["parse"] == [{"phrases": ["window guidance"], "loose": "beijing"},
                            {"phrases": ["窗口指导"], "loose": ""},
                            {"phrases": ["后门"], "loose": "h20"},
                            {"phrases": [], "loose": "lutnick"}]
    # "vs" joins two things; alone it is the query.
    assert out["cuts"] == [["h20 h100"], ["vs"]]
    v = out["variants"]
    # Another name for a thing the site names: read again with the site's names, its own
    # script first; the site's name typed: the other language's, counting for less.
    assert v[0][0] == {"query": "显存带宽", "own": True}
    assert {"query": "memory bandwidth", "own": False} in v[0]
    assert v[1] == [{"query": "黄仁勋", "own": False}]
    assert v[2] == [{"query": "jensen huang", "own": False}]
    assert {"query": "cac", "own": True} in v[3]  # a name typed in part
    assert v[4] == []


def test_forms_are_what_readers_type() -> None:
    assert lexicon.forms("英伟达（NVIDIA）") == ["nvidia", "英伟达"]
    assert lexicon.forms("《人民日报》") == ["人民日报"]
    assert lexicon.forms("美国国会众议院“美中战略竞争特别委员会”") == ["美国国会众议院美中战略竞争特别委员会"]
    assert lexicon.forms("Ｈ２０  Memory") == ["h20 memory"]


def test_real_lexicons(real_site: Path) -> None:
    """The Chinese edition's words are the index's (as the indexer cut the pages), sorted, all
    Chinese; both editions carry every name group, the same in each."""
    zh = json.loads((real_site / "pagefind" / "lexicon-zh-hans.json").read_text(encoding="utf-8"))
    en = json.loads((real_site / "pagefind" / "lexicon-en.json").read_text(encoding="utf-8"))
    assert {"显存", "带宽", "深度", "求索", "规格"} <= set(zh["words"])
    assert zh["words"] == sorted(zh["words"]) and len(zh["words"]) > 1000
    assert all(len(w) >= 2 and all("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in w) for w in zh["words"])
    assert zh["groups"] == en["groups"]
    names = {tuple(g[0]) for g in zh["groups"]}
    assert ("jensen huang", "黄仁勋") in names and ("memory bandwidth", "显存带宽") in names
    # Pagefind's worker is not published: the page searches on its main thread.
    assert not (real_site / "pagefind" / "pagefind-worker.js").exists()
