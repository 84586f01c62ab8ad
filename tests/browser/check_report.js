// Open the rendered HTML report from disk in headless Chromium and report, as JSON:
// charts that did not draw, console errors, requests that left the file, axe-core violations.
// Usage: node check_report.js <report.html> [screenshot.png]
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function main() {
  const [file, screenshot] = process.argv.slice(2);
  const url = "file://" + path.resolve(file);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const consoleErrors = [];
  const outsideRequests = [];
  page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(msg.text()); });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  page.on("request", (req) => {
    const u = req.url();
    if (!u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:")) {
      outsideRequests.push(u);
    }
  });
  await page.route((u) => !/^(file|data|blob):/.test(u.toString()), (route) => route.abort());
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(
    () => [...document.querySelectorAll(".vega-chart")].every((d) => d.querySelector("svg, canvas")),
    null, { timeout: 15000 },
  ).catch(() => {});
  const charts = await page.$$eval(".vega-chart", (divs) =>
    divs.map((d) => ({ id: d.id, drawn: !!d.querySelector("svg, canvas") })));
  // evaluate() is not subject to the page's Content-Security-Policy (addScriptTag would be)
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();
  console.log(JSON.stringify({ charts, consoleErrors, outsideRequests, axe }, null, 1));
}

main().catch((err) => { console.error(err); process.exit(2); });
