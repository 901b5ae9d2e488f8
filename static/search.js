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
let pagefind = null;
let shown = 0;
let current = [];

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

async function run(query) {
  query = query.trim();
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!query) {
    list.replaceChildren();
    list.hidden = true;
    document.getElementById("more")?.remove();
    status.textContent = "";
    return;
  }
  status.textContent = words.loading;
  const search = await pagefind.debouncedSearch(query, {}, 200);
  if (search === null) return; // a newer query superseded this one
  current = search.results;
  shown = 0;
  list.replaceChildren();
  document.getElementById("more")?.remove();
  list.hidden = current.length === 0;
  const plural = new Intl.PluralRules(document.documentElement.lang).select(current.length);
  status.textContent = current.length === 0 ? say(words.none, query)
    : say(plural === "one" ? words.foundOne : words.foundOther, query, current.length);
  await more();
}

async function start() {
  status.textContent = "";
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    await pagefind.options({ baseUrl: root.pathname, excerptLength: 24 });
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
  const query = new URL(location.href).searchParams.get("q") || "";
  input.value = query;
  // No autofocus: the first Tab on every page reaches the skip link, this one included.
  if (query) await run(query);
}

start();
