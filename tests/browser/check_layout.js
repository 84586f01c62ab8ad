// Open the rendered HTML report from disk in headless Chromium, with every request outside
// file: blocked, and report as JSON, for a wide (1280 px) and a narrow (320 px) window:
// charts that did not draw, console errors, requests that left the file, axe-core
// violations (every level), whether the page scrolls sideways, and whether the contents
// stay in view after scrolling to the end of the page.
// (check_report.js does the single-window checks of the hostile-text tests.)
// Usage: node check_layout.js <report.html> [screenshot-prefix]
//   (screenshots <prefix>-1280.png and <prefix>-320.png, first screen of each)
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const WIDTHS = [1280, 320];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

async function openOffline(browser, url, width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const consoleErrors = [];
  const outsideRequests = [];
  page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(msg.text()); });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  page.on("request", (req) => {
    const u = req.url();
    if (!/^(file|data|blob|about):/.test(u)) outsideRequests.push(u);
  });
  await page.route((u) => !/^(file|data|blob|about):/.test(u.toString()), (route) => route.abort());
  await page.goto(url, { waitUntil: "load" });
  return { page, consoleErrors, outsideRequests };
}

async function checkWidth(browser, url, width, screenshot) {
  const { page, consoleErrors, outsideRequests } = await openOffline(browser, url, width);
  await page.waitForFunction(
    () => [...document.querySelectorAll(".vega-chart")].every((d) => d.querySelector("svg, canvas")),
    null, { timeout: 20000 },
  ).catch(() => {});
  const charts = await page.$$eval(".vega-chart", (divs) =>
    divs.map((d) => ({ id: d.id, drawn: !!d.querySelector("svg, canvas") })));
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (screenshot) await page.screenshot({ path: `${screenshot}-${width}.png` });
  // evaluate() is not subject to the page's Content-Security-Policy (addScriptTag would be)
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const axe = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: tags });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  }, AXE_TAGS);
  // scroll to the end: is a link of the contents still inside the window?
  const contents = await page.evaluate(async () => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    await new Promise((r) => setTimeout(r, 100));
    const links = [...document.querySelectorAll("#TOC a, nav[role=doc-toc] a, .report-toc a")];
    const visible = links.filter((a) => {
      const r = a.getBoundingClientRect();
      return a.checkVisibility() && r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
    });
    return { links: links.length, visibleAfterScroll: visible.length, scrollY: window.scrollY };
  });
  await page.close();
  return { width, charts, consoleErrors, outsideRequests, axe, overflow, contents };
}

async function main() {
  const [file, screenshot] = process.argv.slice(2);
  const url = "file://" + path.resolve(file);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
  });
  const results = {};
  for (const width of WIDTHS) results[width] = await checkWidth(browser, url, width, screenshot);
  await browser.close();
  console.log(JSON.stringify(results, null, 1));
}

main().catch((err) => { console.error(err); process.exit(2); });
