// Open the rendered HTML report from disk in headless Chromium and report, as JSON:
// charts that did not draw, console errors, requests that left the file, axe-core violations,
// the page title, whether any injected script ran (window.__pwned) and the visible text.
// Usage: node check_report.js <report.html> [screenshot.png]
const path = require("path");
const { launchChromium, waitForCharts, axeViolations } = require("./chromium");

async function main() {
  const [file, screenshot] = process.argv.slice(2);
  const url = "file://" + path.resolve(file);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const consoleErrors = [];
  const outsideRequests = [];
  page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(msg.text()); });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  const blockedByPolicy = [];  // stopped by the page's Content-Security-Policy: never sent
  page.on("request", (req) => {
    const u = req.url();
    if (!u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:")) {
      outsideRequests.push(u);
    }
  });
  page.on("requestfailed", (req) => {
    if ((req.failure() || {}).errorText !== "csp") return;
    blockedByPolicy.push(req.url());
    const i = outsideRequests.indexOf(req.url());
    if (i >= 0) outsideRequests.splice(i, 1);
  });
  await page.route((u) => !/^(file|data|blob):/.test(u.toString()), (route) => route.abort());
  await page.goto(url, { waitUntil: "load" });
  await waitForCharts(page, 15000);
  const charts = await page.$$eval(".vega-chart", (divs) =>
    divs.map((d) => ({ id: d.id, drawn: !!d.querySelector("svg, canvas") })));
  const page_state = await page.evaluate(() => ({
    title: document.title,
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    text: document.body.innerText,
    csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || null,
  }));
  const axe = await axeViolations(page);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();
  console.log(JSON.stringify(
    { charts, consoleErrors, outsideRequests, blockedByPolicy, axe, ...page_state }, null, 1));
}

main().catch((err) => { console.error(err); process.exit(2); });
