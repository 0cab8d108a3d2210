// Bench-only (tools/bench.py copies it into a throw-away copy of the site and
// puts it first in <head>; the published site never loads it). Records, as
// attributes on <html> so the bench reads them without evaluating script:
//   data-bench-first-fee  ms from navigation start to the first fee shown
//   data-bench-ready      ms to a bare page's loadPyodide() (set by bare.js)
//   data-bench-latencies  input event -> fee text changed, ms, comma-separated
//   data-bench-longtasks  main-thread tasks over 50 ms: "start:duration,..."
(() => {
  const html = document.documentElement;
  const longtasks = [];
  if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes.includes("longtask")) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        longtasks.push(`${Math.round(entry.startTime)}:${Math.round(entry.duration)}`);
      }
      html.dataset.benchLongtasks = longtasks.join(",");
    }).observe({ type: "longtask", buffered: true });
  }
  html.dataset.benchLongtasks = "";
  let inputAt = null;
  const latencies = [];
  document.addEventListener("input", (event) => (inputAt = event.timeStamp), true);
  const fee = /\d\.\d\d 元$/;
  new MutationObserver(() => {
    const out = document.querySelector("[data-out=fee]");
    if (!out || !fee.test(out.textContent)) return;
    const now = performance.now();
    if (!html.dataset.benchFirstFee) html.dataset.benchFirstFee = String(Math.round(now));
    if (inputAt !== null) {
      latencies.push((now - inputAt).toFixed(1));
      inputAt = null;
      html.dataset.benchLatencies = latencies.join(",");
      html.dataset.benchN = String(latencies.length);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();
