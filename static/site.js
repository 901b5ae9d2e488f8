// What every page adds when JavaScript runs; without it, every link works as before.
// - Previews: a citation marker or a glossary term shows, on hover or keyboard focus, what the
//   page already holds about it (the reference entry, the definition at the page's foot).
// - Contents in the margin (wide screens, by CSS): the section being read is marked.
// - Cite this page: buttons that copy the reference, BibTeX or CSL-JSON with today's date.
// Every word shown comes from the page itself, or, for a citation, from the page's companion
// of passages (quotes.html beside it), fetched once when a citation is first previewed.

const preview = document.createElement("div");
preview.className = "preview";
preview.id = "preview";
preview.setAttribute("role", "tooltip");
preview.hidden = true;
let owner = null;
let timer = 0;

// The content of a preview: a copy of the page's own entry, its ids removed, its links kept
// only where they lead somewhere the trigger does not (the glossary from a definition).
function content(trigger) {
  const href = trigger.getAttribute("href") || "";
  let parts = [];
  if (trigger.closest("sup.cite") && href.startsWith("#ref-")) {
    const entry = document.getElementById(href.slice(1));
    if (entry) {
      const copy = entry.cloneNode(true);
      copy.querySelector(".back")?.remove();
      parts = [...copy.childNodes];
    }
  } else if (trigger.classList.contains("term")) {
    const id = href.slice(href.indexOf("#term-") + 6);
    const dt = document.getElementById("def-" + id);
    if (dt) {
      const term = dt.cloneNode(true);
      const strong = document.createElement("strong");
      strong.append(...term.childNodes);
      parts = [strong, " ", ...dt.nextElementSibling.cloneNode(true).childNodes];
    }
  }
  if (!parts.length) return null;
  const box = document.createElement("div");
  box.append(...parts);
  for (const el of box.querySelectorAll("[id]")) el.removeAttribute("id");
  // Inside a tooltip nothing is focusable: the trigger itself is the way to the full entry.
  for (const a of box.querySelectorAll("a")) a.tabIndex = -1;
  return box;
}

function place(trigger) {
  const margin = 8;
  const rect = trigger.getBoundingClientRect();
  const width = Math.min(352, document.documentElement.clientWidth - 2 * margin);
  preview.style.width = width + "px";
  const left = Math.min(Math.max(rect.left, margin), document.documentElement.clientWidth - width - margin);
  preview.style.left = left + scrollX + "px";
  preview.style.top = rect.bottom + scrollY + 6 + "px";
  const box = preview.getBoundingClientRect();
  // Above the trigger when there is no room below it and there is room above.
  if (box.bottom > innerHeight - margin && rect.top - box.height - 6 > margin) {
    preview.style.top = rect.top + scrollY - box.height - 6 + "px";
  }
}

// What the source says: the passages the companion gives for reference n, at most two, and a
// link to the rest. The companion is one page, or parts whose links read "1–20", "21–45".
const companions = new Map();
async function passages(n) {
  const links = [...document.querySelectorAll(".to-passages a")];
  let at = links.length === 1 ? links[0].href : null;
  for (const a of links.slice(1)) {
    const [first, last] = a.textContent.split("–").map(Number);
    if (n >= first && n <= last) at = a.href;
  }
  if (!at) return null;
  if (!companions.has(at)) {
    companions.set(at, fetch(at).then((r) => (r.ok ? r.text() : "")).then(
      (text) => new DOMParser().parseFromString(text, "text/html"), () => null));
  }
  const doc = await companions.get(at);
  const entry = doc?.getElementById("q-ref-" + n);
  if (!entry) return null;
  const found = [...entry.querySelectorAll(".passage")];
  const box = document.createElement("div");
  box.className = "passages";
  box.append(...found.slice(0, 2).map((p) => document.importNode(p, true)));
  if (found.length > 2) {
    const more = document.createElement("p");
    const a = document.createElement("a");
    a.href = at + "#q-ref-" + n;
    a.textContent = entry.closest("[data-more]")?.dataset.more.replace("%n", found.length) || "…";
    more.append(a);
    box.append(more);
  }
  return box;
}

function show(trigger) {
  clearTimeout(timer);
  if (owner === trigger && !preview.hidden) return;
  const box = content(trigger);
  if (!box) return;
  hide();
  preview.replaceChildren(box);
  preview.lang = trigger.closest("[lang]").lang;
  preview.hidden = false;
  owner = trigger;
  trigger.setAttribute("aria-describedby", "preview");
  place(trigger);
  const href = trigger.getAttribute("href") || "";
  if (trigger.closest("sup.cite") && href.startsWith("#ref-")) {
    passages(Number(href.slice(5))).then((more) => {
      if (!more || owner !== trigger) return;
      for (const el of more.querySelectorAll("[id]")) el.removeAttribute("id");
      for (const a of more.querySelectorAll("a")) a.tabIndex = -1;
      box.append(more);
      place(trigger);
    });
  }
}

function hide() {
  clearTimeout(timer);
  if (owner) owner.removeAttribute("aria-describedby");
  owner = null;
  preview.hidden = true;
}

function later(fn, ms) {
  clearTimeout(timer);
  timer = setTimeout(fn, ms);
}

const triggers = 'sup.cite a[href^="#ref-"], a.term';
document.body.append(preview);
document.addEventListener("mouseover", (event) => {
  const trigger = event.target.closest?.(triggers);
  if (trigger) later(() => show(trigger), 150);
  else if (preview.contains(event.target)) clearTimeout(timer);
});
document.addEventListener("mouseout", (event) => {
  if (event.target.closest?.(triggers) || preview.contains(event.target)) later(hide, 250);
});
document.addEventListener("focusin", (event) => {
  const trigger = event.target.closest?.(triggers);
  if (trigger) show(trigger);
  else hide();
});
document.addEventListener("focusout", (event) => {
  if (event.target === owner) hide();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !preview.hidden) hide();
});
addEventListener("resize", () => owner && place(owner));

// The margin contents: mark the section whose heading was passed last.
const toc = document.querySelector(".toc");
if (toc) {
  const links = [...toc.querySelectorAll('a[href^="#"]')];
  const headings = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))));
  let ticking = false;
  const mark = () => {
    ticking = false;
    let active = -1;
    headings.forEach((h, i) => {
      if (h && h.getBoundingClientRect().top < 120) active = i;
    });
    links.forEach((a, i) => (i === active ? a.setAttribute("aria-current", "location") : a.removeAttribute("aria-current")));
  };
  addEventListener("scroll", () => {
    if (!ticking) requestAnimationFrame(mark);
    ticking = true;
  }, { passive: true });
  mark();
}

// Cite this page: copy buttons, where the browser lets a page write to the clipboard.
const cite = document.querySelector(".cite-page");
if (cite && navigator.clipboard) {
  const words = cite.dataset;
  const today = new Date();
  const iso = [today.getFullYear(), today.getMonth() + 1, today.getDate()]
    .map((n, i) => String(n).padStart(i ? 2 : 4, "0")).join("-");
  const texts = {
    reference: async () => document.getElementById("citation").textContent
      .replace(document.getElementById("citation").dataset.accessed, iso),
    bibtex: async (href) => (await (await fetch(href)).text()).replace(/\n}\n$/, `\n  urldate = {${iso}},\n}\n`),
    csl: async (href) => {
      const items = await (await fetch(href)).json();
      for (const item of items) item.accessed = { "date-parts": [[today.getFullYear(), today.getMonth() + 1, today.getDate()]] };
      return JSON.stringify(items, null, 2) + "\n";
    },
  };
  const button = (kind, label, href, where) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = label;
    b.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(await texts[kind](href));
        b.textContent = words.copied;
      } catch {
        b.textContent = words.failed;
      }
      setTimeout(() => (b.textContent = label), 2000);
    });
    where.after(" ", b);
  };
  button("reference", words.copy, null, document.getElementById("citation"));
  const [bib, csl] = cite.querySelectorAll(".cite-files a");
  button("bibtex", words.copyBibtex, bib.href, bib);
  button("csl", words.copyCsl, csl.href, csl);
}
