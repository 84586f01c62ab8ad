// What the browser checks share: headless Chromium, a page opened from disk with every
// request outside the file blocked (and recorded), waiting for the charts to draw, and axe-core.
const fs = require("fs");
const { chromium } = require("playwright-core");

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const LOCAL = /^(file|data|blob|about):/;

function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
  });
}

// A new page of the given width at `url`, every request outside the file aborted and recorded.
async function openOffline(browser, url, width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const consoleErrors = [];
  const outsideRequests = [];
  page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(msg.text()); });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  page.on("request", (req) => {
    const u = req.url();
    if (!LOCAL.test(u)) outsideRequests.push(u);
  });
  await page.route((u) => !LOCAL.test(u.toString()), (route) => route.abort());
  await page.goto(url, { waitUntil: "load" });
  return { page, consoleErrors, outsideRequests };
}

// Wait until every chart holds its drawing (or the timeout passes: the caller checks).
async function waitForCharts(page, timeout) {
  await page.waitForFunction(
    () => [...document.querySelectorAll(".vega-chart")].every((d) => d.querySelector("svg, canvas")),
    null, { timeout },
  ).catch(() => {});
}

// axe-core's violations of the page, every level.
async function axeViolations(page) {
  // evaluate() is not subject to the page's Content-Security-Policy (addScriptTag would be)
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: tags });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  }, AXE_TAGS);
}

module.exports = { launchChromium, openOffline, waitForCharts, axeViolations };
