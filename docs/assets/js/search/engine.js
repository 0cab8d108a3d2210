// The search engine behind the search box: Pagefind's index (built from the
// site by tools/site_hooks.py, Chinese segmented by ICU4X like the browser's
// Intl.Segmenter segments the query) plus the merchant words of
// calculator/data/search_synonyms.toml, compiled at build time into
// pagefind/synonyms.json. Loaded on the first use of the search box only.
//
// Results are sections, not pages: the heading a reader clicks lands on the
// part of the page that answers.

const SITE_ROOT = new URL("../../../", import.meta.url);

let ready = null;

/** Load Pagefind and the synonym groups once; later calls share the promise. */
export function load() {
  if (!ready) {
    ready = (async () => {
      const pagefind = await import(new URL("pagefind/pagefind.js", SITE_ROOT).href);
      // No extra worker: the index is small, and starting one costs a round trip.
      await pagefind.options({ baseUrl: SITE_ROOT.pathname, excerptLength: 36, noWorker: true });
      await pagefind.init();
      const reply = await fetch(new URL("pagefind/synonyms.json", SITE_ROOT));
      const groups = reply.ok ? (await reply.json()).groups : [];
      return { pagefind, groups };
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

/** The query as typed, tidied: full-width letters and digits made plain, spaces single. */
export function normalize(query) {
  return query.normalize("NFKC").replace(/\s+/g, " ").trim();
}

// Words that carry no meaning of their own in a merchant's question.
const FILLER = new Set(
  "吗 呢 吧 了 不了 的 啊 呀 么 能 能不能 可以 可不可以 做 怎么 怎么办 怎样 如何 什么 为什么 多少 要 是 我 我的 你 还 在 一直 会 又 把 被 给 有 和 与 及 或 就 都 也 请问 一下".split(
    " ",
  ),
);

let segmenter = null;

/** The query cut into words as Pagefind's query side does (Intl.Segmenter). */
export function words(text) {
  return pieces(text).map((piece) => piece.word);
}

function pieces(text) {
  segmenter ||= new Intl.Segmenter("zh", { granularity: "word" });
  return [...segmenter.segment(text)]
    .filter((part) => part.isWordLike)
    .map((part) => ({ word: part.segment.toLowerCase(), at: part.index }));
}

/**
 * Meaningful words of a text: filler dropped, and runs of single characters
 * (where the browser's dictionary did not know a word: 银联来电 -> 银, 联, 来,
 * 电) read as overlapping pairs (银联, 联来, 来电), as CJK search engines do.
 */
function meaningful(text) {
  const kept = pieces(text).filter((piece) => !FILLER.has(piece.word));
  const out = [];
  let run = [];
  const flush = () => {
    if (run.length === 1) out.push(run[0].word);
    for (let i = 0; i + 1 < run.length; i += 1) out.push(run[i].word + run[i + 1].word);
    run = [];
  };
  for (const piece of kept) {
    const single = [...piece.word].length === 1 && /\p{Script=Han}/u.test(piece.word);
    const last = run[run.length - 1];
    if (single && (!last || last.at + 1 === piece.at)) run.push(piece);
    else {
      flush();
      if (single) run.push(piece);
      else out.push(piece.word);
    }
  }
  flush();
  return [...new Set(out)];
}

/**
 * The query as concepts: { words, targets }, where any of `words` will do. A
 * merchant word from the synonym groups becomes its whole group, whose
 * `targets` (sections the maintainers named for it) rank first; the rest is
 * cut into meaningful words.
 */
export function concepts(query, groups) {
  const found = [];
  let rest = query.toLowerCase();
  const all = groups
    .flatMap((group) => group.words.map((word) => [word.toLowerCase(), group]))
    .sort((a, b) => b[0].length - a[0].length);
  for (const [word, group] of all) {
    if (rest.includes(word)) {
      found.push({
        words: group.words.map((member) => member.toLowerCase()),
        targets: group.targets || [],
      });
      rest = rest.replace(word, " ");
    }
  }
  for (const word of meaningful(rest)) found.push({ words: [word], targets: [] });
  if (!found.length) for (const word of words(query)) found.push({ words: [word], targets: [] });
  return found;
}

const fold = (text) => (text || "").normalize("NFKC").toLowerCase();

const sectionTexts = new Map();

/**
 * Each section's own text (Pagefind's page text cut at every heading, as its
 * sections are), by heading id, so that "holds the word" means the word is
 * there as typed, however the index and the browser cut it into pieces.
 */
function textsOf(page) {
  if (!sectionTexts.has(page.url)) {
    const text = fold(page.content);
    const headings = (page.anchors || [])
      .filter((anchor) => /^h[1-6]$/i.test(anchor.element))
      .sort((x, y) => x.location - y.location);
    let from = 0;
    const starts = headings.map((heading) => {
      const at = text.indexOf(fold(heading.text), from);
      if (at >= 0) from = at;
      return at;
    });
    const texts = new Map();
    headings.forEach((heading, index) => {
      if (starts[index] < 0) return;
      const next = starts.slice(index + 1).find((at) => at >= 0);
      texts.set(heading.id, text.slice(starts[index], next === undefined ? text.length : next));
    });
    sectionTexts.set(page.url, texts);
  }
  return sectionTexts.get(page.url);
}

/**
 * Where one word occurs: Map(section url -> {weight, places, page, sub}).
 * `weight` is 2 when the word is in the section's heading, else 1, times
 * `factor`; `places` are Pagefind's word positions, for nearness.
 */
async function occurrences(pagefind, word, factor) {
  const found = await pagefind.search(word);
  const where = new Map();
  if (!found) return where;
  const pages = await Promise.all(found.results.map((result) => result.data()));
  for (const page of pages) {
    const texts = textsOf(page);
    for (const sub of page.sub_results || []) {
      const text = sub.anchor && texts.get(sub.anchor.id);
      if (text === undefined || !text.includes(word)) continue;
      const places = (sub.weighted_locations || []).map((place) => place.location);
      const weight = (fold(sub.title).includes(word) ? 2 : 1) * factor;
      where.set(decodeURIComponent(sub.url), { weight, places, page, sub });
    }
  }
  return where;
}

const escapeHtml = (text) =>
  text.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`,
  );

/** An excerpt of our own, in Pagefind's form, around the first `word` in `text`. */
function excerptAround(text, word) {
  const at = text.indexOf(word);
  const start = Math.max(0, at - 24);
  const end = Math.min(text.length, at + word.length + 36);
  return (
    (start > 0 ? "…" : "") +
    escapeHtml(text.slice(start, at)) +
    `<mark>${escapeHtml(word)}</mark>` +
    escapeHtml(text.slice(at + word.length, end)) +
    (end < text.length ? "…" : "")
  );
}

/**
 * Sections of the pages already in hand that hold a word Pagefind did not
 * match (the index cut it otherwise than the browser: "来电").
 */
function literalHits(pages, word, factor, where) {
  for (const page of pages) {
    for (const heading of page.anchors || []) {
      const text = textsOf(page).get(heading.id);
      const url = `${decodeURIComponent(page.url)}#${heading.id}`;
      if (text === undefined || where.has(url) || !text.includes(word)) continue;
      const weight = (fold(heading.text).includes(word) ? 2 : 1) * factor;
      const sub = { title: heading.text, url, excerpt: excerptAround(text, word) };
      where.set(url, { weight, places: [], page, sub });
    }
  }
}

/**
 * Ranked sections for a query: [{ url, title, page, excerpt }], best first.
 * A section scores for each concept of the query it holds (rarer words count
 * more, a word in its heading counts double), more when the query's words
 * stand together there as typed, and most when it holds all of them.
 * `excerpt` is Pagefind's, whose only markup is <mark> around matched words.
 */
export async function search(query, limit = 10) {
  const { pagefind, groups } = await load();
  const text = normalize(query);
  if (!text) return [];
  const parts = concepts(text, groups);
  const typed = text.toLowerCase();
  // All words at once: each search waits on the network for its index parts.
  const hits = await Promise.all(
    parts.map(async (part) => {
      const merged = new Map();
      const found = await Promise.all(
        // The reader's own word counts fully, the group's other words a little less.
        part.words.map((word) => occurrences(pagefind, word, typed.includes(word) ? 1 : 0.8)),
      );
      for (const where of found) {
        for (const [url, place] of where) {
          const known = merged.get(url);
          if (!known || known.weight < place.weight) merged.set(url, place);
        }
      }
      return merged;
    }),
  );
  const pages = new Map();
  for (const merged of hits)
    for (const place of merged.values()) pages.set(place.page.url, place.page);
  parts.forEach((part, index) => {
    for (const word of part.words) {
      literalHits([...pages.values()], word, typed.includes(word) ? 1 : 0.8, hits[index]);
    }
  });
  const sections = new Set(hits.flatMap((merged) => [...merged.keys()]));
  const targets = new Set(parts.flatMap((part) => part.targets));
  const total = Math.max(sections.size, 1);
  const scored = [];
  for (const url of sections) {
    let score = 0;
    let held = 0;
    let info = null;
    hits.forEach((merged, index) => {
      const place = merged.get(url);
      if (!place) return;
      info ||= place;
      held += 1;
      const rarity = Math.log(1 + total / merged.size);
      const often = place.places.length / (place.places.length + 1);
      score += rarity * (0.5 + often) * place.weight;
      const next = hits[index + 1] && hits[index + 1].get(url);
      if (next && place.places.some((at) => next.places.some((to) => to > at && to - at <= 2))) {
        score += rarity;
      }
    });
    score *= (held / hits.length) ** 2;
    // A section the synonym file names for one of the query's words.
    if (targets.has(url.slice(SITE_ROOT.pathname.length))) score *= 2;
    const pageTitle = info.page.meta.title || "";
    const title = info.sub.title || pageTitle;
    scored.push({
      url,
      title,
      page: title !== pageTitle ? pageTitle : "",
      excerpt: info.sub.excerpt || info.page.excerpt || "",
      score,
    });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, limit);
}
