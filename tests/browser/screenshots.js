// Screenshots of a rendered HTML report, for looking at what readers get (not a test).
// Opens the page from disk in headless Chromium with every outside request blocked, waits
// for the charts, and writes into <out-dir>, for each width (1280 and 320 px):
//   full-<width>.png              the whole page
//   <section>-<width>.png         one window at each section below (scrolled to it)
//   chart-<id>-<width>.png        each chart's figure
// Sections: the top of the page, the first chart with its data table opened, the Ombudsman
// section and its table of decisions, and the statutory Stage 2 time-limit chart.
// Usage: node screenshots.js <report.html> <out-dir>
const path = require("path");
const fs = require("fs");
const { launchChromium, openOffline, waitForCharts } = require("./chromium");

const WIDTHS = [1280, 320];
const SECTIONS = {
  top: null,
  "chart-with-data": "#fig-total-feedback",
  ombudsman: "#ombudsman-decisions",
  "ombudsman-table": "#ombudsman-decisions ~ .table-scroll",
  "stage2-time-limits": "#time-taken-to-complete-statutory-stage-2-investigations",
};

async function shoot(browser, url, width, outDir) {
  const { page } = await openOffline(browser, url, width);
  await waitForCharts(page, 20000);
  await page.screenshot({ path: path.join(outDir, `full-${width}.png`), fullPage: true });
  for (const [name, selector] of Object.entries(SECTIONS)) {
    await page.evaluate((sel) => {
      if (!sel) { window.scrollTo(0, 0); return; }
      const target = document.querySelector(sel);
      const data = target && target.closest("figure, section, div") && target.parentElement
        .querySelector(`${sel} ~ details`);
      if (data) data.open = true;
      if (target) target.scrollIntoView({ block: "start" });
    }, selector);
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(outDir, `${name}-${width}.png`) });
  }
  for (const figure of await page.$$("figure.chart")) {
    const id = (await figure.getAttribute("id")).replace(/^fig-/, "");
    await figure.screenshot({ path: path.join(outDir, `chart-${id}-${width}.png`) });
  }
  await page.close();
}

async function main() {
  const [file, outDir] = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  for (const width of WIDTHS) await shoot(browser, "file://" + path.resolve(file), width, outDir);
  await browser.close();
}

main().catch((err) => { console.error(err); process.exit(2); });
