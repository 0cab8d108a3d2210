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
      await pagefind.options({ baseUrl: SITE_ROOT.pathname, excerptLength: 36 });
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
  "吗 呢 吧 了 的 啊 呀 么 能 能不能 可以 可不可以 做 怎么 怎么办 怎样 如何 什么 为什么 多少 要 是 我 我的 你 还 在 一直 会 又 把 被 给 有 和 与 及 或 就 都 也 请问 一下".split(
    " ",
  ),
);

let segmenter = null;

/** The query cut into words as Pagefind's query side does (Intl.Segmenter). */
export function words(text) {
  segmenter ||= new Intl.Segmenter("zh", { granularity: "word" });
  return [...segmenter.segment(text)]
    .filter((part) => part.isWordLike)
    .map((part) => part.segment.toLowerCase());
}

/**
 * The query as concepts: each a list of words any of which will do. A merchant
 * word from the synonym groups becomes its whole group; the rest is cut into
 * words, filler dropped.
 */
export function concepts(query, groups) {
  const found = [];
  let rest = query.toLowerCase();
  const all = groups
    .flatMap((group) => group.map((word) => [word.toLowerCase(), group]))
    .sort((a, b) => b[0].length - a[0].length);
  for (const [word, group] of all) {
    if (rest.includes(word)) {
      found.push(group.map((member) => member.toLowerCase()));
      rest = rest.replace(word, " ");
    }
  }
  for (const word of words(rest)) if (!FILLER.has(word)) found.push([word]);
  if (!found.length) for (const word of words(query)) found.push([word]);
  return found;
}

/**
 * Where a word the segmenter may cut in pieces ("上当" -> 上, 当) occurs: the
 * places where all its pieces stand together, in order.
 */
function together(places, pieces) {
  if (pieces < 2) return places;
  const at = new Set(places);
  const starts = places.filter((place) => {
    for (let step = 1; step < pieces; step += 1) if (!at.has(place + step)) return false;
    return true;
  });
  return starts;
}

/** Where one word occurs: Map(section url -> {weight, places, page, sub}). */
async function occurrences(pagefind, word, factor) {
  const found = await pagefind.search(word);
  const where = new Map();
  if (!found) return where;
  const pieces = words(word).length;
  const pages = await Promise.all(found.results.map((result) => result.data()));
  for (const page of pages) {
    const subs = page.sub_results && page.sub_results.length ? page.sub_results : [page];
    for (const sub of subs) {
      const located = sub.weighted_locations || [];
      const places = together(
        located.map((place) => place.location).sort((a, b) => a - b),
        pieces,
      );
      if (!places.length) continue;
      const kept = new Set(places);
      const weight =
        Math.max(...located.filter((place) => kept.has(place.location)).map((p) => p.weight)) *
        factor;
      where.set(sub.url || page.url, { weight, places, page, sub });
    }
  }
  return where;
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
    parts.map(async (members) => {
      const merged = new Map();
      const found = await Promise.all(
        // The reader's own word counts fully, the group's other words a little less.
        members.map((member) => occurrences(pagefind, member, typed.includes(member) ? 1 : 0.8)),
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
  const sections = new Set(hits.flatMap((merged) => [...merged.keys()]));
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
      score += rarity * (0.5 + often) * (place.weight >= 1.5 ? 2 : 1) * Math.min(place.weight, 1);
      const next = hits[index + 1] && hits[index + 1].get(url);
      if (next && place.places.some((at) => next.places.some((to) => to > at && to - at <= 2))) {
        score += rarity;
      }
    });
    score *= (held / hits.length) ** 2;
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
