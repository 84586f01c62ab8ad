// Open the rendered HTML report from disk in headless Chromium, with every request outside
// file: blocked, and report as JSON, for a wide (1280 px) and a narrow (320 px) window:
// charts that did not draw, console errors, requests that left the file, axe-core
// violations (every level), whether the page scrolls sideways, and whether the contents
// stay in view after scrolling to the end of the page; for each chart, where its numbers are
// shown (see chartNumbers) and what assistive technology gets (the accessibility tree's name
// and description of the drawing).
// (check_report.js does the single-window checks of the hostile-text tests.)
// Usage: node check_layout.js <report.html> [screenshot-prefix]
//   (screenshots <prefix>-1280.png and <prefix>-320.png, first screen of each)
const path = require("path");
const { launchChromium, openOffline, waitForCharts, axeViolations } = require("./chromium");

const WIDTHS = [1280, 320];

// For each chart (figure.chart): the numbers of its data table (the table its drawing names
// with aria-details: every body cell after the first column, with its column heading), and
// the visible text shown
// with it, from the start of the figure to the end of the <details> holding the table: the
// drawing's value labels (SVG text marks; axis ticks, legend and facet headers left out),
// the caption's headline, and everything else (neither the drawing nor the <details>).
function chartNumbers() {
  const visibleText = (node) => {
    const parent = node.parentElement;
    return parent && parent.checkVisibility() && !parent.closest("svg, details, script");
  };
  return [...document.querySelectorAll("figure.chart")].map((figure) => {
    const drawing = figure.querySelector(".vega-chart");
    const named = document.getElementById(drawing.getAttribute("aria-details") || "");
    const table = named && !named.matches("table") ? named.querySelector("table") : named;
    const details = table ? table.closest("details") : null;
    const columns = table ? [...table.tHead.rows[0].cells].map((c) => c.textContent.trim()) : [];
    const numbers = table ? [...table.tBodies[0].rows].flatMap((row) => [...row.cells].slice(1)
      .map((cell) => ({ column: columns[cell.cellIndex], value: cell.textContent.trim() }))) : [];
    const range = document.createRange();
    range.setStartBefore(figure);
    range.setEndAfter(details || figure);
    const headline = [];
    const other = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!range.intersectsNode(node) || !visibleText(node)) continue;
      (node.parentElement.closest(".chart-headline") ? headline : other).push(node.textContent);
    }
    const labels = [...drawing.querySelectorAll("svg g.role-mark text")].map((t) => t.textContent);
    const description = document.getElementById(drawing.getAttribute("aria-describedby") || "");
    return {
      id: drawing.id, numbers, labels, headline: headline.join(" "), other: other.join(" "),
      altText: drawing.getAttribute("aria-label"),
      description: description ? description.textContent : null,
      descriptionShown: description ? description.checkVisibility() : null,
      tableAfterFigure: !!details && figure.nextElementSibling === details,
    };
  });
}

// Name and description of every image in the browser's accessibility tree (a drawn chart's
// container is a "graphics-document": vega-embed gives it that role when it draws).
async function accessibleImages(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  await cdp.detach();
  const roles = ["image", "img", "graphics-document"];
  return nodes.filter((n) => n.role && roles.includes(n.role.value)).map((n) => ({
    name: n.name ? n.name.value : "",
    description: n.description ? n.description.value : "",
  }));
}

// Each chart: drawn or not, the room it has and the width it is drawn at, once the loader
// has drawn every chart for its room (it redraws one too wide for its room, narrower).
async function drawnCharts(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll(".vega-chart")].every((d) =>
      d.getAttribute("data-drawn-for") === String(d.parentElement.clientWidth)),
    null, { timeout: 20000 },
  ).catch(() => {});
  return page.$$eval(".vega-chart", (divs) => divs.map((d) => {
    const svg = d.querySelector("svg");
    return { id: d.id, drawn: !!d.querySelector("svg, canvas"), room: d.parentElement.clientWidth,
      width: svg ? Number(svg.getAttribute("width")) : null };
  }));
}

// A wide window made narrow (a phone turned, a window resized): the charts after it.
async function checkResize(browser, url) {
  const { page } = await openOffline(browser, url, 1280);
  await drawnCharts(page);
  await page.setViewportSize({ width: 320, height: 900 });
  const charts = await drawnCharts(page);
  await page.close();
  return { charts };
}

async function checkWidth(browser, url, width, screenshot) {
  const { page, consoleErrors, outsideRequests } = await openOffline(browser, url, width);
  await waitForCharts(page, 20000);
  const charts = await drawnCharts(page);
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  const numbers = await page.evaluate(chartNumbers);
  const images = await accessibleImages(page);
  if (screenshot) await page.screenshot({ path: `${screenshot}-${width}.png` });
  const axe = await axeViolations(page);
  // scroll half way, then to the end: is a link of the contents still inside the window?
  const contents = await page.evaluate(async () => {
    const links = [...document.querySelectorAll("#TOC a, nav[role=doc-toc] a, .report-toc a")];
    const visibleAt = async (y) => {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 100));
      return links.filter((a) => {
        const r = a.getBoundingClientRect();
        return a.checkVisibility() && r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
      }).length;
    };
    const end = document.documentElement.scrollHeight;
    const visibleHalfWay = await visibleAt(Math.round(end / 2));
    const halfWayY = window.scrollY;
    const visibleAfterScroll = await visibleAt(end);
    return { links: links.length, visibleHalfWay, halfWayY, visibleAfterScroll, scrollY: window.scrollY };
  });
  await page.close();
  return { width, charts, consoleErrors, outsideRequests, axe, overflow, contents, numbers, images };
}

async function main() {
  const [file, screenshot] = process.argv.slice(2);
  const url = "file://" + path.resolve(file);
  const browser = await launchChromium();
  const results = {};
  for (const width of WIDTHS) results[width] = await checkWidth(browser, url, width, screenshot);
  results.resized = await checkResize(browser, url);
  await browser.close();
  console.log(JSON.stringify(results, null, 1));
}

main().catch((err) => { console.error(err); process.exit(2); });
