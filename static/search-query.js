// What a reader typed, turned into the queries the index can answer. Pure functions, no DOM:
// static/search.js runs them on the search page, tests run them under Node.
//
// Why: Pagefind's indexer cuts Chinese text into words at build time (jieba), and a query word
// must begin an indexed word. A query typed without spaces (显存带宽) is one long word to it,
// and the browser's own segmenter (Intl.Segmenter) cuts differently from the indexer (Chromium
// gives 带 + 宽 where the index has 带宽). So Chinese is cut here into the index's own words
// (sitegen/search.py publishes them), by longest match; the browser's segmenter, the text as
// typed and single characters are the fallbacks, tried in that order when a cut finds nothing.

const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
const HAN_RUN = new RegExp(`[${HAN}]+`, "gu");
const HAS_HAN = new RegExp(`[${HAN}]`, "u");
// Quotation marks a reader may put around a phrase: "…", “…” and 「…」.
const PHRASE = /"([^"]+)"|“([^”]+)”|「([^」]+)」/gu;

export function normalize(text) {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

// Words that join the things a reader asks about without naming one ("H20 vs H100", H20和H100):
// looked for, a page would need them as well, and "vs" is in the title of an unrelated page.
// The comparison they ask for is found by name (data/terms.csv lists them under specifications).
const JOINING = new Set(["vs", "vs.", "versus", "and", "or", "和", "与", "及", "跟", "同"]);

// The phrases in quotation marks, and the rest of the query.
export function parse(query) {
  const phrases = [];
  const loose = normalize(query.replace(PHRASE, (_, a, b, c) => {
    const phrase = normalize(a || b || c);
    if (phrase) phrases.push(phrase);
    return " ";
  }));
  return { phrases, loose };
}

// A cut of the query without its joining words, unless nothing else is left.
function unjoined(way) {
  const kept = way.split(" ").filter((w) => !JOINING.has(w));
  return kept.length ? kept.join(" ") : way;
}

// Cut one run of Chinese characters into words of the set, longest first, from the left
// (forward) or from the right (backward); a character no word covers stands alone.
function cut(run, words, longest, backward) {
  const out = [];
  let i = backward ? run.length : 0;
  while (backward ? i > 0 : i < run.length) {
    let size = Math.min(longest, backward ? i : run.length - i);
    for (; size > 1; size--) {
      const piece = backward ? run.slice(i - size, i) : run.slice(i, i + size);
      if (words.has(piece)) break;
    }
    const piece = backward ? run.slice(i - size, i) : run.slice(i, i + size);
    if (backward) { out.unshift(piece); i -= size; } else { out.push(piece); i += size; }
  }
  return out;
}

// The classic choice between the two directions: fewer words, then fewer lone characters,
// then the backward cut (which errs less in Chinese).
function best(run, words, longest) {
  const forward = cut(run, words, longest, false);
  const backward = cut(run, words, longest, true);
  const singles = (parts) => parts.filter((p) => p.length === 1).length;
  if (forward.length !== backward.length) return forward.length < backward.length ? forward : backward;
  return singles(forward) < singles(backward) ? forward : backward;
}

// Ways to cut the Chinese in a text into words, best first; text without Chinese is kept as
// typed. Each way is the whole text with spaces between its words.
export function segmentations(text, lexicon, Segmenter) {
  if (!HAS_HAN.test(text)) return [unjoined(text)];
  const ways = [];
  const add = (way) => {
    way = unjoined(way.replace(/\s+/gu, " ").trim());
    if (way && !ways.includes(way)) ways.push(way);
  };
  // Latin and digits stay apart from the Chinese next to them: H20显存 -> h20 显存.
  const spaced = (parts) => text.replace(HAN_RUN, (run) => " " + parts(run).join(" ") + " ");
  if (lexicon.words.size) add(spaced((run) => best(run, lexicon.words, lexicon.longest)));
  if (Segmenter) {
    const segmenter = new Segmenter("zh", { granularity: "word" });
    add(spaced((run) => Array.from(segmenter.segment(run), (s) => s.segment)));
  }
  add(spaced((run) => [run]));
  add(spaced((run) => Array.from(run)));
  return ways;
}

// The lexicon as published (pagefind/lexicon-LANG.json), ready for look-ups.
export function prepare(published) {
  const words = new Set(published.words || []);
  let longest = 1;
  for (const w of words) longest = Math.max(longest, w.length);
  const groups = (published.groups || []).map(([names, others]) => ({ names: names.map(normalize), others: others.map(normalize) }));
  return { words, longest, groups };
}

// Where a form occurs in a query: anywhere for Chinese, as whole words for the rest.
function find(query, form) {
  if (HAS_HAN.test(form)) return query.indexOf(form);
  const match = new RegExp(`(^|[^\\p{L}\\p{N}])${form.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")}(?=$|[^\\p{L}\\p{N}])`, "u").exec(query);
  return match ? match.index + match[1].length : -1;
}

// The same query in the site's own names for what it names (glossary entries and
// data/terms.csv): "jensen huang" also as 黄仁勋, 内存带宽 also as 显存带宽, "lutnick" also as
// "howard lutnick" and 卢特尼克. The longest name found in the query is the one replaced; names in
// the edition's own script come first, at most `limit` readings.
export function variants(query, groups, chinese, limit = 4) {
  let found = null;
  for (const group of groups) {
    for (const form of [...group.names, ...group.others]) {
      if (form.length < 2 || (found && form.length <= found.form.length)) continue;
      const at = find(query, form);
      if (at >= 0) found = { group, form, at };
      // A name typed in part, as readers do: "cyberspace administration" (of China).
      else if (query.length > 8 && form.startsWith(query + " ")) found = { group, form: query, at: 0 };
    }
  }
  if (!found) return [];
  const mine = (form) => HAS_HAN.test(form) === chinese;
  const names = found.group.names.filter((f) => f !== found.form)
    .sort((a, b) => Number(mine(b)) - Number(mine(a)) || b.length - a.length);
  // The site's own name for what the reader called otherwise is as good as the reader's words;
  // the same name in the other language (a reader who typed the site's name) counts for less.
  const own = !found.group.names.includes(found.form);
  return names.slice(0, limit).map((name) => ({
    query: normalize(query.slice(0, found.at) + ` ${name} ` + query.slice(found.at + found.form.length)),
    own: own && mine(name),
  }));
}
