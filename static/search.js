// The search page. Pagefind's code and index (pagefind/, written by the build) load only here,
// when the page opens; each edition searches its own pages (Pagefind keeps one index per
// <html lang>). Results are built with DOM methods: the only markup taken from the index is
// Pagefind's <mark> around the words found. Every word shown comes from the page's data-*.

const status = document.querySelector("[data-search]");
const list = document.getElementById("results");
const input = document.getElementById("q");
const form = input.form;
const words = status.dataset;
const PAGE = 10; // results shown at once; "show more" adds as many again

// The site's root as an absolute path, from the relative link the build wrote: the same
// build works at its base path, on a mirror at any other path, and at a server's root.
const root = new URL(words.root, location.href);
const advice = document.getElementById("search-advice");
let pagefind = null;
let reader = null; // static/search-query.js: how a query is read
let lexicon = null;
let shown = 0;
let current = [];

// What a page found only by another name for the query's subject counts for, against a page
// found by the reader's own words. Tuned with the page weights in the templates
// (data-pagefind-weight) on the query set in tests/search-queries.csv; Pagefind's own ranking
// options are left at their defaults, which did best on that set.
const OTHER_NAMES = 0.6;

// Pagefind cuts a Chinese query with the browser's word segmenter before it looks words up.
// The query reaching it is already cut into the index's own words, with spaces between them,
// so here a "word" segmenter keeps those words whole. Only this page loads Pagefind.
const NativeSegmenter = typeof Intl.Segmenter === "function" ? Intl.Segmenter : null;
if (NativeSegmenter) {
  Intl.Segmenter = function Segmenter(locale, options) {
    if (options?.granularity !== "word") return new NativeSegmenter(locale, options);
    return { segment: (text) => text.split(/(\s+)/u).filter(Boolean).map((segment) => ({ segment, isWordLike: !/^\s/u.test(segment) })) };
  };
}

function say(template, query, n) {
  return template.replace("{q}", query).replace("{n}", n === undefined ? "" : n.toLocaleString(document.documentElement.lang));
}

// An excerpt as text, with Pagefind's <mark> elements kept and nothing else.
function excerpt(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html;
  const out = document.createElement("span");
  for (const node of holder.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

// The item a passage belongs to (a claim, event, specification row, term or source) when one
// begins between the passage's heading and its first matching word: a deeper link than the
// heading's. Pagefind reports every element with an id, and where it starts, as anchors.
const ITEM = /^(claim|event|row|term|src|disagree)-/;
function target(result, sub) {
  const first = Math.min(...sub.locations);
  const hash = new URL(sub.url, location.href).hash.slice(1);
  const start = result.anchors.find((a) => a.id === hash)?.location ?? 0;
  const inside = result.anchors.filter((a) => ITEM.test(a.id) && a.location >= start && a.location <= first);
  return inside.length ? result.url + "#" + inside[inside.length - 1].id : sub.url;
}

function item(result) {
  const li = document.createElement("li");
  const title = document.createElement("a");
  title.href = result.url;
  title.className = "result-title";
  title.textContent = result.meta.title;
  const p = document.createElement("p");
  p.append(excerpt(result.excerpt));
  li.append(title, p);
  // The sections that matched, each linked to its heading's anchor.
  const subs = (result.sub_results || []).filter((s) => s.url !== result.url).slice(0, 3);
  if (subs.length) {
    const ul = document.createElement("ul");
    for (const s of subs) {
      const sub = document.createElement("li");
      const a = document.createElement("a");
      a.href = target(result, s);
      a.textContent = s.title;
      sub.append(a, " ", excerpt(s.excerpt));
      ul.append(sub);
    }
    li.append(ul);
  }
  return li;
}

async function more() {
  const next = current.slice(shown, shown + PAGE);
  const data = await Promise.all(next.map((r) => r.data()));
  for (const d of data) list.append(item(d));
  shown += next.length;
  document.getElementById("more")?.remove();
  if (shown < current.length) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = "more";
    button.textContent = words.pagination;
    button.addEventListener("click", more);
    list.after(button);
  }
}

// The results for one cut of the query: a quoted phrase must occur as written (Pagefind's
// exact search), the loose words each somewhere on the page; a page must hold all of them.
async function lookup(phrases, loose) {
  const parts = [...phrases.map((p) => `"${p}"`), ...(loose ? [loose] : [])];
  let pages = null;
  for (const part of parts) {
    const found = new Map((await pagefind.search(part)).results.map((r) => [r.id, r]));
    if (pages === null) pages = found;
    else {
      for (const [id, r] of pages) {
        if (found.has(id)) r.score += found.get(id).score;
        else pages.delete(id);
      }
    }
  }
  return pages ?? new Map();
}

// Every way to read the query, best first (see search-query.js): the first cut of the Chinese
// that finds anything, then the same query in the other names of what it names; a page found
// by several keeps its best score.
async function find(text) {
  const { phrases, loose } = reader.parse(text);
  const chinese = document.documentElement.lang.startsWith("zh");
  const cuts = (part) => reader.segmentations(part, lexicon, NativeSegmenter);
  const others = reader.variants(loose, lexicon.groups, chinese);
  // A reader who typed another name for a thing the site names (内存带宽 for 显存带宽) is best
  // served by the site's name: the words as typed count for less then.
  const typed = others.some((v) => v.own) ? OTHER_NAMES : 1;
  const readings = [[loose, typed], ...others.map((v) => [v.query, v.own ? 1 : OTHER_NAMES])];
  const phraseCuts = phrases.map((p) => cuts(p)[0]);
  const best = new Map();
  for (const [i, [words, weight]] of readings.entries()) {
    for (const way of words ? cuts(words) : [""]) {
      const found = await lookup(phraseCuts, way);
      for (const [id, r] of found) {
        r.score *= weight;
        if (!best.has(id) || best.get(id).score < r.score) best.set(id, r);
      }
      if (found.size || i > 0) break; // fallbacks only for what the reader typed
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

let latest = 0;
async function run(text) {
  text = text.trim();
  const url = new URL(location.href);
  if (text) url.searchParams.set("q", text);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  const mine = ++latest;
  if (!text) {
    list.replaceChildren();
    list.hidden = true;
    document.getElementById("more")?.remove();
    status.textContent = "";
    advice.hidden = true;
    list.removeAttribute("aria-busy");
    return;
  }
  status.textContent = words.loading;
  list.setAttribute("aria-busy", "true");
  await new Promise((done) => setTimeout(done, 150)); // typing on: wait for the last key
  if (mine !== latest) return;
  const results = await find(text);
  if (mine !== latest) return; // a newer query superseded this one
  current = results;
  shown = 0;
  list.replaceChildren();
  document.getElementById("more")?.remove();
  list.hidden = current.length === 0;
  const plural = new Intl.PluralRules(document.documentElement.lang).select(current.length);
  status.textContent = current.length === 0 ? say(words.none, text)
    : say(plural === "one" ? words.foundOne : words.foundOther, text, current.length);
  // No dead end: where nothing matches, the glossary and the other edition's search.
  advice.hidden = current.length > 0;
  for (const a of advice.querySelectorAll("a[data-with-query]")) {
    const target = new URL(a.getAttribute("href"), location.href);
    target.searchParams.set("q", text);
    a.href = target.href;
  }
  await more();
  list.removeAttribute("aria-busy");
}

async function start() {
  status.textContent = "";
  try {
    [pagefind, reader, lexicon] = await Promise.all([
      import(new URL("pagefind/pagefind.js", root).href),
      import(new URL(words.query, location.href).href),
      fetch(new URL(`pagefind/lexicon-${document.documentElement.lang.toLowerCase()}.json`, root))
        .then((r) => (r.ok ? r.json() : {})).catch(() => ({})),
    ]);
    lexicon = reader.prepare(lexicon);
    // On the main thread, not in Pagefind's worker: there Intl.Segmenter would cut the query
    // again by the browser's dictionary, undoing the cut made here (see search-query.js).
    await pagefind.options({ baseUrl: root.pathname, excerptLength: 24, noWorker: true });
    await pagefind.init();
  } catch (error) {
    status.textContent = words.failed;
    return;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(input.value);
  });
  input.addEventListener("input", () => run(input.value));
  // What the reader typed while the search was loading wins over the address's ?q=.
  const asked = input.value.trim() || new URL(location.href).searchParams.get("q") || "";
  input.value = asked;
  // No autofocus: the first Tab on every page reaches the skip link, this one included.
  if (asked) await run(asked);
}

start();
